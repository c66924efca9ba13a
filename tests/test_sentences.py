"""Sentences stay whole: abbreviations, times, citations and outline labels never end one.

Each case is a paragraph (the expected sentences joined by one space) and its sentences, written by hand
before any segmenter was run on them: LEAD (40, written by the lead for the segmenter comparison in
docs/proposal.md: ours 29/40, pysbd 29/40, nupunkt 39/40) and MORE (20, written for this test).
"""

from __future__ import annotations

import pytest

from core.documents.text import split_sentences

# (paragraph, expected sentences) written by hand, federal-solicitation style
LEAD = [
    [
        "Quotes are due by 5:00 p.m. Eastern Time on March 3, 2026 and must be submitted by email.",
        "Late quotes will not be considered.",
    ],
    ["Quotes are due by 5:00 p.m.", "The Government will not accept late quotes."],
    ["Meetings are held at 10 a.m. Monday through Friday.", "The COR will attend."],
    ["Questions are due no later than 2:00 p.m. EST on June 1.", "Answers will be posted to eBuy."],
    ["The work is performed at 9:00 a.m. ET daily."],
    [
        "The U.S. Government may award to other than the lowest price.",
        "The contractor shall comply with Sec. 508 of the Rehabilitation Act.",
    ],
    [
        "Submit the items (e.g. resumes, past performance) in Volume II.",
        "Offerors must use Attachment No. 3 for pricing.",
    ],
    [
        "See FAR 52.212-4.",
        "The vendor shall provide weekly status reports, i.e. a written summary of progress.",
    ],
    [
        "Acme Inc. shall provide support.",
        "All work will be performed at 1800 F St. NW, Washington, D.C. 20405.",
    ],
    ["The contractor shall comply with 41 U.S.C. 2102 and FAR 3.104.", "Violations will be reported."],
    ["This is a requirement under 5 U.S.C. § 552a.", "The vendor must protect PII."],
    ["Dr. Smith is the Contracting Officer.", "Ms. Jones is the COR."],
    [
        "The vendor shall deliver the plan within 10 days after award.",
        "The plan shall include milestones, risks, etc.",
        "The COR will review it.",
    ],
    ["The period of performance is 12 months from date of award.", "There are four 12-month option periods."],
    ["Pricing shall be in U.S. dollars.", "All prices are firm-fixed-price."],
    [
        "The Government reserves the right to award without discussions.",
        "Offerors should submit their best terms.",
    ],
    ["Refer to Section L.4.2 for page limits.", "Each volume is limited to 10 pages."],
    ["The maximum value is $1.5 million.", "Orders may be placed through Sept. 30, 2027."],
    ["The contractor shall use version 2.0 of the standard.", "Updates will be provided."],
    ["Send questions to jane.doe@gsa.gov by Jan. 5.", "No phone calls please."],
    ["Accessibility shall meet WCAG 2.0 AA.", "Testing results shall be delivered monthly."],
    [
        "See https://www.acquisition.gov/far/part-52 for clause text.",
        "Clauses are incorporated by reference.",
    ],
    [
        "The vendor shall provide (a) a staffing plan, (b) a QCP, and (c) resumes.",
        "Resumes are limited to two pages.",
    ],
    ["Vol. I is the technical volume.", "Vol. II is the price volume."],
    ["The contractor shall attend the kickoff meeting, approx. 2 hours long.", "Travel is not required."],
    ["Hours of operation are 8 a.m. to 5 p.m. local time.", "Support outside these hours is not required."],
    ["The quote shall be valid for 90 days.", "Quotes valid for fewer days may be rejected."],
    ["Contract No. GS-35F-0001X applies.", "Task orders will be issued under it."],
    ["The COR (Mr. Brown) will approve all deliverables.", "Approval takes 5 business days."],
    ["Offerors must be registered in SAM.gov at time of submission.", "Registration takes several weeks."],
    [
        "The system must be available 99.9% of the time.",
        "Downtime shall be reported within 1 hr. of detection.",
    ],
    ["Invoices shall be submitted monthly via IPP.", "See para. 4.3 for details."],
    ["Fig. 2 shows the architecture.", "The contractor shall maintain it."],
    [
        "The Contractor shall comply with all applicable laws, e.g., the Privacy Act.",
        "Non-compliance is a material breach.",
    ],
    ["Work shall begin on Oct. 1, 2026.", "The base period ends Sept. 30, 2027."],
    ["Does the Government require U.S. citizens only?", "Yes, all staff must be U.S. citizens."],
    ["Is there an incumbent?", "No.", "This is a new requirement."],
    ["Quotes shall be submitted by 12:00 p.m. (noon) on Friday.", "Late quotes will be rejected."],
    ["The due date is extended to March 23, 2026 at 3:00 p.m. ET.", "All other terms remain unchanged."],
    [
        "The vendor will provide Tier 1 support from 7 a.m. until 7 p.m. ET, Monday-Friday.",
        "Tier 2 support is on call.",
    ],
]

