"""What a parser gives back: a document as an ordered list of blocks that know their page and section."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    """One unit of a document's real structure, in reading order: a whole paragraph (joined across line
    wraps and page breaks), a heading, a table row with its header, or a spreadsheet record.

    page is where the block starts and end_page where it ends when it runs over a page break (None when
    it ends on its start page, or the format has no pages); section is the heading path above it.

    kind:
      "text"    a paragraph or list item (split further at sentence boundaries if too long)
      "heading" a heading line (its text also opens the section's first chunk)
      "row"     one table row; `fields` maps header names to cell values, `header` is the verbatim
                header line and `text` the verbatim row line
      "record"  one spreadsheet/CSV row that is a self-contained record (code tables, price sheets)
    """

    text: str
    kind: str = "text"
    page: int | None = None
    section: tuple[str, ...] = ()
    fields: dict[str, str] | None = None
    header: str | None = None
    table: str | None = None
    end_page: int | None = None
    ocr: bool = False  # read by OCR from a page with no text layer
    page_marks: tuple[tuple[int, int], ...] = ()  # (offset in text, page) where a later page's text begins

    def page_at(self, offset: int) -> int | None:
        """The page the character at `offset` of the text is printed on."""
        page = self.page
        for at, number in self.page_marks:
            if offset >= at:
                page = number
        return page

    @property
    def last_page(self) -> int | None:
        return self.end_page if self.end_page is not None else self.page


@dataclass
class ParsedDocument:
    path: str
    title: str
    blocks: list[Block]
    format: str
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    ocr_pages: dict[int, float] = field(default_factory=dict)  # pages read by OCR -> seconds each took

    def head_text(self, limit: int = 6000) -> str:
        """The first few thousand characters, for guessing the document's kind and number."""
        out, size = [], 0
        for b in self.blocks:
            out.append(b.text)
            size += len(b.text)
            if size > limit:
                break
        return "\n".join(out)[:limit]
