"""Word headings numbered by list numbering (issue 10: a section path gap). Word prints "3.1 Scope" where
python-docx reads "Scope": the number comes from numbering.xml (the level's lvlText such as "%1.%2", its
numFmt and start, the list's overrides) and counters that every list of one definition shares.

Expectations written before the first run: heading styles linked to a multilevel list get "1.", "1.1",
"1.1.1" in their title and section path; lists of one definition continue each other's count and a
startOverride restarts it; a list defined through a numbering style (numStyleLink) is followed; a body
paragraph numbered by an outline list ("2.1" Title) is a heading, and a plain numbered or bulleted list
item stays text without its marker. On the shared CRM task order the 'Heading' paragraphs count 1 to 11,
with "a." and "b." under 7. On the shared Agile task order the numbers agree with the document's
own cross-references ("Section 3.2.2 Deliverables", "Section 2.5.2", "Section 4.2", "Section 9.3")."""

from __future__ import annotations

import docx
import pytest
from docx.oxml import parse_xml

from core.documents import parse
from core.documents.docx import Numbering, Visibility
from core.documents.text import normalize_space

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def level(ilvl: int, text: str, fmt: str = "decimal", start: int = 1, style: str | None = None) -> str:
    p_style = f'<w:pStyle w:val="{style}"/>' if style else ""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{p_style}'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


def add_list(document, abstract_id: int, body: str, nums: dict[int, str]) -> None:
    """An abstractNum with `body` (its levels, or a numStyleLink) and the w:num instances pointing at it
    (numId -> extra XML, such as a lvlOverride)."""
    numbering = document.part.numbering_part.element
    first_num = numbering.find(f"{W}num")
    abstract = parse_xml(f'<w:abstractNum {NS} w:abstractNumId="{abstract_id}">{body}</w:abstractNum>')
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    for num_id, extra in nums.items():
        numbering.append(
            parse_xml(
                f'<w:num {NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{extra}</w:num>'
            )
        )


def number(paragraph, num_id: int, ilvl: int | None = None) -> None:
    ilvl_xml = f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {NS}>{ilvl_xml}<w:numId w:val="{num_id}"/></w:numPr>')
    )


def style_numbering(document, style: str, num_id: int | None, ilvl: int | None) -> None:
    ppr = document.styles[style].element.get_or_add_pPr()
    parts = (f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else "") + (
        f'<w:numId w:val="{num_id}"/>' if num_id is not None else ""
    )
    ppr.insert(0, parse_xml(f"<w:numPr {NS}>{parts}</w:numPr>"))


def sections(doc) -> dict[str, tuple[str, ...]]:
    return {b.text: b.section for b in doc.blocks}


def heading_texts(doc) -> list[str]:
    return [b.text for b in doc.blocks if b.kind == "heading"]


def test_heading_styles_linked_to_a_multilevel_list_carry_its_numbers(tmp_path):
    document = docx.Document()
    add_list(
        document,
        90,
        level(0, "%1.", style="Heading1")
        + level(1, "%1.%2", style="Heading2")
        + level(2, "%1.%2.%3", style="Heading3"),
        {90: ""},
    )
    style_numbering(document, "Heading 1", 90, None)  # as Word writes it: numId on Heading 1,
    style_numbering(document, "Heading 2", 90, 1)  # the level on each heading style
    style_numbering(document, "Heading 3", 90, 2)
    document.add_heading("Scope", 1)
    document.add_paragraph("The contractor shall deliver software.")
    document.add_heading("Background", 2)
    document.add_heading("Objectives", 2)
    document.add_heading("Requirements", 1)
    document.add_heading("Security", 2)
    document.add_heading("Access Control", 3)
    document.add_paragraph("Accounts are reviewed every 90 days.")
    path = tmp_path / "numbered.docx"
    document.save(path)
    doc = parse(path)
    assert heading_texts(doc) == [
        "1. Scope",
        "1.1 Background",
        "1.2 Objectives",
        "2. Requirements",
        "2.1 Security",
        "2.1.1 Access Control",
    ]
    found = sections(doc)
    assert found["The contractor shall deliver software."] == ("1. Scope",)
    assert found["Accounts are reviewed every 90 days."] == (
        "2. Requirements",
        "2.1 Security",
        "2.1.1 Access Control",
    )


