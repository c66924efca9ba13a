"""The answerer's claim check on hand-labelled claim/source-sentence pairs (issue 12, item 3).

Each pair is one sentence a model could write, the one source sentence it cites (with that source's
section headings), and whether a careful reader would say the sentence says so. The sentences come
from the solicitations and FAR clauses under ../shared/data (a few adapted); the claims are
paraphrases that hold, and the ways a small model goes wrong: another subject, an invented name, the
opposite polarity, an identifier or number the sentence lacks, a wrong relation (before/after,
weekly/monthly) or a number attached to another thing. The labels were written before any new rule
was run on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.answering.claims import check_claims
from core.answering.records import Source
from core.retrieval import Hit
from core.store.payload import ChunkPayload


@dataclass(frozen=True)
class Pair:
    kind: str  # what the pair tests: "paraphrase", or how the claim goes wrong
    claim: str
    sentence: str
    supported: bool
    section: tuple[str, ...] = ()


QUOTES_DUE = "Quotes are due by 2:00 PM ET on March 23, 2026."
QUOTES_EMAIL = "Quotes shall be submitted by email to the Contracting Officer."
PAGES = "Your technical quotation shall not exceed a total of 5 pages."
LATE = "Late quotations will not be considered for award."
VALID = "Quotation must be valid for at least 45 calendar days after quotation response date."
PRICING_FORM = "The pricing form shall be in MS Excel Format."
GITHUB_QUESTIONS = (
    "**Questions:** All questions regarding this requirement shall be submitted via GitHub no later than "
    "4:00PM Eastern Time on February 15, 2019."
)
FINAL_INVOICE = (
    "Final invoices shall be submitted no later than thirty (30) calendar days after completion of this "
    "purchase order."
)
RELEASE = "The contractor shall submit a signed and executed Release of Claims with the final invoice."
RELEASE_FORM = (
    "A completed and signed Release of Claims (GSA Form 1142) must be provided to the CO with the submission "
    "of a final invoice."
)
POP = (
    "The POP is expected to begin within 10 calendar days after award — specifically, from the day a kickoff "
    "is held with the contractor."
)
SLIDES = (
    "Vendors shall not bring or present slides, graphs, charts or any other written or visual presentation "
    "materials nor will TTS accept or receive vendors’ handouts."
)
FLOW_DOWN = (
    "(e)(1)Notwithstanding the requirements of the clauses in paragraphs (a), (b), (c) and (d) of this "
    "clause, the Contractor is not required to flow down any FAR clause, other than those in this paragraph "
    "(e)(1) in a subcontract for commercial items."
)
DISCUSSIONS = (
    "TTS will not determine a competitive range, conduct discussions, and solicit or allow revised quotes."
)
SEPARATE = (
    "The technical quotation (including “Attachment”) **must be included in a separate document** from the "
    "price quotation to facilitate an independent evaluation."
)
COMMUNICATIONS = "The offeror shall direct all communications to the Contracting Officer."
INVOICES = (
    "The selected vendor must submit invoices on a monthly basis and a final invoice at the end of the period "
    "of performance within 60 calendar days from contract completion."
)
SUBSTITUTES = (
    "As determined by the CO, all proposed substitutes/additions must have qualifications that meet or exceed "
    "the qualifications of the person to be replaced or supplemented."
)
ORAL = (
    "The oral interview associated with this RFQ does not and will not constitute discussions or negotiations "
    "as defined in FAR part 15."
)
UNAVAILABLE = (
    "If any individual proposed as Key Personnel becomes unavailable during the course of the solicitation, "
    "evaluation process or period of performance, the contractor shall notify the CO immediately."
)
CPARS = "(2) CPARS Registration: Each award requiring an evaluation must be registered in CPARS."
HANDBOOK = (
    "The HSPD-12 Handbook contains procedures for obtaining identity credentials and access to GSA information "
    "systems as well as procedures to be followed in case of unfavorable adjudications."
)
SCHEDULE_PRICES = "The prices quoted must be at or below the current GSA Schedule contract pricing."
SECTION_508 = (
    "The contractor shall support the Government in its compliance with Section 508 throughout the development "
    "and implementation of the work to be performed."
)
PAGE_LIMITS = (
    "Offerors that exceed the page limitations as specified herein will not be considered for award."
)
INTERVIEW_PART = "This part of the interview will not exceed 15 min."
COVER = "In most instances, the cover page shall be no more than one (1) page."
REVIEW = (
    "The CO, with input from the COR, will evaluate the request(s) for substitutions/additions of Key "
    "Personnel and the CO will notify the contractor, in writing, of approval or disapproval."
)
PROJECTS = "Multiple projects (no more than five examples) can be discussed but must include project title(s) and dates."
OPTIONS = "Evaluation of options shall not obligate TTS to exercise the option(s)."
OCI_ATTACHMENT = (
    "It should be included as an “Attachment” to your technical quotation and thus, *shall not* be included "
    "as part of you 5-page technical quotation."
)
E_VERIFY = (
    "The contractor is not required to verify employment eligibility of- (1) Employees who hold an active "
    "security clearance of confidential, secret, or top secret; or (2) Employees for whom background "
    "investigations have been completed and credentials issued pursuant to Homeland Security Presidential "
    "Directive (HSPD)-12."
)
E_VERIFY_LIST = (
    "(2) Who has been granted and holds an active U.S. Government security clearance for access to "
    "confidential, secret, or top secret information in accordance with the National Industrial Security "
    "Program Operating Manual; or (3) Who has undergone a completed background investigation and been issued "
    "credentials pursuant to Homeland Security Presidential Directive (HSPD)-12, Policy for a Common "
    "Identification Standard for Federal Employees and Contractors."
)
PERSONNEL = (
    "All proposed personnel currently employed by the vendor or its teaming partners shall attend the session "
    "- TTS is most interested in hearing from staff that will have a direct role in performing on the task."
)
LABOR_HOUR = (
    "Vendors shall submit a Labor Hour (LH) quote, utilizing the RFQ Pricing Sheet contained in [Attachment B], "
    "for all work described in the RFQ, PWS and QASP."
)

P = Pair
PAIRS: list[Pair] = [
    # Supported: the sentence says so, in other words or the same.
    P("paraphrase", "Quotes must be emailed to the Contracting Officer.", QUOTES_EMAIL, True),
    P("paraphrase", "Quotes are due by 2:00 PM ET on March 23, 2026.", QUOTES_DUE, True),
    P("paraphrase", "Quotes are due March 23, 2026 at 2:00 PM Eastern.", QUOTES_DUE, True),
    P("paraphrase", "The technical quotation shall not exceed 5 pages.", PAGES, True),
    P("paraphrase", "The page limit for the technical quotation is 5 pages.", PAGES, True),
    P("paraphrase", "Late quotations will not be considered.", LATE, True),
    P(
        "paraphrase",
        "Quotations must remain valid for at least 45 calendar days after the quotation response date.",
        VALID,
        True,
    ),
    P("paraphrase", "The pricing form must be in MS Excel format.", PRICING_FORM, True),
    P(
        "paraphrase",
        "Questions must be submitted via GitHub no later than 4:00 PM Eastern Time on February 15, 2019.",
        GITHUB_QUESTIONS,
        True,
    ),
    P(
        "paraphrase",
        "Final invoices are due within thirty (30) calendar days after the purchase order is completed.",
        FINAL_INVOICE,
        True,
    ),
    P(
        "paraphrase",
        "The contractor must submit a signed Release of Claims with the final invoice.",
        RELEASE,
        True,
    ),
    P(
        "paraphrase",
        "A signed Release of Claims (GSA Form 1142) must accompany the final invoice.",
        RELEASE_FORM,
        True,
    ),
    P(
        "paraphrase",
        "The period of performance is expected to start within 10 calendar days after award.",
        POP,
        True,
        ("Section 3", "Period of Performance"),
    ),
    P("paraphrase", "Vendors may not bring slides or handouts to the oral interview.", SLIDES, True),
    P(
        "paraphrase",
        "The contractor is not required to flow down FAR clauses other than those in paragraph (e)(1) to "
        "subcontracts for commercial items.",
        FLOW_DOWN,
        True,
    ),
    P("paraphrase", "TTS will not conduct discussions.", DISCUSSIONS, True),
    P(
        "paraphrase",
        "The technical quotation must be in a separate document from the price quotation.",
        SEPARATE,
        True,
    ),
    P(
        "paraphrase",
        "The offeror should direct all communications to the Contracting Officer.",
        COMMUNICATIONS,
        True,
    ),
    P("paraphrase", "Invoices are submitted monthly.", INVOICES, True),
    P(
        "paraphrase",
        "Key personnel substitutes must have qualifications that meet or exceed those of the person replaced.",
        SUBSTITUTES,
        True,
        ("Section 7", "Key Personnel"),
    ),
    P("paraphrase", "The oral interview does not constitute discussions under FAR Part 15.", ORAL, True),
    P(
        "paraphrase",
        "The contractor shall notify the CO immediately if a proposed key person becomes unavailable.",
        UNAVAILABLE,
        True,
    ),
    P("paraphrase", "Each award requiring an evaluation must be registered in CPARS.", CPARS, True),
    P(
        "paraphrase",
        "The HSPD-12 Handbook contains procedures for obtaining identity credentials.",
        HANDBOOK,
        True,
    ),
    P(
        "paraphrase",
        "Prices quoted must not exceed the current GSA Schedule contract pricing.",
        SCHEDULE_PRICES,
        True,
    ),
    P(
        "paraphrase",
        "The contractor shall support the Government's compliance with Section 508.",
        SECTION_508,
        True,
    ),
    P(
        "paraphrase",
        "Offerors that exceed the page limits will not be considered for award.",
        PAGE_LIMITS,
        True,
    ),
    P(
        "paraphrase",
        "That part of the oral interview will last no more than 15 minutes.",
        INTERVIEW_PART,
        True,
        ("Phase 2", "Oral Interview"),
    ),
    P("paraphrase", "The cover page should be no more than one page.", COVER, True),
    P(
        "paraphrase",
        "The Contracting Officer will evaluate substitution requests with input from the COR.",
        REVIEW,
        True,
    ),
    P("paraphrase", "Multiple projects can be discussed, but no more than five.", PROJECTS, True),
    P("paraphrase", "Evaluation of options does not obligate TTS to exercise them.", OPTIONS, True),
    P(
        "paraphrase",
        "The Organizational Conflict of Interest Statement shall be included as an attachment to the technical "
        "quotation.",
        OCI_ATTACHMENT,
        True,
        ("Section 4", "Organizational Conflict of Interest Statement"),
    ),
    P(
        "paraphrase",
        "The contractor is not required to verify the employment eligibility of employees who hold an active "
        "security clearance.",
        E_VERIFY,
        True,
    ),
    # Unsupported: the words are there, the meaning is not.
    P("wrong subject", "The contract is due on March 23, 2026.", QUOTES_DUE, False),
    P(
        "invented name",
        "The quotes are delivered to the Cloud Modernization Contracts by email.",
        QUOTES_EMAIL,
        False,
    ),
    P(
        "opposite polarity, identifier",
        "The contractor is required to verify employment eligibility of (a) employees who hold an active U.S. "
        "Government security clearance or (b) employees who completed a background investigation pursuant to "
        "HSPD-12.",
        E_VERIFY,
        False,
    ),
    P(
        "missing identifier",
        "The contractor is required to verify employment eligibility of employees who completed a background "
        "investigation pursuant to HSPD-12.",
        E_VERIFY_LIST,
        False,
    ),
    P("opposite polarity", "The technical quotation may exceed 5 pages.", PAGES, False),
    P("opposite polarity", "Late quotations will be considered for award.", LATE, False),
    P(
        "wrong relation",
        "Questions must be submitted by email no later than February 15, 2019.",
        GITHUB_QUESTIONS,
        False,
    ),
    P("wrong relation", "Quotes are due after March 23, 2026.", QUOTES_DUE, False),
    P(
        "wrong number",
        "Final invoices shall be submitted no later than sixty (60) calendar days after completion.",
        FINAL_INVOICE,
        False,
    ),
    P(
        "number of another thing",
        "Invoices must be submitted within 60 calendar days after award.",
        INVOICES,
        False,
    ),
    P(
        "wrong relation",
        "The period of performance is expected to begin within 10 calendar days after the oral interview.",
        POP,
        False,
        ("Section 3", "Period of Performance"),
    ),
    P("opposite polarity", "Vendors may bring slides to the oral interview.", SLIDES, False),
    P(
        "opposite polarity",
        "The Contractor is required to flow down every FAR clause in a subcontract for commercial items.",
        FLOW_DOWN,
        False,
    ),
    P("wrong number", "The technical quotation shall not exceed 10 pages.", PAGES, False),
    P("invented name", "The Department of Veterans Affairs will evaluate the oral interview.", ORAL, False),
    P("missing identifier", "The pricing form shall be submitted in PDF format.", PRICING_FORM, False),
    P("wrong number", "Quotations must be valid for at least 90 calendar days.", VALID, False),
    P(
        "invented name",
        "The offeror shall direct all communications to the Contracting Officer's Representative.",
        COMMUNICATIONS,
        False,
    ),
    P(
        "wrong number",
        "The contractor shall submit a signed Release of Claims (GSA Form 3504) with the final invoice.",
        RELEASE_FORM,
        False,
    ),
    P("missing identifier", "Each award must be registered in SAM.", CPARS, False),
    P(
        "missing identifier",
        "The HSPD-12 Handbook contains procedures for obtaining FedRAMP authorization.",
        HANDBOOK,
        False,
    ),
    P(
        "wrong number",
        "The contractor shall support the Government's compliance with Section 504.",
        SECTION_508,
        False,
    ),
    P(
        "opposite polarity",
        "Offerors that exceed the page limitations will be considered for award.",
        PAGE_LIMITS,
        False,
    ),
    P("wrong subject", "The Contracting Officer must submit quotes by email.", QUOTES_EMAIL, False),
    P("wrong subject", "Key personnel must be registered in CPARS.", CPARS, False),
    P("wrong relation", "The selected vendor must submit invoices on a weekly basis.", INVOICES, False),
    P(
        "wrong relation",
        "The prices quoted must be above the current GSA Schedule contract pricing.",
        SCHEDULE_PRICES,
        False,
    ),
    P("opposite polarity", "TTS will conduct discussions and allow revised quotes.", DISCUSSIONS, False),
    P("wrong number", "The cover page shall be no more than two pages.", COVER, False),
    P(
        "invented name",
        "Vendors must submit a Firm Fixed Price quote using the RFQ Pricing Sheet.",
        LABOR_HOUR,
        False,
    ),
    P(
        "wrong number, identifier",
        "The contractor shall notify the COR within 30 days if a key person becomes unavailable.",
        UNAVAILABLE,
        False,
    ),
    P(
        "invented name",
        "All proposed personnel must attend the oral interview in person at GSA Headquarters.",
        PERSONNEL,
        False,
    ),
    P(
        "wrong subject",
        "The quotation must be submitted no later than February 15, 2019.",
        GITHUB_QUESTIONS,
        False,
    ),
]


def source_for(pair: Pair) -> Source:
    payload = ChunkPayload(
        text=pair.sentence,
        path="rfq.md",
        section=" > ".join(pair.section),
        section_path=list(pair.section),
    )
    return Source(1, Hit("p1", "public", 1.0, payload), pair.sentence)


def accepted(pair: Pair) -> bool:
    """The answerer's check: is the claim, citing the pair's source, kept?"""
    claims, _ = check_claims(f"{pair.claim} [1]", [source_for(pair)], 0.5, "")
    return bool(claims) and claims[0].supported


def figures(decide=accepted) -> dict[str, float]:
    """Precision and recall of accepting a claim, over the labelled pairs."""
    said = [(decide(p), p.supported) for p in PAIRS]
    kept = sum(s for s, _ in said)
    right = sum(s and label for s, label in said)
    positives = sum(label for _, label in said)
    return {
        "kept": kept,
        "precision": right / kept if kept else 1.0,
        "recall": right / positives,
        "wrongly_kept": kept - right,
    }


def test_the_set_is_varied():
    assert len(PAIRS) >= 40
    assert 20 <= sum(p.supported for p in PAIRS) <= len(PAIRS) - 20
    assert len({p.kind for p in PAIRS if not p.supported}) >= 6


def test_the_claim_check_on_the_labelled_pairs():
    """First run, the words-and-digits rule (>= half the content words in one sentence, every digit
    string there): 67 pairs, 59 kept, precision 0.58, recall 1.00 (all 34 supported pairs kept, and 25
    of the 33 unsupported ones). With facts, polarity, subject and relation (core/answering/claims.py):
    38 kept, precision 0.89, recall 1.00; the 4 still kept are a wrong channel (email for GitHub), an
    event the sentence lacks (after the oral interview, for after award), two roles swapped, and a
    negation that covers a list ("will not determine ..., conduct discussions"). The rule was written
    after these labels, looking at them: the figure says what it catches, not what it would catch on
    new text (the replayed model answers in docs/answers.md are that)."""
    got = figures()
    assert got["precision"] >= 0.89
    assert got["recall"] >= 1.0


def dropped_for(claim: str, sentence: str, section: tuple[str, ...] = ()) -> list[str]:
    claims, dropped = check_claims(f"{claim} [1]", [source_for(Pair("", claim, sentence, False, section))])
    assert not claims[0].supported
    return dropped


def test_a_dropped_claim_says_why():
    """What a reader of the notes sees for each kind of miss."""
    assert any(
        "Cloud Modernization Contracts, which the source does not" in d
        for d in dropped_for(
            "The quotes are delivered to the Cloud Modernization Contracts by email.", QUOTES_EMAIL
        )
    )
    assert any(
        "says the opposite of its source" in d
        for d in dropped_for("Late quotations will be considered for award.", LATE)
    )
    assert any(
        "something its source does not mention" in d
        for d in dropped_for("The contract is due on March 23, 2026.", QUOTES_DUE)
    )
    assert any("says after" in d for d in dropped_for("Quotes are due after March 23, 2026.", QUOTES_DUE))
    assert any(
        "HSPD-12" in d
        for d in dropped_for(next(p.claim for p in PAIRS if p.sentence == E_VERIFY_LIST), E_VERIFY_LIST)
    )


def test_the_kept_claim_quotes_the_sentence_that_holds_its_meaning():
    """Two sentences share the claim's words; the one that says the opposite is not its quote."""
    excerpt = f"{PAGE_LIMITS} Offerors that exceed the page limitations may be considered for award."
    payload = ChunkPayload(text=excerpt, path="rfq.md")
    source = Source(1, Hit("p1", "public", 1.0, payload), excerpt)
    claims, _ = check_claims(
        "Offerors that exceed the page limitations will not be considered for award. [1]", [source]
    )
    assert claims[0].supported and claims[0].quote == PAGE_LIMITS
    claims, _ = check_claims(
        "Offerors that exceed the page limits will be considered for award. [1]", [source]
    )
    assert claims[0].supported and claims[0].quote != PAGE_LIMITS