# written by hand before running any segmenter on them
MORE = [
    [
        "The Contractor shall submit the report to the COR, Ms. A. Smith, within 5 days.",
        "The report shall be in PDF.",
    ],
    ["Reference: FAR 52.212-1(b)(4).", "Quoters shall follow it."],
    ["See Attachment J.1 for the labor categories.", "Rates shall be fully burdened."],
    ["The offeror shall describe its approach (see Sec. 4.1 and para. 4.2).", "Limit: 5 pages."],
    [
        "Pursuant to 48 C.F.R. 52.204-21, contractors must safeguard covered information.",
        "This applies to all subcontracts.",
    ],
    ["The system shall be hosted in the U.S.", "Offshore hosting is not permitted."],
    ["Responses are due Mon., Jan. 6, 2020 at 4 p.m. EST.", "Email submissions only."],
    ["Pricing is in Attachment No. 2 (Excel).", "Do not alter the formulas."],
    [
        "Key personnel (e.g., the Project Manager) shall be available on-site.",
        "Substitutions require approval.",
    ],
    [
        "The vendor shall comply with Section 508 of the Rehabilitation Act of 1973, as amended (29 U.S.C. 794d).",
        "Products shall meet WCAG 2.0 AA.",
    ],
    [
        "The kickoff is held within 10 business days after award, i.e., no later than Oct. 15.",
        "Attendance is mandatory.",
    ],
    [
        "Invoices go to: GSA Finance Center, P.O. Box 219434, Kansas City, MO 64121.",
        "Include the order number.",
    ],
    ["The COR is Mr. J. R. Doe, Ph.D.", "He will review deliverables."],
    [
        "Questions shall be sent to contracting@gsa.gov no later than 12 p.m. on Feb. 1.",
        "Answers will be shared with all vendors.",
    ],
    ["The offeror's quote shall remain valid for 120 calendar days.", "See Block 12 of the SF 1449."],
    ["Deliverable 4.1.2 is due 30 days after award.", "Deliverable 4.1.3 is due monthly."],
    ["The period of performance is Oct. 1, 2019 - Sept. 30, 2020.", "Options may extend it."],
    ["Sprints last two weeks, approx. 10 business days.", "Demos follow each sprint."],
    [
        "The Government will hold an industry day at 1:30 p.m. ET on Tues., May 5.",
        "Registration is required.",
    ],
    ["The contractor shall use Exhibit A, Vol. II, of the RFP.", "No other forms are accepted."],
]

# Punkt reads "U.S." before a capitalised word as an abbreviation inside the sentence; so do we.
KNOWN_MISSES = {"The system shall be hosted in the U.S."}

OUTLINE = [
    (
        "The deliverables are as follows. 3.1. The contractor shall report weekly. 3.2 The contractor shall attend.",
        [
            "The deliverables are as follows.",
            "3.1. The contractor shall report weekly.",
            "3.2 The contractor shall attend.",
        ],
    ),
    ("See Vol. II for pricing. Vol. I is technical.", ["See Vol. II for pricing.", "Vol. I is technical."]),
    (
        "Quotes are due at 2:00 PM EST. Late quotes will not be accepted.",
        ["Quotes are due at 2:00 PM EST.", "Late quotes will not be accepted."],
    ),
    (
        "As stated in Section C. The contractor shall comply.",
        ["As stated in Section C.", "The contractor shall comply."],
    ),
    ("", []),
    # Found while measuring: Punkt's model lists plain words ("ten") as abbreviations and reads on after a year.
    (
        "Pages are limited to ten. Contractors shall submit the plan.",
        ["Pages are limited to ten.", "Contractors shall submit the plan."],
    ),
    (
        "Quotes are due March 16, 2026. Dear vendors, please submit early.",
        ["Quotes are due March 16, 2026.", "Dear vendors, please submit early."],
    ),
    (
        "cloud.gov is a service. cloud.gov components must be kept up to date.",
        ["cloud.gov is a service.", "cloud.gov components must be kept up to date."],
    ),
]


def _cases():
    for group, cases in (("lead", LEAD), ("more", MORE)):
        for i, sentences in enumerate(cases):
            marks = (
                [pytest.mark.xfail(strict=True, reason="known miss")] if sentences[0] in KNOWN_MISSES else []
            )
            yield pytest.param(sentences, id=f"{group}-{i}", marks=marks)


@pytest.mark.parametrize("sentences", list(_cases()))
def test_a_paragraph_splits_into_its_whole_sentences(sentences):
    assert split_sentences(" ".join(sentences)) == sentences


@pytest.mark.parametrize(("text", "sentences"), OUTLINE)
def test_labels_abbreviations_and_time_zones(text, sentences):
    assert split_sentences(text) == sentences


def test_sentences_are_verbatim_across_line_breaks():
    text = "The contractor shall\ndeliver the plan by 5:00 p.m.\nEastern Time. Late plans are rejected."
    assert split_sentences(text) == [
        "The contractor shall\ndeliver the plan by 5:00 p.m.\nEastern Time.",
        "Late plans are rejected.",
    ]