def test_lists_of_one_definition_share_their_count_and_a_start_override_restarts_it(tmp_path):
    """As in the CRM task order: headings numbered directly by three lists of one definition, two of them
    starting at a number of their own, a second level lettered."""
    document = docx.Document()
    add_list(
        document,
        91,
        level(0, "%1.") + level(1, "%2.", fmt="lowerLetter"),
        {
            91: "",
            92: '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="4"/></w:lvlOverride>',
            93: '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="9"/></w:lvlOverride>',
        },
    )
    for text, num_id, ilvl in [
        ("Introduction and Overview", 91, 0),
        ("Scope", 91, 0),
        ("Period of Performance", 92, 0),
        ("Order Type", 91, 0),
        ("Technical Overview", 91, 0),
        ("Technical Environment", 91, 1),
        ("Stakeholders", 91, 1),
        ("Operational Constraints", 93, 0),
        ("Deliverables", 91, 0),
    ]:
        number(document.add_heading(text, ilvl + 1), num_id, ilvl)
        document.add_paragraph(f"Text under {text}.")
    path = tmp_path / "shared.docx"
    document.save(path)
    found = sections(parse(path))
    assert found["Text under Period of Performance."] == ("4. Period of Performance",)
    assert found["Text under Order Type."] == ("5. Order Type",)
    assert found["Text under Stakeholders."] == ("6. Technical Overview", "b. Stakeholders")
    assert found["Text under Operational Constraints."] == ("9. Operational Constraints",)
    assert found["Text under Deliverables."] == ("10. Deliverables",)


