"""The compliance matrix as files a proposal team works in: XLSX (filter-ready, frozen header, wrapped
text, a Summary sheet) and CSV; and the same files read back, with the team's owner, status and
response-location columns, so `rfp draft --matrix` uses what the team assigned.

Files are written to a temporary name and renamed, so a crash never leaves half a matrix.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from core.errors import UserFacingError
from proposal.model import Fact, Matrix, Requirement
from proposal.summary import summary_lines

COLUMNS = [
    "ID",
    "Requirement",
    "Type",
    "Detail",
    "Source File",
    "Page",
    "Section",
    "Amendment",
    "Change",
    "Previous Text",
    "Parent",
    "Note",
    "Owner",
    "Status",
    "Response Location",
]
WIDTHS = {
    "ID": 8,
    "Requirement": 70,
    "Type": 13,
    "Detail": 30,
    "Source File": 28,
    "Page": 6,
    "Section": 30,
    "Amendment": 24,
    "Change": 10,
    "Previous Text": 45,
    "Parent": 8,
    "Note": 30,
    "Owner": 14,
    "Status": 14,
    "Response Location": 22,
}
STATUSES = ("Not started", "In progress", "Drafted", "Reviewed", "Complete", "N/A")


def page_label(r: Requirement) -> int | str:
    """12, or "12-13" for a row whose paragraph runs over a page break."""
    if r.page is None:
        return ""
    return f"{r.page}-{r.end_page}" if r.end_page and r.end_page != r.page else r.page


def row_values(r: Requirement) -> list:
    return [
        r.id,
        r.text,
        r.type,
        r.detail,
        r.source,
        page_label(r),
        r.section,
        r.amendment,
        r.change,
        r.previous,
        r.parent,
        r.note,
        r.owner,
        r.status,
        r.response_location,
    ]


def _partial(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(path.name + ".part")


def write_csv(matrix: Matrix, path: Path) -> Path:
    path = Path(path)
    tmp = _partial(path)
    with tmp.open("w", newline="", encoding="utf-8-sig") as f:  # the BOM makes Excel read UTF-8
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for r in matrix.rows:
            writer.writerow(row_values(r))
    tmp.replace(path)
    return path


def write_xlsx(matrix: Matrix, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = "Compliance Matrix"
    sheet.append(COLUMNS)
    for r in matrix.rows:
        sheet.append(row_values(r))
    wrap = Alignment(wrap_text=True, vertical="top")
    header_fill = PatternFill("solid", fgColor="1F3864")
    changed_fill = PatternFill("solid", fgColor="FFF2CC")
    removed_font = Font(strike=True, color="808080")
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    change_col = COLUMNS.index("Change")
    for row in sheet.iter_rows(min_row=2):
        change = row[change_col].value
        for cell in row:
            cell.alignment = wrap
            if change == "removed":
                cell.font = removed_font
            elif change:
                cell.fill = changed_fill
    for i, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = WIDTHS[name]
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(2, sheet.max_row)}"
    status = get_column_letter(COLUMNS.index("Status") + 1)
    validation = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
    validation.add(f"{status}2:{status}{max(2, sheet.max_row)}")
    sheet.add_data_validation(validation)

    summary = book.create_sheet("Summary")
    summary.column_dimensions["A"].width = 120
    for line in summary_lines(matrix):
        summary.append([line])
        summary.cell(summary.max_row, 1).alignment = Alignment(wrap_text=True)

    tmp = _partial(path)
    book.save(str(tmp))
    tmp.replace(path)
    return path


def write_matrix(matrix: Matrix, path: Path) -> list[Path]:
    """`matrix.xlsx` writes the XLSX and a CSV beside it; `matrix.csv` writes the CSV only."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [write_csv(matrix, path)]
    if suffix != ".xlsx":
        raise UserFacingError(f"{path}: the matrix is written as .xlsx (with a .csv beside it) or .csv")
    return [write_xlsx(matrix, path), write_csv(matrix, path.with_suffix(".csv"))]


# --- reading a (team-edited) matrix back --------------------------------------------------------------
def _from_record(record: dict[str, str]) -> Requirement:
    def get(name: str) -> str:
        value = record.get(name)
        return "" if value is None else str(value).strip()

    pages = re.fullmatch(r"(\d+)(?:\.0)?(?:-(\d+))?", get("Page"))
    facts = []
    for part in filter(None, (p.strip() for p in get("Detail").split(";"))):
        kind, _, value = part.partition(":")
        facts.append(Fact(kind.strip(), value.strip()))
    return Requirement(
        get("Requirement"),
        get("Type") or "requirement",
        get("Source File"),
        int(pages.group(1)) if pages else None,
        get("Section"),
        facts,
        id=get("ID"),
        parent=get("Parent"),
        amendment=get("Amendment"),
        change=get("Change"),
        previous=get("Previous Text"),
        note=get("Note"),
        owner=get("Owner"),
        status=get("Status"),
        response_location=get("Response Location"),
        end_page=int(pages.group(2)) if pages and pages.group(2) else None,
    )


def read_matrix(path: Path) -> Matrix:
    path = Path(path)
    if not path.is_file():
        raise UserFacingError(f"{path}: no such matrix file")
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as f:
            records = list(csv.DictReader(f))
    elif path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(str(path), read_only=True, data_only=True)
        sheet = book["Compliance Matrix"] if "Compliance Matrix" in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, [])]
        records = [dict(zip(header, row, strict=False)) for row in rows]
        book.close()
    else:
        raise UserFacingError(f"{path}: a matrix is an .xlsx or .csv file written by `rfp shred`")
    missing = [c for c in ("ID", "Requirement", "Type") if records and c not in records[0]]
    if missing:
        raise UserFacingError(f"{path}: not a compliance matrix (missing column(s): {', '.join(missing)})")
    rows = [_from_record(r) for r in records if (r.get("Requirement") or "").strip()]
    return Matrix(sorted({r.source for r in rows if r.source}), rows)
