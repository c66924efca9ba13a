"""Do sentences stay whole on documents nobody tuned for? A property check over every PDF, DOCX, Markdown
and HTML file of ../shared/data (issue 10, item 6), printed with examples; tests/test_document_guard.py
asserts the targets on the same figures.

For each file: parse it, shred it (`shred_document`, as `rfp shred` does for a first file) and chunk it (the
ingest chunker with the embedding model's tokenizer), then count:

- **fragment rows**: matrix rows that are not whole (`proposal/wholeness.py` says exactly when).
- **chunks that cut a sentence**: text chunks that do not end where a sentence ends (a sentence of
  `split_sentences` over the block, or the block itself).
- **zero-width characters** (U+200B-U+200D, U+2060, U+FEFF, soft hyphen U+00AD) left in the parsed blocks.

    .venv/bin/python bench/documents.py [--data ../shared/data] [--examples 40] [--per-file]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

FORMATS = {".pdf", ".docx", ".md", ".markdown", ".html", ".htm"}
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")


def _flat(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _ends(text: str, n: int = 24) -> str:
    return _flat(text)[-n:]


def chunk_cuts(doc, chunks) -> list:
    """Text chunks that end inside a sentence: their text does not end where one of the document's
    sentences (`split_sentences` over a block) or blocks ends, or it ends on a comma or a word that cannot
    end a phrase, or the next chunk carries on its sentence (opens with a plain lower-case word)."""
    from core.documents.text import split_sentences
    from proposal.wholeness import DANGLING_END, LOWER_START

    ends: dict[int, set[str]] = {}
    for block in doc.blocks:
        if block.kind in ("text", "heading"):
            for piece in [block.text, *split_sentences(block.text)]:
                end = _ends(piece)
                ends.setdefault(len(end), set()).add(end)
    texts = [c for c in chunks if c.kind == "text"]
    cut = []
    for i, c in enumerate(texts):
        text, words = _flat(c.text), " ".join(c.text.split())
        following = texts[i + 1].text.lstrip() if i + 1 < len(texts) else ""
        if (
            not any(text[-n:] in keys for n, keys in ends.items() if n)
            or words.endswith(",")
            or DANGLING_END.search(words)
            or LOWER_START.match(following)
        ):
            cut.append(c)
    return cut


@dataclass
class FileFigures:
    path: str
    rows: int = 0
    fragments: list[tuple[str, str, object]] = field(default_factory=list)  # (reason, text, page)
    text_chunks: int = 0
    cuts: list[str] = field(default_factory=list)
    zero_width: int = 0
    error: str = ""
    seconds: float = 0.0


def files(data: Path) -> list[Path]:
    from core.documents import is_derived_twin

    return sorted(
        p for p in data.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS and not is_derived_twin(p)
    )


def measure_file(path: Path, data: Path, chunker) -> FileFigures:
    from core.documents import parse
    from core.errors import DocumentError
    from proposal.shred import shred_document
    from proposal.wholeness import row_fragment

    name = str(path.relative_to(data))
    figures = FileFigures(name)
    start = time.perf_counter()
    try:
        doc = parse(path, name)
    except DocumentError as exc:
        figures.error = str(exc)
        return figures
    figures.zero_width = sum(len(ZERO_WIDTH.findall(b.text)) for b in doc.blocks)
    rows = shred_document(doc, name)
    figures.rows = len(rows)
    for row in rows:
        why = row_fragment(row.text, row.origin)
        if why:
            figures.fragments.append((why, row.text, row.page))
    chunks = chunker.chunk(doc)
    figures.text_chunks = sum(1 for c in chunks if c.kind == "text")
    figures.cuts = [c.text for c in chunk_cuts(doc, chunks)]
    figures.seconds = time.perf_counter() - start
    return figures


def measure(data: Path) -> list[FileFigures]:
    from core.chunking import Chunker
    from core.embedding import Embedder

    embedder = Embedder()  # the tokenizer only: the model loads on the first embedding, never here
    chunker = Chunker(embedder.count_tokens, 200, embedder.truncate)
    return [measure_file(p, data, chunker) for p in files(data)]


@dataclass
class Totals:
    files: int
    rows: int
    fragments: int
    text_chunks: int
    cuts: int
    zero_width: int

    @property
    def fragment_share(self) -> float:
        return self.fragments / max(self.rows, 1)

    @property
    def cut_share(self) -> float:
        return self.cuts / max(self.text_chunks, 1)


def totals(figures: list[FileFigures]) -> Totals:
    return Totals(
        len(figures),
        sum(f.rows for f in figures),
        sum(len(f.fragments) for f in figures),
        sum(f.text_chunks for f in figures),
        sum(len(f.cuts) for f in figures),
        sum(f.zero_width for f in figures),
    )


def report(figures: list[FileFigures], examples: int, per_file: bool) -> str:
    t = totals(figures)
    lines = [
        f"{t.files} files; matrix rows {t.rows}, fragment rows {t.fragments} ({t.fragment_share:.2%}); "
        f"text chunks {t.text_chunks}, cutting a sentence {t.cuts} ({t.cut_share:.2%}); "
        f"zero-width characters left {t.zero_width}"
    ]
    for f in figures:
        if f.error:
            lines.append(f"  refused {f.path}: {f.error}")
    if per_file:
        for f in figures:
            lines.append(
                f"  {f.path}: rows {f.rows}, fragments {len(f.fragments)}, text chunks {f.text_chunks}, "
                f"cuts {len(f.cuts)}, zero-width {f.zero_width}, {f.seconds:.1f} s"
            )
    shown = [(f.path, *x) for f in figures for x in f.fragments][:examples]
    if shown:
        lines.append("fragment rows:")
        lines += [
            f"  [{why}] {path} p{page}: {' '.join(text.split())[:200]!r}" for path, why, text, page in shown
        ]
    cuts = [(f.path, c) for f in figures for c in f.cuts][:examples]
    if cuts:
        lines.append("chunks cutting a sentence (their last 120 characters):")
        lines += [f"  {path}: {' '.join(c.split())[-120:]!r}" for path, c in cuts]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--examples", type=int, default=40)
    parser.add_argument("--per-file", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    figures = measure(args.data)
    print(report(figures, args.examples, args.per_file))
    print(f"measured in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
