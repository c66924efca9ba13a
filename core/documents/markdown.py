"""Markdown: the heading hierarchy is the section path; GFM tables and raw HTML `<table>`s (as pandoc
writes a table it cannot draw in pipes) become rows with header names (`html.table_blocks`). Raw HTML
that a reader would not see (comments, `hidden`, `display:none`, white text...) is left out and
counted in a warning; model control strings are neutralized."""

from __future__ import annotations

import re
from pathlib import Path

from core.documents.hidden import hidden_warning, tag_hides
from core.documents.html import drop_hidden, table_blocks
from core.documents.model import Block, ParsedDocument
from core.documents.sheets import decode_text
from core.documents.text import SectionTracker, normalize_space
from core.errors import DocumentError
from core.safety import neutralize_document

# A paragraph that is only an outline number and a short title ("42.1500  Scope of subpart."):
# converted documents often lose the heading markup on part of their sections.
BARE_HEADING = re.compile(
    r"^(?P<num>\d{1,3}(?:\.\d{1,4})+(?:-\d{1,4})?)\s+(?P<title>[A-Z][^.;:!?]{1,80})\.?$"
)


def _shape(number: str) -> tuple[str, int, bool]:
    """'42.903' and '42.1500' share a shape (part 42, one dot level); '52.204-21' has a dash."""
    return number.split(".")[0], number.count("."), "-" in number


_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*?)(/?)>")
_ATTR = re.compile(r"""([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_VOID = {"br", "img", "hr", "input", "wbr", "meta", "link", "source", "col", "area", "embed"}


def _attrs(raw: str) -> dict[str, str]:
    return {
        m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), "")
        for m in _ATTR.finditer(raw)
    }


def _inline(token, hidden: list[str]) -> str:
    """The text of an inline token; raw HTML a reader would not see (a comment, or an element
    hidden by its own attributes) is left out, and each one is added to `hidden`."""
    parts: list[str] = []
    skipping: str | None = None  # the tag name of a hidden element being skipped
    depth = 0
    for child in token.children or []:
        if child.type == "html_inline":
            tag = _TAG.fullmatch(child.content.strip())
            if skipping is not None:
                if tag and tag.group(2).lower() == skipping and not tag.group(4):
                    depth += -1 if tag.group(1) else 1
                    if depth == 0:
                        skipping = None
                continue
            if child.content.lstrip().startswith("<!--"):
                hidden.append("comment")
                continue
            if tag and not tag.group(1) and not tag.group(4) and tag.group(2).lower() not in _VOID:
                reason = tag_hides(_attrs(tag.group(3)))
                if reason:
                    hidden.append(reason)
                    skipping, depth = tag.group(2).lower(), 1
                    continue
            parts.append(child.content)
        elif skipping is not None:
            continue
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return normalize_space("".join(parts))


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TABLE_TAG = re.compile(r"<!--.*?-->|<(/?)table\b[^>]*>", re.IGNORECASE | re.DOTALL)


def _table_end(html: str) -> int | None:
    """Where the table opened first in `html` is closed (the offset after its `</table>`), or None."""
    depth = 0
    for m in _TABLE_TAG.finditer(html):
        if m.group(0).startswith("<!--"):
            continue
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    return None


def _html_tables(tokens, i: int, lines: list[str]) -> tuple[str, int]:
    """The raw HTML of the html_block at `i` that holds a table, and the index of the token after it. A
    blank line ends an HTML block in CommonMark, so a table with one inside runs on over the following
    tokens: its source lines are read to the `</table>` that closes it (if none does, the block is all)."""
    tok = tokens[i]
    if tok.map is None or tok.level or _table_end(tok.content) is not None:
        return tok.content, i + 1
    rest = "\n".join(lines[tok.map[0] :])
    close = _table_end(rest)
    if close is None:
        return tok.content, i + 1
    end = tok.map[0] + rest.count("\n", 0, close) + 1
    j = i + 1
    while j < len(tokens) and (tokens[j].map is None or tokens[j].map[0] < end):
        j += 1
    return "\n".join(lines[tok.map[0] : end]), j


def parse_markdown_text(text: str, display: str, fallback_title: str) -> ParsedDocument:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    lines = re.split(r"\r\n|\r|\n", text)
    hidden: list[str] = []
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
            title = _inline(tokens[i + 1], hidden)
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
            content = _inline(tok, hidden)
            bare = BARE_HEADING.match(content) if tok.level == 1 and numbered_levels else None
            bare_level = numbered_levels.get(_shape(bare["num"])) if bare else None
            if bare_level is not None:
                # Same numbering as the document's real headings: it is one of them.
                title = content.rstrip(".")
                tracker.push(bare_level, title)
                blocks.append(Block(text=title, kind="heading", section=tracker.path))
            elif content:
                blocks.append(Block(text=content, section=tracker.path))
        elif tok.type in ("fence", "code_block"):
            content = tok.content.strip()
            if content:
                blocks.append(Block(text=content, section=tracker.path))
        elif tok.type == "html_block" and re.search(
            r"<table\b", _COMMENT.sub("", tok.content), re.IGNORECASE
        ):
            from bs4 import BeautifulSoup

            html, i = _html_tables(tokens, i, lines)
            soup = BeautifulSoup(html, "html.parser")
            hidden += ["HTML element"] * drop_hidden(soup)
            for table in soup.find_all("table"):
                if table.find_parent("table") is None:
                    table_no += 1
                    blocks.extend(table_blocks(table, tracker.path, f"table {table_no}"))
            continue
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
                    row.append(_inline(t, hidden))
                elif t.type == "tr_close":
                    if in_head:
                        header = row
                    elif any(row):
                        fields = (
                            {
                                h or f"column {k + 1}": v
                                for k, (h, v) in enumerate(zip(header, row, strict=False))
                                if v
                            }
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
    warnings = [hidden_warning(len(hidden), "inline HTML element")] if hidden else []
    return neutralize_document(ParsedDocument(display, title, blocks, "markdown", warnings=warnings))


def parse_markdown(path: Path, display: str) -> ParsedDocument:
    text = decode_text(path.read_bytes(), display)
    # Front matter (--- yaml ---) is metadata, not content.
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
    if not text.strip():
        raise DocumentError(display, "empty file")
    return parse_markdown_text(text, display, path.stem.replace("_", " ").replace("-", " "))