def test_a_heading_names_the_subject():
    """'The period of performance' is held by a sentence that calls it the POP, under that heading."""
    pair = next(p for p in PAIRS if p.claim.startswith("The period of performance is expected to start"))
    assert accepted(pair)
    assert not accepted(Pair(pair.kind, pair.claim, pair.sentence, True, ("Section 3", "Deliverables")))


def test_a_heading_or_a_label_copied_from_a_source_is_not_a_claim():
    """The tuned model sometimes answers with its source's heading or a table header. The source
    holds those words, and they answer nothing: no claim, and the note says why."""
    scope = (
        "3.0 Project Scope cloud.gov is seeking to contract a team with at least 6,000 annual labor hours."
    )
    header = "OCCTYP,OCCTYPT,OCCFAM,OCCFAMT,OCC,OCCT"
    for raw, excerpt in (("3.0 Project Scope cloud [1].", scope), ("OCCTYP,OCCFAM [1].", header)):
        source = Source(1, Hit("p1", "public", 1.0, ChunkPayload(text=excerpt, path="pws.md")), excerpt)
        claims, dropped = check_claims(raw, [source])
        assert claims == [] and any("a heading or a label" in d for d in dropped), (claims, dropped)
    source = Source(1, Hit("p1", "public", 1.0, ChunkPayload(text=scope, path="pws.md")), scope)
    claims, _ = check_claims("The team must commit at least 6,000 annual labor hours [1].", [source])
    assert claims and claims[0].supported
