"""A PDF's text layer as printed lines with their positions, page by page (pypdfium2: PDFium, Apache-2.0 /
BSD-3-Clause).

Measured against pypdf on the shared PDFs (docs/proposal.md): about 15 times faster, the same text once both
are normalised, ligatures resolved and no zero-width characters; pypdf splits a line at every font change
and keeps U+200B. PDFium gives each character's box, so the lines keep where they start and end (for
`layout.py`) and the width of their first word.
"""

from __future__ import annotations

from core.documents.layout import Line


def page_lines(textpage) -> list[Line]:
    """The lines of one page in the text layer's order (PDFium's reading order)."""
    text = textpage.get_text_range()
    count = textpage.count_chars()
    if len(text) != count:  # characters outside the BMP: no positions, the text is still right
        return [Line(t) for t in text.replace("\r\n", "\n").split("\n")]
    lines: list[Line] = []
    start = 0
    for end in range(len(text) + 1):
        if end < len(text) and text[end] not in "\r\n":
            continue
        if end > start:
            lines.append(_line(textpage, text, start, end))
        start = end + 1
    return lines


def _type(textpage, text: str, start: int, end: int) -> tuple[float, float]:
    """Median font weight and size of the line's first dozen visible characters."""
    import statistics

    import pypdfium2.raw as pdfium_c

    weights: list[float] = []
    sizes: list[float] = []
    for i in range(start, end):
        if len(weights) >= 12:
            break
        if text[i].isspace():
            continue
        weight = pdfium_c.FPDFText_GetFontWeight(textpage.raw, i)
        if weight > 0:
            weights.append(weight)
        sizes.append(pdfium_c.FPDFText_GetFontSize(textpage.raw, i))
    return (statistics.median(weights) if weights else 0.0, statistics.median(sizes) if sizes else 0.0)


def _line(textpage, text: str, start: int, end: int) -> Line:
    boxes: list[tuple[float, float, float, float]] = []
    first_word_end = None
    for i in range(start, end):
        ch = text[i]
        if ch.isspace():
            if boxes and first_word_end is None:
                first_word_end = boxes[-1][2]
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        if right > left or top > bottom:
            boxes.append((left, bottom, right, top))
    if not boxes:
        return Line(text[start:end])
    x0 = min(b[0] for b in boxes)
    first = (first_word_end if first_word_end is not None else max(b[2] for b in boxes)) - boxes[0][0]
    weight, size = _type(textpage, text, start, end)
    return Line(
        text[start:end],
        x0=x0,
        x1=max(b[2] for b in boxes),
        top=max(b[3] for b in boxes),
        bottom=min(b[1] for b in boxes),
        first_word=max(first, 0.0),
        weight=weight,
        size=size,
    )


def read_pages(path) -> list[list[Line]]:
    """Every page's lines. Raises pypdfium2's PdfiumError for a file PDFium cannot open (corrupt, or
    encrypted with a password)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            try:
                pages.append(page_lines(textpage))
            finally:
                textpage.close()
                page.close()
        return pages
    finally:
        document.close()
