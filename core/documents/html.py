"""HTML: headings give the section path; paragraphs, list items and table rows (with header names)
are blocks. Scripts, styles and navigation are dropped, and so is text a reader cannot see: the
`hidden` attribute, `display:none`, `visibility:hidden`, zero opacity, tiny type, off-screen or
clipped boxes, and text coloured like its background, from inline styles, `<font color>`,
`bgcolor` and the page's own `<style>` rules (simple selectors, by specificity). The document
carries a warning saying how many elements were left out. Model control strings are neutralized.
"""

from __future__ import annotations

import re
from pathlib import Path

from core.documents.hidden import (
    WHITE,
    background_of,
    css_declarations,
    css_hides,
    hidden_warning,
    invisible_on,
    parse_colour,
    tiny_font,
)
from core.documents.model import Block, ParsedDocument
from core.documents.sheets import decode_text
from core.documents.text import SectionTracker, normalize_space
from core.errors import DocumentError
from core.safety import neutralize_document

_SKIP = {"script", "style", "noscript", "nav", "template", "svg", "head", "form", "button"}
_TEXT = {"p", "li", "pre", "blockquote", "dt", "dd", "caption", "figcaption", "address"}
_CONTAINERS = {"html", "body", "div", "section", "article", "main", "ul", "ol", "dl", "header", "footer",
               "aside", "span", "center", "font", "details", "summary", "figure"}


def _rules(css: str):
    """(selector, declarations) of a style sheet, in order; rules inside `@media print` and other
    at-rules that do not style the screen are skipped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    i, depth, start, prelude = 0, 0, 0, ""
    while i < len(css):
        c = css[i]
        if c == "{":
            if depth == 0:
                prelude, start = css[:i][css.rfind("}", 0, i) + 1:].strip(), i + 1
            depth += 1
        elif c == "}" and depth:
            depth -= 1
            if depth == 0:
                body = css[start:i]
                if prelude.startswith("@media"):
                    if "print" not in prelude or "screen" in prelude:
                        yield from _rules(body)
                elif not prelude.startswith("@"):
                    yield prelude, css_declarations(body)
        i += 1


def _specificity(selector: str) -> tuple[int, int, int]:
    return (selector.count("#"), len(re.findall(r"[.\[]", selector)),
            len(re.findall(r"(?:^|[\s>+~])[a-zA-Z]", selector)))


def _style_sheet(soup) -> dict[int, dict[str, str]]:
    """Declarations the page's `<style>` blocks give each element (by id()), in cascade order;
    selectors soupsieve cannot match, and pseudo-classes, are skipped."""
    matched: dict[int, list[tuple[tuple, str, str]]] = {}
    order = 0
    for style in soup.find_all("style"):
        for prelude, decls in _rules(style.get_text()):
            for selector in (s.strip() for s in prelude.split(",")):
                if not selector or ":" in selector:
                    continue
                try:
                    elements = soup.select(selector)
                except Exception:  # soupsieve raises its own errors for CSS it does not support
                    continue
                order += 1
                for el in elements:
                    for name, value in decls.items():
                        key = ("!important" in value, _specificity(selector), order)
                        matched.setdefault(id(el), []).append((key, name, value))
    sheet: dict[int, dict[str, str]] = {}
    for el_id, entries in matched.items():
        decls: dict[str, str] = {}
        for _, name, value in sorted(entries, key=lambda e: e[0]):
            decls[name] = value
        sheet[el_id] = decls
    return sheet


def drop_hidden(soup) -> int:
    """Remove what a reader cannot see from the parsed page; returns how many elements held hidden
    text. Visibility, colour and font size are inherited, so a visible child of a hidden parent
    (`visibility:visible`, its own colour or size) stays."""
    from bs4 import Comment, NavigableString, Tag

    sheet = _style_sheet(soup)
    removed = 0

    def visit(el: Tag, colour, background, invisible: bool, tiny: bool) -> None:
        nonlocal removed
        decls = dict(sheet.get(id(el), {}))
        for name, value in css_declarations(el.get("style") if isinstance(el.get("style"), str) else None).items():
            if "!important" not in decls.get(name, ""):
                decls[name] = value
        hides = el.has_attr("hidden") or css_hides(decls) or (
            el.name == "input" and str(el.get("type", "")).lower() == "hidden")
        if hides:
            if el.get_text(strip=True):
                removed += 1
            el.decompose()
            return
        visibility = decls.get("visibility", "").removesuffix("!important").strip()
        if visibility in ("hidden", "collapse"):
            invisible = True
        elif visibility == "visible":
            invisible = False
        tiny = tiny_font(decls.get("font-size"), tiny) if "font-size" in decls else tiny
        colour = parse_colour(decls.get("color")) or (parse_colour(el.get("color")) if el.name == "font" else None) \
            or colour
        background = background_of(decls, {k: v for k, v in el.attrs.items() if isinstance(v, str)}) or background
        hidden_text = invisible or tiny or invisible_on(colour, background)
        dropped = False
        for child in list(el.children):
            if isinstance(child, Tag):
                visit(child, colour, background, invisible, tiny)
            elif isinstance(child, NavigableString) and not isinstance(child, Comment) and hidden_text:
                if child.strip():
                    dropped = True
                child.extract()
        removed += dropped

    for root in [c for c in soup.children if isinstance(c, Tag)]:
        visit(root, None, WHITE, False, False)
    return removed


def parse_html(path: Path, display: str) -> ParsedDocument:
    from bs4 import BeautifulSoup, NavigableString, Tag

    text = decode_text(path.read_bytes(), display)
    if not text.strip():
        raise DocumentError(display, "empty file")
    soup = BeautifulSoup(text, "html.parser")
    hidden = drop_hidden(soup)
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
    warnings = [hidden_warning(hidden, "HTML element")] if hidden else []
    return neutralize_document(ParsedDocument(display, title, blocks, "html", warnings=warnings))