def test_a_list_defined_by_a_numbering_style_numbers_body_paragraphs_as_outline_headings(tmp_path):
    document = docx.Document()
    outline = document.styles.add_style("OutlineList", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    outline.element.set(f"{W}type", "numbering")
    add_list(
        document,
        93,
        '<w:styleLink w:val="OutlineList"/>' + level(0, "%1.0", start=3) + level(1, "%1.%2"),
        {94: ""},
    )
    add_list(document, 94, '<w:numStyleLink w:val="OutlineList"/>', {95: ""})
    outline.element.get_or_add_pPr().append(parse_xml(f'<w:numPr {NS}><w:numId w:val="94"/></w:numPr>'))
    number(document.add_paragraph("Objectives", style="List Paragraph"), 95, 0)
    number(document.add_paragraph("Backlog", style="List Paragraph"), 95, 1)
    document.add_paragraph("The backlog is kept in the issue tracker.")
    number(document.add_paragraph("Quality Assurance Surveillance Plan", style="List Paragraph"), 95, 1)
    number(
        document.add_paragraph(
            "The contractor shall meet every standard in the plan and report on each.", style="List Paragraph"
        ),
        95,
        1,
    )
    path = tmp_path / "outline.docx"
    document.save(path)
    doc = parse(path)
    assert heading_texts(doc) == ["3.0 Objectives", "3.1 Backlog", "3.2 Quality Assurance Surveillance Plan"]
    found = sections(doc)
    assert found["The backlog is kept in the issue tracker."] == ("3.0 Objectives", "3.1 Backlog")
    sentence = "The contractor shall meet every standard in the plan and report on each."
    assert found[sentence] == ("3.0 Objectives", "3.2 Quality Assurance Surveillance Plan")


def test_plain_numbered_and_bulleted_items_stay_text_and_an_unknown_list_keeps_the_heading_level(tmp_path):
    document = docx.Document()
    add_list(document, 95, level(0, "%1."), {96: ""})
    add_list(document, 96, level(0, "•", fmt="bullet"), {97: ""})
    title = document.add_heading("Instructions", 1)
    number(title, 999, 0)  # a list that numbering.xml does not define
    document.add_heading("Format", 2)
    for text in ("Company Description", "Point of Contact"):
        number(document.add_paragraph(text, style="List Paragraph"), 96, 0)
    number(document.add_paragraph("Website Example 1", style="List Paragraph"), 97, 0)
    path = tmp_path / "lists.docx"
    document.save(path)
    doc = parse(path)
    assert heading_texts(doc) == ["Instructions", "Format"]
    found = sections(doc)
    assert found["Company Description"] == found["Website Example 1"] == ("Instructions", "Format")
    assert [b.kind for b in doc.blocks if b.text in ("Company Description", "Point of Contact")] == [
        "text",
        "text",
    ]


def test_letters_and_roman_numerals(tmp_path):
    document = docx.Document()
    add_list(
        document,
        97,
        level(0, "Section %1:", fmt="upperLetter", style="Heading1")
        + level(1, "%2.", fmt="upperRoman", start=4, style="Heading2"),
        {98: ""},
    )
    style_numbering(document, "Heading 1", 98, None)
    style_numbering(document, "Heading 2", 98, 1)
    for text, depth in [
        ("Supplies", 1),
        ("Description", 2),
        ("Inspection", 1),
        ("Acceptance", 2),
        ("Warranty", 2),
    ]:
        document.add_heading(text, depth)
    path = tmp_path / "letters.docx"
    document.save(path)
    assert heading_texts(parse(path)) == [
        "Section A: Supplies",
        "IV. Description",
        "Section B: Inspection",
        "IV. Acceptance",
        "V. Warranty",
    ]


AGILE = "rfp/usds-techfar-hub-samples/Agile_Task_Order_Example.docx"


@pytest.fixture(scope="module")
def agile(data_root):
    return parse(data_root / AGILE)


def test_the_shared_agile_task_order_numbers_agree_with_its_own_cross_references(agile):
    heads = heading_texts(agile)
    # "See Section 3.2.2 Deliverables", "Section 2.5.2", "Section 4.2", "Section 6.1", "Section 9.3 for ...
    # recertification of small business size", "Section 9 of the RFQ" (special requirements), "Section 10" (clauses).
    for title in (
        "3.2.2 Deliverables",
        "2.5.2 Options",
        "4.2 Transition Plan",
        "6.1 Overview",
        "9.3 Notice of Size Re-representation at the Task Order Level",
        "9. Special Contract Requirements",
    ):
        assert title in heads
    assert any(h.startswith("10. Contract Clauses") for h in heads)
    block = next(
        b for b in agile.blocks if b.kind == "heading" and b.text == "3.1.1 General Current Structure"
    )
    assert block.section == (
        "3. Statement of Objectives",
        "3.1 Background",
        "3.1.1 General Current Structure",
    )


def test_the_shared_crm_task_order_list_numbers_are_computed(data_root):
    """Its 'Heading' paragraphs (outline level 1, no number in the style name) are numbered by lists whose
    definition sits behind a numbering style, three of them restarting the shared count (4, 7, 9). The parser
    does not make them headings (their numbers "1." and "a." read as list items); the numbers are right."""
    document = docx.Document(str(data_root / "rfp/usds-techfar-hub-samples/CRMTaskOrder_Sample_DRAFT.docx"))
    look = Visibility(document)
    numbering = Numbering(document, look)
    labels = {}
    for p in document.element.body.iter(f"{W}p"):
        found = numbering.label(p)
        if found and look.paragraph_style(p) == "Heading":
            labels[normalize_space(look.paragraph_text(p))] = found.text
    assert labels == {
        "Introduction and Overview": "1.",
        "Objective": "2.",
        "Scope": "3.",
        "Period and Place of Performance": "4.",
        "Order Type/Award Term Option Incentive": "5.",
        "Contract Line Item Number (CLIN) Format": "6.",
        "Technical Overview": "7.",
        "Technical Environment": "a.",
        "Stakeholders": "b.",
        "Required Tasks": "8.",
        "Operational Constraints": "9.",
        "Deliverables": "10.",
        "Inspection and Acceptance": "11.",
    }
