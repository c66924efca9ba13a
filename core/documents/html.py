"""HTML: headings give the section path; paragraphs, list items and table rows (with header names)
are blocks. Scripts, styles and navigation are dropped."""

from __future__ import annotations

from pathlib import Path

from core.documents.model import Block, ParsedDocument
from core.documents.sheets import decode_text
from core.documents.text import SectionTracker, normalize_space
from core.errors import DocumentError

_SKIP = {"script", "style", "noscript", "nav", "template", "svg", "head", "form", "button"}
_TEXT = {"p", "li", "pre", "blockquote", "dt", "dd", "caption", "figcaption", "address"}
_CONTAINERS = {"html", "body", "div", "section", "article", "main", "ul", "ol", "dl", "header", "footer",
               "aside", "span", "center", "font", "details", "summary", "figure"}


def parse_html(path: Path, display: str) -> ParsedDocument:
    from bs4 import BeautifulSoup, NavigableString, Tag

    text = decode_text(path.read_bytes(), display)
    if not text.strip():
        raise DocumentError(display, "empty file")
    soup = BeautifulSoup(text, "html.parser")
    tracker = SectionTracker()
    blocks: list[Block] = []
    h1s: list[str] = []
    table_no = 0

    def emit_table(table: Tag) -> None:
        nonlocal table_no
        table_no += 1
        header: list[str] | None = None
        for tr in table.find_all("tr"):
            cells = [normalize_space(c.get_text(" ")) for c in tr.find_all(["th", "td"])]
            if not any(cells):
                continue
            if header is None and tr.find("th") is not None and not tr.find("td"):
                header = cells
                continue
            fields = {h or f"column {k + 1}": v for k, (h, v) in enumerate(zip(header, cells, strict=False)) if v} if header else None
            blocks.append(Block(text=" | ".join(cells), kind="row", section=tracker.path, fields=fields,
                                header=" | ".join(header) if header else None, table=f"table {table_no}"))

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                s = normalize_space(str(child))
                if s and child.__class__.__name__ == "NavigableString" and node.name in _CONTAINERS:
                    blocks.append(Block(text=s, section=tracker.path))
                continue
            if not isinstance(child, Tag) or child.name in _SKIP:
                continue
            if child.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
                title = normalize_space(child.get_text(" "))
                if title:
                    level = int(child.name[1])
                    if level == 1:
                        h1s.append(title)
                    tracker.push(level, title)
                    blocks.append(Block(text=title, kind="heading", section=tracker.path))
            elif child.name == "table":
                emit_table(child)
            elif child.name in _TEXT and not child.find(["p", "table", "ul", "ol", "h1", "h2", "h3", "h4"]):
                s = normalize_space(child.get_text(" "))
                if s:
                    blocks.append(Block(text=s, section=tracker.path))
            else:
                walk(child)

    walk(soup)
    if not blocks:
        raise DocumentError(display, "no text in the HTML body")
    title_tag = soup.find("title")
    title = normalize_space(title_tag.get_text()) if title_tag else ""
    title = title or (h1s[0] if h1s else path.stem.replace("_", " "))
    return ParsedDocument(display, title, blocks, "html")
