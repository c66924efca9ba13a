"""Markdown: the heading hierarchy is the section path; GFM tables become rows with header names."""

from __future__ import annotations

import re
from pathlib import Path

from core.documents.model import Block, ParsedDocument
from core.documents.sheets import decode_text
from core.documents.text import SectionTracker, normalize_space
from core.errors import DocumentError

# A paragraph that is only an outline number and a short title ("42.1500  Scope of subpart."):
# converted documents often lose the heading markup on part of their sections.
BARE_HEADING = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,4})+(?:-\d{1,4})?)\s+(?P<title>[A-Z][^.;:!?]{1,80})\.?$")


def _shape(number: str) -> tuple[str, int, bool]:
    """'42.903' and '42.1500' share a shape (part 42, one dot level); '52.204-21' has a dash."""
    return number.split(".")[0], number.count("."), "-" in number


def _inline(token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return normalize_space("".join(parts))


def parse_markdown_text(text: str, display: str, fallback_title: str) -> ParsedDocument:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    tracker = SectionTracker()
    blocks: list[Block] = []
    h1s: list[str] = []
    numbered_levels: dict[tuple[str, int, bool], int] = {}
    i = 0
    table_no = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            title = _inline(tokens[i + 1])
            if title:
                if level == 1:
                    h1s.append(title)
                tracker.push(level, title)
                blocks.append(Block(text=title, kind="heading", section=tracker.path))
                numbered = BARE_HEADING.match(title)
                if numbered:
                    numbered_levels.setdefault(_shape(numbered["num"]), level)
            i += 3
            continue
        if tok.type == "inline":
            content = _inline(tok)
            bare = BARE_HEADING.match(content) if tok.level == 1 and numbered_levels else None
            level = numbered_levels.get(_shape(bare["num"])) if bare else None
            if level is not None and bare is not None:
                # Same numbering as the document's real headings: it is one of them.
                title = content.rstrip(".")
                tracker.push(level, title)
                blocks.append(Block(text=title, kind="heading", section=tracker.path))
            elif content:
                blocks.append(Block(text=content, section=tracker.path))
        elif tok.type in ("fence", "code_block"):
            content = tok.content.strip()
            if content:
                blocks.append(Block(text=content, section=tracker.path))
        elif tok.type == "table_open":
            table_no += 1
            header: list[str] = []
            row: list[str] = []
            in_head = False
            j = i + 1
            while j < len(tokens) and tokens[j].type != "table_close":
                t = tokens[j]
                if t.type == "thead_open":
                    in_head = True
                elif t.type == "thead_close":
                    in_head = False
                elif t.type == "tr_open":
                    row = []
                elif t.type == "inline":
                    row.append(_inline(t))
                elif t.type == "tr_close":
                    if in_head:
                        header = row
                    elif any(row):
                        fields = (
                            {h or f"column {k + 1}": v for k, (h, v) in enumerate(zip(header, row, strict=False)) if v}
                            if header
                            else None
                        )
                        blocks.append(
                            Block(
                                text=" | ".join(row),
                                kind="row",
                                section=tracker.path,
                                fields=fields,
                                header=" | ".join(header) if header else None,
                                table=f"table {table_no}",
                            )
                        )
                j += 1
            i = j + 1
            continue
        i += 1
    # Inline tokens inside headings were consumed above; paragraphs, list items and quotes remain.
    if not blocks:
        raise DocumentError(display, "empty document (no text)")
    title = h1s[0] if len(h1s) == 1 else fallback_title
    return ParsedDocument(display, title, blocks, "markdown")


def parse_markdown(path: Path, display: str) -> ParsedDocument:
    text = decode_text(path.read_bytes(), display)
    # Front matter (--- yaml ---) is metadata, not content.
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
    if not text.strip():
        raise DocumentError(display, "empty file")
    return parse_markdown_text(text, display, path.stem.replace("_", " ").replace("-", " "))
