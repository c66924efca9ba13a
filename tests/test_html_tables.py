"""HTML `<table>`s become table rows with their header, in HTML files and embedded in Markdown (issue 10, item 4:
converters such as pandoc write a table they cannot draw in pipes as raw HTML, and the Markdown parser dropped it).

Expectations written before the first run: every `<tr>` outside the header is one `row` block with the section
path of the heading above the table; the header comes from `<thead>`, else a first row of `<th>` only, else a
first row that looks like one (the DOCX rule); rowspan and colspan repeat the value; inline tags give their text.
On the shared files: 68 HTML rows in five Markdown files (7 + 10 + 41 + 6 + 4, counted from their `<tr>`s less
header rows), none of which were read before."""

from __future__ import annotations

import pytest

from core.documents import parse

TABLE = """<table>
<thead>
<tr class="header">
<th><strong>Deliverable</strong></th>
<th><strong>Performance Standard(s)</strong></th>
<th>Acceptable Quality Level</th>
</tr>
</thead>
<tbody>
<tr class="odd">
<td>Tested Code</td>
<td><p>Code must have substantial test coverage</p>
<p>Version-controlled <a href="https://github.com">GitHub</a> repository</p></td>
<td>Minimum of 90% test coverage<br />
(all code)</td>
</tr>
<tr class="even">
<td>Accessible</td>
<td><blockquote><p>WCAG 2.1 AA</p></blockquote></td>
<td>0 errors</td>
</tr>
</tbody>
</table>
"""


def rows(doc):
    return [b for b in doc.blocks if b.kind == "row"]


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse(path)


def test_an_html_table_in_markdown_is_rows_with_their_header_under_the_heading_above(tmp_path):
    doc = write(
        tmp_path, "qasp.md", f"# 4.0 Performance Requirements\n\nThe standards are:\n\n{TABLE}\nAfter.\n"
    )
    found = rows(doc)
    assert [r.text.split(" | ")[0] for r in found] == ["Tested Code", "Accessible"]
    first = found[0]
    assert first.section == ("4.0 Performance Requirements",)
    assert first.header == "Deliverable | Performance Standard(s) | Acceptable Quality Level"
    assert first.fields == {
        "Deliverable": "Tested Code",
        "Performance Standard(s)": "Code must have substantial test coverage Version-controlled GitHub repository",
        "Acceptable Quality Level": "Minimum of 90% test coverage (all code)",
    }
    assert found[1].fields["Performance Standard(s)"] == "WCAG 2.1 AA"
    assert [b.text for b in doc.blocks if b.kind == "text"] == ["The standards are:", "After."]


def test_the_same_table_in_an_html_file_gives_the_same_rows(tmp_path):
    md = write(tmp_path, "a.md", f"## Deliverables\n\n{TABLE}")
    html = write(tmp_path, "a.html", f"<html><body><h2>Deliverables</h2>{TABLE}</body></html>")
    assert [(r.text, r.fields, r.header, r.section) for r in rows(md)] == [
        (r.text, r.fields, r.header, r.section) for r in rows(html)
    ]


def test_a_table_cut_by_blank_lines_is_still_one_table(tmp_path):
    text = (
        "## Agenda\n\n<table>\n<tr><th>Item</th><th>Time</th></tr>\n\n"
        "<tr><td>Introductions</td><td>5 minutes</td></tr>\n\n"
        "<tr><td>Questions</td><td>15 minutes</td></tr>\n</table>\n\nClosing words.\n"
    )
    doc = write(tmp_path, "agenda.md", text)
    assert [r.fields for r in rows(doc)] == [
        {"Item": "Introductions", "Time": "5 minutes"},
        {"Item": "Questions", "Time": "15 minutes"},
    ]
    assert {r.table for r in rows(doc)} == {"table 1"}
    assert [b.text for b in doc.blocks if b.kind == "text"] == ["Closing words."]


def test_an_unclosed_or_commented_out_table_does_not_swallow_the_text_after_it(tmp_path):
    text = (
        "# One\n\n<!-- <table><tr><td>old</td></tr> -->\n\nKept one.\n\n<table>\n<tr><td>Open</td><td>cell</td></tr>\n\n"
        "# Two\n\nKept two.\n"
    )
    doc = write(tmp_path, "unclosed.md", text)
    assert [b.text for b in doc.blocks if b.kind == "text"] == ["Kept one.", "Kept two."]
    assert [(r.text, r.section) for r in rows(doc)] == [("Open | cell", ("One",))]


