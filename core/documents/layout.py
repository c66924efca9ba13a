"""Where a printed paragraph ends, read from the position of its lines (PDF text layers).

A text layer gives lines, not paragraphs. Two lines belong to one paragraph unless the layout says
otherwise:
- more space above the line than between the page's ordinary lines (a paragraph gap), or the line starts
  above the one before it (a new column, a text box, a table cell);
- the line before ended early on purpose: the first word of this line would have fitted after it within
  the page's right edge, so the writer broke the line (a heading, the last line of a paragraph, a list
  item without a full stop).
The same test says whether a paragraph at the foot of a page runs on at the top of the next.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass


@dataclass
class Line:
    """One printed line. Positions are PDF points, y growing upwards; None for text without a layout."""

    text: str
    x0: float | None = None
    x1: float | None = None
    top: float | None = None
    bottom: float | None = None
    first_word: float = 0.0  # width of the line's first word
    weight: float = 0.0  # font weight (400 regular, 700 bold), 0 when unknown
    size: float = 0.0  # font size in points, 0 when unknown
    ocr: bool = False  # read by OCR (a form, most often): never taken for a heading

    @property
    def placed(self) -> bool:
        return self.x1 is not None

    @property
    def height(self) -> float:
        return (self.top - self.bottom) if self.top is not None and self.bottom is not None else 0.0

    @property
    def right(self) -> float:
        """Where the line ends (0 for text without a layout)."""
        return self.x1 if self.x1 is not None else 0.0


def _space(above: Line, below: Line) -> float:
    """The space between two placed lines (negative: `below` starts higher than `above` ends)."""
    if above.bottom is None or below.top is None:
        return 0.0
    return above.bottom - below.top


@dataclass
class TableLines:
    """A table in a page's stream of lines, where it is printed: rows of cells with the pages each row
    starts and ends on, and the header (`[]` when the table has none). `number` is shared by the parts of a
    table that runs over pages."""

    number: int
    header: list[str]
    rows: list[tuple[list[str], int, int]]


@dataclass
class PageLayout:
    right: float  # where full lines end
    gap: float  # the usual space between two lines of a paragraph
    height: float  # the usual line height
    weight: float = 0.0  # the body text's font weight
    size: float = 0.0  # and size

    @classmethod
    def of(cls, lines: list[Line]) -> PageLayout | None:
        placed = [x for x in lines if x.placed and x.text.strip()]
        if len(placed) < 3:
            return None
        long_lines = [x.right for x in placed if len(x.text.split()) >= 6] or [x.right for x in placed]
        long_lines.sort()
        right = long_lines[int(len(long_lines) * 0.9)]
        height = statistics.median(x.height for x in placed)
        gaps = [_space(a, b) for a, b in itertools.pairwise(placed) if 0 <= _space(a, b) <= 2 * height]
        gap = statistics.median(gaps) if gaps else height * 0.3
        body = [x for x in placed if len(x.text.split()) >= 6] or placed
        weight = statistics.median(x.weight for x in body)
        size = statistics.median(x.size for x in body)
        return cls(right, gap, height, weight, size)

    def emphasized(self, line: Line) -> bool:
        """Heavier or larger type than the page's body text: a heading set by hand."""
        heavier = line.weight > 0 and self.weight > 0 and line.weight >= self.weight + 100
        larger = line.size > 0 and self.size > 0 and line.size >= self.size * 1.15
        return heavier or larger

    def ends_early(self, line: Line, following: Line) -> bool:
        """The line was broken on purpose: the next line's first word would have fitted on it."""
        if not (line.placed and following.placed):
            return False
        space = self.height * 0.3
        return line.right + space + following.first_word < self.right - self.height * 0.5

    def separated(self, line: Line, following: Line) -> bool:
        """Space between the two lines (or a jump upwards) that no line wrap makes."""
        if not (line.placed and following.placed):
            return False
        gap = _space(line, following)
        if gap < -self.height * 0.5:  # above the line before: another column or box
            return True
        return gap > max(1.6 * self.gap, self.gap + 0.45 * self.height)
