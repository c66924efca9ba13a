"""Chunks that follow a document's structure and fit the embedding model's window.

all-MiniLM-L6-v2 reads 256 word pieces; anything longer is cut off and its tail cannot be found by
meaning. So every chunk's embedded text (a short context line + the chunk) is counted with the
model's own tokenizer and kept inside the window. Chunks never cross a page or a section; long
paragraphs are split between sentences; table rows are never split, and each table chunk repeats the
table's header line; every spreadsheet/CSV record is its own chunk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from core.documents.model import Block, ParsedDocument
from core.documents.text import split_sentences

WINDOW = 256  # word pieces the model reads, [CLS] and [SEP] included
CONTEXT_TOKENS = 40


@dataclass
class Chunk:
    text: str  # verbatim from the document: what is cited and quoted
    embed_text: str  # context line + text, inside the model's window: what is embedded (and sparse-encoded)
    page: int | None
    section: tuple[str, ...]
    kind: str  # "text" | "table" | "record"
    index: int = 0
    fields: dict[str, str] | None = None
    tokens: int = 0
    extra: dict = field(default_factory=dict)
    dense_text: str | None = None  # what the embedding model reads instead of embed_text (code tables)


TokenCounter = Callable[[Sequence[str]], list[int]]


def doc_label(doc: ParsedDocument) -> str:
    """'folder name / title': the folder often names the procurement ("gsa-tts-cloudgov-support...")."""
    parts = re.split(r"[\\/]", doc.path)
    folder = parts[-2] if len(parts) > 1 else ""
    folder = re.sub(r"[_-]+", " ", folder).strip()
    return f"{folder} / {doc.title}" if folder else doc.title


def _described(fields: dict[str, str] | None) -> str:
    """A record as its column names and values: "SOC Code: 15-1252; SOC Title: Software Developers"."""
    return "; ".join(f"{k}: {v}" for k, v in (fields or {}).items())


def _context(doc: ParsedDocument, section: tuple[str, ...]) -> str:
    tail = " > ".join(section[-2:])
    return f"{doc_label(doc)}\n{tail}" if tail else doc_label(doc)


class Chunker:
    def __init__(self, count_tokens: TokenCounter, chunk_tokens: int = 200, truncate=None):
        self.count = count_tokens
        self.chunk_tokens = min(chunk_tokens, WINDOW - 2 - CONTEXT_TOKENS)
        self.truncate = truncate  # (texts, max_tokens) -> texts; for contexts and record embeddings

    def chunk(self, doc: ParsedDocument, reference: bool = False) -> list[Chunk]:
        """`reference`: a code table (SOC, OPM series, GSA rates). Its records are embedded by their
        fields alone: a row says what it is ("SOC Code: 15-1252; SOC Title: Software Developers"),
        and the same table saved as XLSX and as CSV then gives the same texts, embedded once (the
        file's name and sheet still go to the sparse vector, so "OASIS" or "CALC" match)."""
        chunks: list[Chunk] = []
        contexts: dict[str, str] = {}  # the rows of one table share theirs
        for group in _groups(doc.blocks):
            first = group[0]
            context = _context(doc, first.section)
            if self.truncate is not None:
                if context not in contexts:
                    contexts[context] = self.truncate([context], CONTEXT_TOKENS)[0]
                context = contexts[context]
            if first.kind == "record":
                chunks.append(self._record(first, context))
            elif first.kind == "row":
                chunks.extend(self._table(group, context))
            else:
                chunks.extend(self._text(group, context))
        records = [c for c in chunks if c.kind == "record"]
        if reference:
            for c in records:
                c.dense_text = _described(c.fields) or c.text
        if records and self.truncate is not None:  # one tokenizer call for all of a table's rows
            for c, embed in zip(
                records, self.truncate([c.embed_text for c in records], WINDOW - 2), strict=True
            ):
                c.embed_text = embed
            if reference:
                dense = self.truncate([c.dense_text or c.text for c in records], WINDOW - 2)
                for c, text in zip(records, dense, strict=True):
                    c.dense_text = text
        for i, c in enumerate(chunks):
            c.index = i
        return chunks

    # --- records: one row, one chunk ----------------------------------------------------------
    def _record(self, block: Block, context: str) -> Chunk:
        text = f"{block.header}\n{block.text}" if block.header else block.text
        described = _described(block.fields) or block.text
        embed = f"{context}\n{described}"  # truncated to the window in chunk(), all rows at once
        return Chunk(text, embed, block.page, block.section, "record", fields=block.fields)

    # --- document tables: rows packed under their header --------------------------------------
    def _table(self, rows: list[Block], context: str) -> list[Chunk]:
        header = rows[0].header
        header_tokens = self.count([header])[0] + 1 if header else 0
        counts = self.count([r.text for r in rows])
        out: list[Chunk] = []
        current: list[Block] = []
        size = header_tokens

        def flush() -> None:
            if not current:
                return
            body = "\n".join(r.text for r in current)
            text = f"{header}\n{body}" if header else body
            fields = current[0].fields if len(current) == 1 else None
            out.append(
                Chunk(
                    text,
                    f"{context}\n{text}",
                    current[0].page,
                    current[0].section,
                    "table",
                    fields=fields,
                    tokens=size,
                )
            )

        for row, n in zip(rows, counts, strict=True):
            if current and size + n + 1 > self.chunk_tokens:
                flush()
                current, size = [], header_tokens
            current.append(row)
            size += n + 1
        flush()
        return out

    # --- prose: paragraphs, then sentences ------------------------------------------------------
    def _text(self, blocks: list[Block], context: str) -> list[Chunk]:
        units: list[tuple[str, bool, int]] = []  # (text, starts a paragraph, tokens)
        counts = self.count([b.text for b in blocks])
        labels = [None if b.kind == "heading" else label_class(b.text) for b in blocks]
        top = next((c for c in labels if c), None)  # the section's top outline level
        starts_item: set[int] = set()  # units that open an item of the section's top outline level
        for block, label, n in zip(blocks, labels, counts, strict=True):
            if top is not None and label == top:
                starts_item.add(len(units))
            if n <= self.chunk_tokens:
                units.append((block.text, True, n))
                continue
            for j, (piece, m) in enumerate(self._split_long(block.text)):
                units.append((piece, j == 0, m))
        out: list[Chunk] = []
        parts: list[str] = []
        size = 0
        first = blocks[0]

        def flush() -> None:
            text = "".join(parts).strip()
            if text:
                out.append(Chunk(text, f"{context}\n{text}", first.page, first.section, "text", tokens=size))

        for i, (unit, new_para, n) in enumerate(units):
            full = size + n + 1 > self.chunk_tokens
            # A new top-level item ("(b)" after "(a)(3)") starts a chunk once this one holds enough.
            if parts and (full or (i in starts_item and size >= ITEM_BREAK * self.chunk_tokens)):
                flush()
                parts, size = [], 0
            if parts and new_para and _continues(parts[-1], unit):
                new_para = False  # a paragraph broken by a stray blank line (PDF-extracted text)
            parts.append(("\n" if new_para else " ") + unit if parts else unit)
            size += n + 1
        flush()
        return out

    def _split_long(self, text: str) -> list[tuple[str, int]]:
        """Sentences with their token counts; a sentence longer than a chunk is cut at clause marks, then
        at words. Each piece is counted once (a tokenizer call is most of chunking's time)."""
        pieces: list[tuple[str, int]] = []
        sentences = split_sentences(text)
        counts = self.count(sentences)
        for sentence, n in zip(sentences, counts, strict=True):
            if n <= self.chunk_tokens:
                pieces.append((sentence, n))
                continue
            clauses = re.split(r"(?<=[;:])\s+|(?<=,)\s+(?=\(?[a-z0-9]\))", sentence)
            for clause, m in zip(clauses, self.count(clauses), strict=True):
                if m <= self.chunk_tokens:
                    pieces.append((clause, m))
                    continue
                pieces.extend(self._fit(clause))
        return pieces

    def _fit(self, text: str) -> list[tuple[str, int]]:
        """Text with no clause marks cut between words until each piece fits a chunk (a run of dot leaders
        or a long URL is cut inside the word)."""
        n = self.count([text])[0]
        if n <= self.chunk_tokens:
            return [(text, n)]
        words = text.split()
        if len(words) > 1:
            half = len(words) // 2
            return self._fit(" ".join(words[:half])) + self._fit(" ".join(words[half:]))
        half = len(text) // 2
        return self._fit(text[:half]) + self._fit(text[half:])


ITEM_BREAK = 0.4  # share of a chunk filled before a new top-level item may start the next one

_LABELS = (  # outline label kinds, the first that matches names the kind
    ("roman", re.compile(r"\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\)\s*", re.I)),
    ("paren-letter", re.compile(r"\([a-z]\)(?:\s|$)")),
    ("paren-capital", re.compile(r"\([A-Z]\)(?:\s|$)")),
    ("paren-number", re.compile(r"\(\d{1,3}\)(?:\s|$)")),
    ("outline", re.compile(r"\d{1,3}(?:\.\d{1,3})+\.?(?:\s|$)")),
    ("number", re.compile(r"\d{1,3}[.)](?:\s|$)")),
    ("letter", re.compile(r"[a-z][.)](?:\s|$)")),
    ("capital", re.compile(r"[A-Z][.)](?:\s|$)")),
)


def label_class(text: str) -> str | None:
    """The kind of outline label a paragraph starts with ("(b)", "(2)", "3.1", "C."), or None."""
    for name, pattern in _LABELS:
        if pattern.match(text):
            return name
    return None


def _continues(previous: str, following: str) -> bool:
    return bool(previous) and not re.search(r"[.!?:;)\]]\s*$", previous) and following[:1].islower()


def _groups(blocks: list[Block]) -> list[list[Block]]:
    """Runs of blocks that may share a chunk: same section and page; a table's rows together;
    each record alone."""
    groups: list[list[Block]] = []
    for block in blocks:
        kind = "row" if block.kind == "row" else "record" if block.kind == "record" else "text"
        if groups and kind != "record":
            last = groups[-1][0]
            last_kind = "row" if last.kind == "row" else "record" if last.kind == "record" else "text"
            same_place = last.section == block.section and last.page == block.page
            if same_place and kind == last_kind and (kind != "row" or last.table == block.table):
                groups[-1].append(block)
                continue
            # A heading opens the section that follows it: keep it with that section's text.
            if (
                kind == "text"
                and last_kind == "text"
                and len(groups[-1]) == 1
                and last.kind == "heading"
                and block.section[: len(last.section)] == last.section
                and last.page == block.page
            ):
                groups[-1].append(block)
                continue
        groups.append([block])
    return groups