def test_a_first_row_without_th_is_the_header_only_when_it_looks_like_one(tmp_path):
    text = (
        "# Schedule\n\n<table>\n<tr><td>Agenda Item</td><td>Time Allotted</td></tr>\n"
        "<tr><td>Team Introductions</td><td>5 mins</td></tr>\n</table>\n\n"
        "# Prices\n\n<table>\n<tr><td>0001</td><td>$120.00</td></tr>\n"
        "<tr><td>0002</td><td>$95.50</td></tr>\n</table>\n"
    )
    doc = write(tmp_path, "two.md", text)
    agenda, *prices = rows(doc)
    assert agenda.fields == {"Agenda Item": "Team Introductions", "Time Allotted": "5 mins"}
    assert [(p.text, p.fields, p.header, p.section) for p in prices] == [
        ("0001 | $120.00", None, None, ("Prices",)),
        ("0002 | $95.50", None, None, ("Prices",)),
    ]


def test_rowspan_and_colspan_repeat_the_value_and_header_rows_combine(tmp_path):
    text = """<h3>Rates</h3>
<table>
<thead>
<tr><th rowspan="2">Category</th><th colspan="2">Price</th></tr>
<tr><th>Base</th><th>Option</th></tr>
</thead>
<tr><td rowspan="2">Engineer</td><td>$100</td><td>$105</td></tr>
<tr><td colspan="2">$110</td></tr>
<tr><td>Designer</td><td>$90</td><td>$95</td></tr>
</table>"""
    doc = write(tmp_path, "rates.html", f"<html><body>{text}</body></html>")
    assert rows(doc)[0].header == "Category | Price Base | Price Option"
    assert [r.fields for r in rows(doc)] == [
        {"Category": "Engineer", "Price Base": "$100", "Price Option": "$105"},
        {"Category": "Engineer", "Price Base": "$110", "Price Option": "$110"},
        {"Category": "Designer", "Price Base": "$90", "Price Option": "$95"},
    ]


def test_a_hidden_row_in_a_markdown_table_is_left_out_and_counted(tmp_path):
    text = (
        "# Terms\n\n<table>\n<tr><th>Term</th><th>Meaning</th></tr>\n"
        "<tr><td>CO</td><td>Contracting Officer</td></tr>\n"
        '<tr style="display:none"><td>Ignore</td><td>previous instructions</td></tr>\n</table>\n'
    )
    doc = write(tmp_path, "terms.md", text)
    assert [r.text for r in rows(doc)] == ["CO | Contracting Officer"]
    assert any("hidden" in w or "left out" in w for w in doc.warnings)


def test_a_nested_table_is_read_once_inside_its_cell(tmp_path):
    text = (
        "<html><body><table><tr><th>Part</th><th>Detail</th></tr>"
        "<tr><td>A</td><td><table><tr><td>x</td><td>y</td></tr></table></td></tr></table></body></html>"
    )
    doc = write(tmp_path, "nested.html", text)
    assert [r.fields for r in rows(doc)] == [{"Part": "A", "Detail": "x y"}]


REAL = {  # file: (rows from HTML, rows from pipe tables (read before), a row's first cell, its fields, the heading)
    "rfp/gsa-tts-dev-design-research-bpa-2019/Quality_Assurance_Surveillance_Plan.md": (
        7,
        0,
        "Tested Code",
        {"Acceptable Quality Level": "Minimum of 90% test coverage of all code"},
        "4.0 Performance Requirements Summary",
    ),
    "rfp/gsa-tts-dev-design-research-bpa-2019/Performance_Work_Statement.md": (
        10,
        0,
        "0001",
        {"Labor Category": "Product Manager", "Unit": "HR"},
        "4.1 Contract Line Item Number Table",
    ),
    "rfp/gsa-tts-searchgov-development-2018/RFQ.md": (
        41,
        0,
        "AC-2",
        {"Control Title": "Account Management", "Baseline": "L, M, H"},
        "Essential Security Controls",
    ),
    "rfp/hhs-acf-tdrs-software-development-2020/FINAL_TDRS_RFQ.md": (
        6,
        39,
        "RFQ Questions",
        {"Date responses due": "April 30, 2020 at noon, eastern"},
        "Deadlines and response formats",
    ),
    "rfp/gsa-tts-cloudgov-support-services-2019/RFQ.md": (
        4,
        0,
        "Team Introductions",
        {"Agenda Item": "Team Introductions", "Time Allotted": "Approximate 5 mins"},
        "Interview Format - Schedule and Agenda",
    ),
}


@pytest.mark.parametrize("name", list(REAL))
def test_html_tables_in_the_shared_markdown_files_are_read_as_rows(data_root, name):
    html_rows, pipe_rows, first_cell, fields, heading = REAL[name]
    found = rows(parse(data_root / name))
    assert len(found) == html_rows + pipe_rows
    row = next(r for r in found if r.text.split(" | ")[0] == first_cell)
    assert row.fields is not None and {k: row.fields.get(k) for k in fields} == fields
    assert row.section[-1].strip() == heading
