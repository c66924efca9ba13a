"""HTML: headings give the section path; paragraphs, list items and table rows (with header names)
are blocks (`table_blocks`, which reads the Markdown parser's HTML tables too). Scripts, styles and
navigation are dropped, and so is text a reader cannot see: the `hidden` attribute, `display:none`,
`visibility:hidden`, zero opacity, tiny type, off-screen or clipped boxes, and text coloured like its
background, from inline styles, `<font color>`, `bgcolor` and the page's own `<style>` rules (simple
selectors, by specificity). The document carries a warning saying how many elements were left out.
Model control strings are neutralized.
"""

from __future__ import annotations

import re
from pathlib import Path

from core.documents.docx import looks_like_header
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
_CONTAINERS = {
    "html",
    "body",
    "div",
    "section",
    "article",
    "main",
    "ul",
    "ol",
    "dl",
    "header",
    "footer",
    "aside",
    "span",
    "center",
    "font",
    "details",
    "summary",
    "figure",
}


def _rules(css: str):
    """(selector, declarations) of a style sheet, in order; rules inside `@media print` and other
    at-rules that do not style the screen are skipped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    i, depth, start, prelude = 0, 0, 0, ""
    while i < len(css):
        c = css[i]
        if c == "{":
            if depth == 0:
                prelude, start = css[:i][css.rfind("}", 0, i) + 1 :].strip(), i + 1
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
    return (
        selector.count("#"),
        len(re.findall(r"[.\[]", selector)),
        len(re.findall(r"(?:^|[\s>+~])[a-zA-Z]", selector)),
    )


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
        sheet[el_id] = {name: value for _, name, value in sorted(entries, key=lambda e: e[0])}
    return sheet


def _attribute(el, name: str) -> str | None:
    """A tag's attribute as text (bs4 gives a list for the multi-valued ones, such as class)."""
    value = el.get(name)
    return value if isinstance(value, str) or value is None else " ".join(value)


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
        style = el.get("style")
        for name, value in css_declarations(style if isinstance(style, str) else None).items():
            if "!important" not in decls.get(name, ""):
                decls[name] = value
        hides = (
            el.has_attr("hidden")
            or css_hides(decls)
            or (el.name == "input" and str(el.get("type", "")).lower() == "hidden")
        )
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
        colour = (
            parse_colour(decls.get("color"))
            or (parse_colour(_attribute(el, "color")) if el.name == "font" else None)
            or colour
        )
        background = (
            background_of(decls, {k: v for k, v in el.attrs.items() if isinstance(v, str)}) or background
        )
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


_MAX_SPAN = 100  # rows or columns one cell may cover


def _span(cell, name: str) -> int:
    value = str(cell.get(name, "")).strip()
    return min(max(int(value), 1), _MAX_SPAN) if value.isdigit() else 1


def _grid(table) -> list[tuple[list[str], bool, bool]]:
    """The table's own rows (not those of a table nested in a cell) as cell texts, a cell that spans rows
    or columns repeated in each place it covers; with each row, whether it is a header row (in `<thead>`,
    or only `<th>` cells) and whether it has a `<th>` at all."""
    grid = []
    above: dict[int, tuple[int, str]] = {}  # column -> (rows it still covers, text) of a cell spanning rows
    for tr in (tr for tr in table.find_all("tr") if tr.find_parent("table") is table):
        tags = tr.find_all(["th", "td"], recursive=False)
        cells: list[str] = []
        for cell in tags:
            while len(cells) in above:
                cells.append(above[len(cells)][1])
            text = " ".join(cell.get_text(" ").split())
            for _ in range(_span(cell, "colspan")):
                if _span(cell, "rowspan") > 1:
                    above[len(cells)] = (_span(cell, "rowspan"), text)
                cells.append(text)
        for column in sorted(c for c in above if c >= len(cells)):
            cells += [""] * (column - len(cells)) + [above[column][1]]
        above = {c: (left - 1, text) for c, (left, text) in above.items() if left > 1}
        th = sum(t.name == "th" for t in tags)
        grid.append((cells, tr.find_parent("thead") is not None or (bool(tags) and th == len(tags)), th > 0))
    return grid


def table_blocks(table, section: tuple[str, ...], name: str) -> list[Block]:
    """A `<table>`'s caption and its rows as `row` blocks with their header names. The header is the
    `<thead>` rows or the leading rows of `<th>` cells (several combine per column: "Price Base"), else
    a first row that looks like one (as in DOCX tables); a table with none has rows without field names."""
    grid = [row for row in _grid(table) if any(row[0])]
    n = next((k for k, (_, head, _) in enumerate(grid) if not head), len(grid))
    heads, body = [cells for cells, _, _ in grid[:n]], grid[n:]
    if not body:
        heads, body = [], grid
    elif (
        not heads and not body[0][2] and looks_like_header(body[0][0], body[1][0] if len(body) > 1 else None)
    ):
        heads, body = [body[0][0]], body[1:]
    width = max((len(row) for row in heads), default=0)
    header = [
        " ".join(dict.fromkeys(row[j] for row in heads if j < len(row) and row[j])) for j in range(width)
    ]
    caption = table.find("caption")
    out = (
        [Block(text=normalize_space(caption.get_text(" ")), section=section)]
        if caption is not None and caption.find_parent("table") is table
        else []
    )
    for cells, _, _ in body:
        fields: dict[str, str] | None = None
        if header:
            fields = {}
            for j, value in enumerate(cells):
                key = (header[j] if j < len(header) else "") or f"column {j + 1}"
                if value and value not in fields.get(key, "").split(" | "):
                    fields[key] = f"{fields[key]} | {value}" if key in fields else value
        out.append(
            Block(
                text=" | ".join(cells),
                kind="row",
                section=section,
                fields=fields,
                header=" | ".join(header) if header else None,
                table=name,
            )
        )
    return out


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
        blocks.extend(table_blocks(table, tracker.path, f"table {table_no}"))

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
