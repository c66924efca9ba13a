"""One pass over every parser's output, so that every consumer (chunking, shredding, drafting, training
data) reads the same clean text.

- Characters: zero-width characters and soft hyphens removed, no-break and other fixed-width spaces made
  plain spaces, typographic ligatures (ﬁ, ﬂ...) spelled out, pdfium's hyphen marker (U+FFFE) made a hyphen.
- Paragraphs cut by line wraps and page breaks joined again: converted documents often write each printed
  line as a paragraph of its own (the FAR's Markdown parts do), and a PDF paragraph runs over a page break.
  A text block is joined to the one before it in the same section when that one did not end (no terminal
  punctuation) and the break is a wrap: the next block starts with a plain lower-case word, or, in a
  document whose paragraphs are printed lines, the previous line is about as long as the document's lines
  or ends on a word that cannot end a phrase ("the", "of", "and"...), a comma or a hyphen. A word
  hyphenated across the break is joined; its hyphen stays unless the document also writes the word whole.
  The joined block keeps its first page and records its last (`end_page`).

Running headers, footers and page numbers are removed where lines still exist (`text.lines_to_blocks`,
for PDF and text): no other format has them in its body text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace

from core.documents.model import Block, ParsedDocument

_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_SPACES = dict.fromkeys(
    map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"),
    " ",
)
_LIGATURES = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFB00, 0xFB07)}
_TABLE = {**_DROP, **_SPACES, **_LIGATURES, 0xFFFE: "-"}
_RUNS = re.compile(r"[ \t]{2,}")

TERMINAL = re.compile(r"""[.?!:;]["'”’)\]]*\s*$""")
DANGLING = re.compile(
    r"(?:\b(?:the|a|an|of|to|for|with|by|in|on|at|from|and|or|nor|that|which|whose|shall|must|"
    r"will|may|is|are|be|been|as|than|such|under|into|its|their|per|via|including)|[,(/–-])$",
    re.IGNORECASE,
)
HYPHENATED = re.compile(r"([A-Za-z]+)-$")
LOWER_START = re.compile(r"^[a-z][a-z'’-]*(?=[\s,;:)]|$)")  # a plain word: "cloud.gov" may open a sentence
# A list item or an outline number opening a block: never the rest of the line before it.
ITEM_START = re.compile(r"^\s*(?:[•▪◦●■○\-*–]\s|\(?[a-zA-Z]\)|\(?\d{1,3}\)|\(?[ivx]{1,5}\))")
NUMBER_START = re.compile(
    r"^\s*\d{1,3}(?:\.\d{1,4})*(?:-\d{1,4})?\.?\s"
)  # "3.1 ...", or a reference ("15.408 (i)")
WRAPPED_LINES = 160  # a document whose 90th-percentile paragraph is shorter than this writes printed lines


def clean_text(text: str, collapse: bool = True) -> str:
    """Characters normalised; runs of spaces made one (not in verbatim records: `collapse=False`)."""
    text = text.translate(_TABLE)
    return _RUNS.sub(" ", text).strip() if collapse else text


def _clean_block(block: Block) -> Block:
    record = block.kind == "record"
    return replace(
        block,
        text=clean_text(block.text, collapse=not record),
        section=tuple(clean_text(s) for s in block.section),
        fields={clean_text(k): clean_text(v, collapse=not record) for k, v in block.fields.items()}
        if block.fields
        else block.fields,
        header=clean_text(block.header, collapse=not record) if block.header else block.header,
    )


def _line_width(blocks: list[Block]) -> float | None:
    """The length of a printed line when the document writes its lines as paragraphs, else None."""
    texts = [b.text for b in blocks if b.kind == "text"]
    if len(texts) < 20:
        return None
    lengths = sorted(len(t) for t in texts)
    p90 = lengths[int(len(lengths) * 0.9)]
    open_ended = sum(1 for t in texts if not TERMINAL.search(t))
    if p90 > WRAPPED_LINES or open_ended < 0.3 * len(texts):
        return None
    return float(p90)


def vocabulary(texts) -> Counter[str]:
    """The words a document writes (lower case), to tell a hyphenated line end from a compound."""
    return Counter(w.lower() for t in texts for w in re.findall(r"[A-Za-z]{3,}", t))


def join_words(previous: str, following: str, words: Counter[str]) -> str:
    """Two pieces of one paragraph cut at a line end, joined: a word hyphenated across the cut is one word
    again ("require-" + "ments"), a compound keeps its hyphen ("Foundry-" + "based")."""
    m = HYPHENATED.search(previous)
    first = re.match(r"[a-z]+", following)
    if m and first:
        head = previous[: m.end(1)]
        # "require-" + "ments": the document writes "requirements"
        if words[(m.group(1) + first.group(0)).lower()] > 0:
            return head + following
        return previous + following  # "Foundry-" + "based": a compound keeps its hyphen
    return f"{previous} {following}"


def _continues(previous: Block, following: Block, last_line: str, width: float | None) -> bool:
    if previous.kind != "text" or following.kind != "text" or previous.section != following.section:
        return False
    last = previous.last_page
    if last is not None and following.page is not None and following.page - last > 1:
        return False
    text = previous.text
    if TERMINAL.search(text) or ITEM_START.match(following.text):
        return False
    if width is not None and DANGLING.search(text):  # "... the procedures at" / "15.305 ."
        return True
    if NUMBER_START.match(following.text):
        return False
    if LOWER_START.match(following.text):
        return True
    # a document that writes its printed lines as paragraphs: a line about as long as its lines
    return width is not None and len(last_line) >= 0.6 * width


def join_wrapped(blocks: list[Block]) -> list[Block]:
    """Text blocks cut by a line wrap or a page break joined to the block they continue."""
    width = _line_width(blocks)
    words = vocabulary(b.text for b in blocks)
    out: list[Block] = []
    last_line = ""
    for block in blocks:
        if out and _continues(out[-1], block, last_line, width):
            previous = out[-1]
            end = block.last_page if block.last_page != previous.page else previous.end_page
            text = join_words(previous.text, block.text, words)
            at = len(text) - len(block.text)
            marks = list(previous.page_marks)
            if block.page is not None and block.page != previous.last_page:
                marks.append((at, block.page))
            marks += [(at + offset, page) for offset, page in block.page_marks]
            out[-1] = replace(previous, text=text, end_page=end, page_marks=tuple(marks))
        else:
            out.append(block)
        last_line = block.text
    return out


def normalize_document(doc: ParsedDocument) -> ParsedDocument:
    """The one normalisation every parser's output goes through (see the module's docstring)."""
    blocks = [_clean_block(b) for b in doc.blocks]
    blocks = [b for b in blocks if b.text.strip()]
    # A PDF's paragraphs were already read from the layout of its lines, across page breaks too.
    doc.blocks = blocks if doc.format == "pdf" else join_wrapped(blocks)
    doc.title = clean_text(doc.title)
    return doc
