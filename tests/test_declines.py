"""Declining what the documents do not say (issue 14), on a small corpus of two sibling
solicitations and a FAR excerpt, with the real embedding model and index: a question is answered
only from the solicitation it names, and only when a sentence there gives what it asks for (a code,
a name, a number, an amount, a date); otherwise it is declined, the closest passages of that
solicitation are shown, and the reason says what is missing."""

from __future__ import annotations

import dataclasses

import pytest

from core.answering.scope import naming_terms
from core.answering.slots import codes_of, find_slots, past_event, verb_stems
from tests.conftest import make_services

HARBOR_RFQ = """# Request for Quotation RFQ1111111: Harbor Analytics Platform

## 1. Overview

The Port Authority seeks a contractor to build and operate the Harbor Analytics Platform, a data
service that tracks vessel arrivals and berth use.

## 2. Set-Aside and Size Standard

This acquisition is a total small business set-aside under NAICS code 541512, Computer Systems
Design Services, with a size standard of $34 million.

## 3. Schedule

Quotes are due on March 3, 2025 at 2:00 PM Eastern. The period of performance is one base year and
two option years. Amendment 0001 extended the due date for questions to February 10, 2025.

## 4. Price

The estimated price of the base year is $1,250,000.
"""

LIGHTHOUSE_RFQ = """# Request for Quotation RFQ2222222: Lighthouse Records Modernization

## 1. Overview

The Coastal Records Office seeks a contractor to modernize the Lighthouse Records system, which
keeps inspection records for coastal lighthouses, and to migrate its legacy records to the cloud.

## 2. Set-Aside

Set Aside: Total small business. Quoters must be registered in SAM at the time of quote submission.
Quoters shall complete the representations of FAR 52.212-3 in SAM, which state whether the quoter
is small under the size standard of each NAICS code it registered.

## 3. Deliverables

The contractor shall deliver a monthly status report to the Contracting Officer's Representative
and a transition plan before the end of the base period.

## 4. Instructions

Quotes are due on April 14, 2025. Questions about this RFQ must be sent by email to the
Contracting Officer.
"""

FAR_PART_19 = """# FAR Part 19 - Small Business Programs

## 19.102 Size standards

The contracting officer shall determine the appropriate North American Industry Classification
System (NAICS) code and related small business size standard and include them in solicitations
above the micro-purchase threshold.
"""

FAR_PART_33 = """# FAR Part 33 - Protests, Disputes, and Appeals

## 33.103 Protests to the agency

An interested party may protest the award of a contract to the agency or to the GAO. A protest
filed with the GAO within 10 days of the award suspends performance until the protest is decided.
"""


@pytest.fixture(scope="module")
def services(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("declines")
    files = {
        "rfp/harbor-analytics-2025/RFQ.md": HARBOR_RFQ,
        "rfp/lighthouse-records-2025/RFQ.md": LIGHTHOUSE_RFQ,
        "far/FAR_part_19.md": FAR_PART_19,
        "far/FAR_part_33.md": FAR_PART_33,
    }
    services = ingested(root, embedder, files)
    yield services
    services.close()


def ingested(root, embedder, files: dict[str, str]):
    """Services over a fresh data folder holding `files` (path -> text), each ingested."""
    services = make_services(root / "data", embedder)
    for name, text in files.items():
        path = root / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        services.indexer.index_file(path, "public", display=name)
    return services


def ask(services, question):
    return services.answerer.answer(question, ["public"], extractive=True)


def paths(answer):
    return {s.hit.path for s in answer.sources}


def test_a_code_only_a_sibling_states_is_declined_and_says_what_is_missing(services):
    answer = ask(services, "What NAICS code applies to the Lighthouse Records Modernization RFQ2222222?")
    assert answer.declined, answer.text
    assert "a code" in answer.text and "NAICS" in answer.text  # what is missing, in the question's words
    # The closest passages shown are the named solicitation's own, never the sibling's.
    assert answer.sources and paths(answer) <= {"rfp/lighthouse-records-2025/RFQ.md", "far/FAR_part_19.md"}
    assert "541512" not in " ".join(s.excerpt for s in answer.sources)


def test_the_same_question_about_the_solicitation_that_states_it_is_answered(services):
    answer = ask(services, "What NAICS code applies to the Harbor Analytics Platform RFQ1111111?")
    assert not answer.declined, answer.text
    assert "541512" in answer.text
    assert paths(answer) <= {"rfp/harbor-analytics-2025/RFQ.md", "far/FAR_part_19.md"}


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("Which company was awarded the Lighthouse Records Modernization order RFQ2222222?", "a name"),
        ("How many quotes were received for the Lighthouse Records Modernization RFQ2222222?", "a number"),
        ("What is the estimated price of the base year of the Lighthouse Records RFQ2222222?", "money"),
        ("On what date was the Lighthouse Records Modernization RFQ2222222 awarded?", "a date"),
    ],
)
def test_a_value_no_passage_of_the_named_solicitation_gives_is_declined(services, question, missing):
    answer = ask(services, question)
    assert answer.declined, answer.text
    assert missing in answer.text
    assert "rfp/harbor-analytics-2025/RFQ.md" not in paths(answer)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When are quotes due for the Lighthouse Records Modernization RFQ2222222?", "April 14, 2025"),
        ("What is the estimated price of the base year of the Harbor Analytics Platform?", "$1,250,000"),
        ("What reports does the Lighthouse Records contractor deliver each month?", "monthly status report"),
    ],
)
def test_questions_the_named_solicitation_answers_are_not_declined(services, question, expected):
    answer = ask(services, question)
    assert not answer.declined, answer.text
    assert expected in answer.text


def test_a_question_naming_no_solicitation_uses_every_document(services):
    answer = ask(services, "What size standard applies under NAICS code 541512?")
    assert not answer.declined, answer.text
    assert "rfp/harbor-analytics-2025/RFQ.md" in paths(answer)


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Which vendor won the order, and what was the total price?", ["name", "money"]),
        ("How many quotations were received?", ["count"]),
        ("On what date did GSA issue Amendment 0003?", ["day"]),
        ("When did the agency exercise the option?", ["date"]),
        ("When is the transition plan due?", ["time"]),
        ("What NAICS code applies to this RFQ?", ["code"]),
        ("Who is the incumbent?", ["name"]),
        # Forms that ask for no typed value: conditions, a role, a description, a yes/no.
        ("When can a late proposal still be considered?", []),
        ("Who is the transition plan coordinated with?", []),
        ("What business continuity plans exist for the platform?", []),
        ("Is travel reimbursed?", []),
    ],
)
def test_question_forms_and_the_values_they_ask_for(question, kinds):
    assert [s.kind for s in find_slots(question)] == kinds


def test_naming_terms_are_numbers_acronyms_and_names_not_sentence_starts():
    terms = naming_terms("What is the TDRS RFQ's price under RFQ1349024 for cloud.gov and Caseflow?")
    assert {"RFQ1349024", "TDRS", "cloud.gov", "Caseflow"} <= set(terms)
    assert "What" not in terms


def test_a_clause_number_in_a_sentence_that_mentions_naics_is_not_its_code(services):
    # The Lighthouse RFQ names FAR 52.212-3 and "NAICS code" in one sentence, but states no code.
    answer = ask(services, "Which NAICS code applies to the Lighthouse Records Modernization RFQ2222222?")
    assert answer.declined, answer.text
    assert codes_of("This is a set-aside under NAICS code 541512.", {"naic"}) == ["541512"]
    far = "Complete FAR 52.212-3, Offeror Representations and Certifications, for the size standard of the NAICS code."
    assert codes_of(far, {"naic"}) == []


def test_whether_an_event_happened_needs_a_record_of_it_not_a_rule_about_it(services):
    # The FAR says how protests go; no Lighthouse document says its award was protested.
    answer = ask(
        services, "Was the award of the Lighthouse Records Modernization RFQ2222222 protested at GAO?"
    )
    assert answer.declined, answer.text
    assert "protested" in answer.text
    assert "rfp/harbor-analytics-2025/RFQ.md" not in paths(answer)
    # The Harbor RFQ records its amendment, so the same form about it is answered.
    answer = ask(
        services, "Was the due date for questions on the Harbor Analytics Platform RFQ1111111 extended?"
    )
    assert not answer.declined, answer.text
    assert "February 10, 2025" in answer.text


@pytest.mark.parametrize(
    ("question", "verb"),
    [
        ("Was the order protested at GAO, and what was the outcome?", "protested"),
        ("Has the agency exercised the second option?", "exercised"),
        ("Did any quoter protest the award?", "protest"),
        ("Did GSA receive any late quotes?", "receive"),
        ("Was the awarded price fixed?", "fixed"),  # "awarded" describes the price
        ("Is travel reimbursed?", None),
        ("Were questions due by May 3?", None),
        ("What was the total price?", None),
    ],
)
def test_yes_no_questions_about_past_events_and_their_verb(question, verb):
    assert past_event(question) == verb


@pytest.mark.parametrize(
    ("question", "event"),
    [
        ("How many quotations were received?", {"receiv"}),
        ("How much has the agency budgeted for the pilot?", {"budget"}),
        ("When did GSA issue Amendment 0003?", {"issu"}),
        ("How many reports did the bug bounty program receive in 2017?", {"receiv"}),
        ("What price was paid for the licenses?", verb_stems("paid")),
        ("How much did the agency spend on licenses?", verb_stems("spend")),
        ("What is the estimated price of the base year?", set()),
        ("How many quotes are due?", set()),
    ],
)
def test_a_slot_clause_that_reports_an_event_names_its_verb(question, event):
    assert set(find_slots(question)[0].event) == event
    assert verb_stems("paid") == verb_stems("pay") and "spent" in verb_stems("spend")


def test_a_count_of_what_happened_is_not_filled_by_what_was_planned(services):
    # The Harbor RFQ states a base year and two option years, and nothing about quotes received.
    answer = ask(
        services, "How many option years were exercised on the Harbor Analytics Platform RFQ1111111?"
    )
    assert answer.declined, answer.text
    answer = ask(services, "How many option years does the Harbor Analytics Platform RFQ1111111 include?")
    assert not answer.declined, answer.text


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("What is the number of offers received?", ["count"]),
        ("What did GSA pay for the licenses?", ["money"]),
        ("How much was the award?", ["money"]),
        ("What's the independent government cost estimate?", ["money"]),
        ("What is the incumbent's name?", ["name"]),
        ("Name the incumbent contractor.", ["name"]),
        # The noun before a verb is its subject, not what is asked.
        ("What does the contractor do after award?", []),
        ("What does the vendor submit with its quote?", []),
        # An adverb between the head noun and its verb; a preposition before the wh-word; "when and
        # where"; a threshold is an amount.
        ("Which contractor currently operates the legacy system?", ["name"]),
        ("Under which NAICS code is the order set aside?", ["code"]),
        ("When and where was the industry day held?", ["date"]),
        ("What was the micro-purchase threshold in 2015?", ["money"]),
        ("Which supply chain rules apply?", []),
        # Requests are questions; a unit says what is asked; a percentage is its own kind.
        ("Tell me which firm won the order.", ["name"]),
        ("Give me the government's cost estimate.", ["money"]),
        ("What's the size standard, in dollars, for this order?", ["money"]),
        ("What locality pay percentage applies?", ["percent"]),
        ("Tell me about the evaluation factors.", []),
    ],
)
def test_more_question_forms_that_ask_for_a_value(question, kinds):
    assert [s.kind for s in find_slots(question)] == kinds


@pytest.mark.parametrize(
    "question",
    [
        "What is the number of quotes received for the Lighthouse Records Modernization RFQ2222222?",
        "What did the Coastal Records Office pay for the Lighthouse Records Modernization RFQ2222222?",
        "What is the incumbent's name on the Lighthouse Records Modernization RFQ2222222?",
    ],
)
def test_these_forms_are_declined_when_the_named_solicitation_does_not_give_the_value(services, question):
    answer = ask(services, question)
    assert answer.declined, answer.text
    assert "rfp/harbor-analytics-2025/RFQ.md" not in paths(answer)


def test_a_code_row_the_question_names_by_title_answers_whatever_its_columns_are_called(tmp_path, embedder):
    """The crosswalk's column is "MAPS TO OMB SOC"; the question says "occupation code". The row
    whose title column the question names gives the code."""
    from core.answer import Answerer
    from tests.conftest import make_services

    services = make_services(tmp_path / "d", embedder)
    table = tmp_path / "crosswalk.csv"
    table.write_text(
        "FAMILIAR TITLE,MAPS TO OMB SOC,MAPS TO LCAT\n"
        "Cost Estimator,13-1051 Cost Estimators,Business Specialists Group 4\n"
        "Data Architect,15-1243 Database Architects,Computer Specialists Group 3\n"
        "Budget Analyst,13-2031 Budget Analysts,Business Specialists Group 2\n"
    )
    services.indexer.index_file(table, "public")
    answerer = Answerer(services.retriever, lambda: None, services.embedder, extractive=True)
    answer = answerer.answer("Which occupation code is a Cost Estimator crosswalked to?", ["public"])
    services.close()
    assert answer.mode == "extractive", answer.text
    assert "13-1051" in answer.text


CATALOGUE = """# Where the files came from

| folder | files | source | about |
| --- | --- | --- | --- |
| harbor-analytics-2025 | RFQ.md | Port Authority, posted by Dana Whitfield | RFQ RFQ1111111 (Harbor Analytics Platform) |
| lighthouse-records-2025 | RFQ.md | Coastal Records Office, posted by Morgan Avery | RFQ RFQ2222222 (Lighthouse Records Modernization) |
"""


def test_a_catalogue_naming_every_solicitation_is_none_of_them(tmp_path, embedder):
    """A list of sources names each solicitation's number; its own number (guessed from the first
    it names) is another's, so it is not the named solicitation's document, and its names do not
    answer who works on that solicitation."""
    files = {
        "rfp/harbor-analytics-2025/RFQ.md": HARBOR_RFQ,
        "rfp/lighthouse-records-2025/RFQ.md": LIGHTHOUSE_RFQ,
        "SOURCES.md": CATALOGUE,
    }
    services = ingested(tmp_path, embedder, files)
    try:
        question = (
            "Who is the contractor's project manager for the Lighthouse Records Modernization RFQ2222222?"
        )
        answer = ask(services, question)
        assert answer.declined, answer.text
        assert "SOURCES.md" not in paths(answer)
    finally:
        services.close()


def test_a_name_the_passages_found_lack_counts_when_the_documents_have_it(services):
    """A numbered name ("Amendment 1", written "Amendment 0001" in the RFQ) that retrieval did not
    bring back with the question's other words is still something the documents have: not a
    reason to decline. One they have nowhere ("Amendment 3") is."""
    question = "What did Amendment 1 change in the size standard and NAICS code rules for small business?"
    found = services.retriever.search(question, ["public"], k=8)
    far_only = dataclasses.replace(found, hits=[h for h in found.hits if h.path.startswith("far/")])
    assert far_only.hits and not any("Amendment" in h.text for h in far_only.hits)
    assert services.answerer.coverage(question, far_only) is None
    missing = services.answerer.coverage(question.replace("Amendment 1", "Amendment 3"), far_only)
    assert missing == "the documents do not mention Amendment 3"


HARBOR_PRICING = """CLIN,Description,Price
0001,Base year platform build and operation,"$1,250,000"
0002,Option year 1 operation,"$600,000"
"""


def test_a_value_asked_of_a_document_the_question_names_comes_from_that_document(tmp_path, embedder):
    """ "On the pricing sheet" names Pricing_Sheet.csv: the RFQ's own travel ceiling does not answer
    what the sheet says, and the reason names the sheet. Asked of the RFQ, it is answered."""
    rfq = HARBOR_RFQ + "\n## 5. Travel\n\nTravel is not to exceed $20,000 per year.\n"
    files = {
        "rfp/harbor-analytics-2025/RFQ.md": rfq,
        "rfp/harbor-analytics-2025/Pricing_Sheet.csv": HARBOR_PRICING,
    }
    services = ingested(tmp_path, embedder, files)
    try:
        sheet = ask(
            services,
            "What is the travel not-to-exceed amount per year on the Harbor Analytics pricing sheet?",
        )
        assert sheet.declined, sheet.text
        assert "Pricing_Sheet.csv" in sheet.text
        rfq_answer = ask(
            services, "What is the travel not-to-exceed amount per year for the Harbor Analytics RFQ?"
        )
        assert not rfq_answer.declined, rfq_answer.text
        assert "$20,000" in rfq_answer.text
        # A file format is something the documents have when a document is of that format.
        assert services.retriever.mentions("CSV", ["public"])
        assert not services.retriever.mentions("DOCX", ["public"])
    finally:
        services.close()


def test_a_name_must_be_about_what_the_question_says_of_it(services):
    """Any capitalized word reads as a name: "the Port Authority seeks a contractor" does not say
    which contractor maintains a legacy database."""
    answer = ask(
        services, "Which contractor currently maintains the legacy inspection database for RFQ1111111?"
    )
    assert answer.declined, answer.text


def test_a_role_or_a_function_word_is_not_a_name(services):
    """ "The contractor must designate a Facilitator": a role after "a" is no name; nor is a
    capitalized word that starts a list item ("Deliverables – Any report")."""
    from core.answering.slots import values

    common = {"any", "report", "key", "personnel"}.__contains__
    assert values("name", "The contractor must designate a Facilitator as Key Personnel.", common) == []
    assert values("name", "Deliverables – Any report is due monthly.", common) == []
    assert "Raft" in values("name", "The order was awarded to Raft, LLC.", common)
    answer = ask(services, "Name the project manager that the contractor assigned to RFQ1111111.")
    assert answer.declined, answer.text


def test_an_average_is_given_only_by_a_sentence_that_states_one(tmp_path, embedder):
    """Rows of rates do not state their average; a row's title answers a code question only when
    the question writes that title ("order" is not "Orderlies")."""
    from core.answering.slots import _says

    files = {
        "codes/rates.csv": "Labor Category,Unit,Hourly Rate\n"
        "Senior Software Engineer,Hour,$197.73\n"
        "Senior Software Engineer,Hour,$150.89\n"
        "Junior Software Engineer,Hour,$82.00\n"
    }
    services = ingested(tmp_path, embedder, files)
    try:
        average = ask(services, "What is the average hourly rate for a Senior Software Engineer?")
        assert average.declined, average.text
        rate = ask(services, "What is the hourly rate for a Senior Software Engineer?")
        assert not rate.declined, rate.text
    finally:
        services.close()
    assert _says("Which occupation code is a Cost Estimator crosswalked to?", "Cost Estimator")
    assert not _says("What NAICS code does the task order assign?", "Orderlies")


@pytest.mark.parametrize(
    ("question", "kinds", "event"),
    [
        # a dash before a wh-word starts another clause; the verb after the head is its event
        ("who's doing the support work now - which vendor got the order?", ["name", "name"], "award"),
        ("Which evaluator chaired the technical evaluation panel?", ["name"], "chair"),
        ("What discount did the quoter offer off its schedule rates?", ["percent"], None),
        ("What technical score did the quote receive?", ["count"], None),
        ("Which firm won the BPA?", ["name"], "award"),  # a win is reported as an award
    ],
)
def test_question_forms_of_the_third_blind_set(question, kinds, event):
    slots = find_slots(question)
    assert [s.kind for s in slots] == kinds
    if event is not None:
        assert event in slots[-1].event


def test_codes_a_question_gives_by_their_system_must_be_in_the_documents():
    from core.answering.coverage import named_things

    assert "1560" in named_things("What is the title of OPM occupational series 1560?")
    assert "15-1252" in named_things("What is the SOC 15-1252 median wage?")
    assert "52.219-9" in named_things("Does the RFQ include clause 52.219-9?")
    assert not any(c.isdigit() for n in named_things("How many pages may the quote have?") for c in n)


def test_a_title_of_several_capitalized_words_is_one_naming_term():
    terms = naming_terms("Was the Development, Design, and Research BPA ever extended?")
    assert "Development, Design, and Research" in terms
    assert not any(t.startswith("Was") for t in terms)


def test_a_number_right_after_the_counted_word_labels_it():
    from core.answering.slots import counts_of

    assert counts_of("DELIVER TO F.O.B. POINT 16.", {"point"}) == []
    assert counts_of("The team delivered 16 story points.", {"point"}) == ["16"]
    assert counts_of("Number of Iterations | 17 Sprints", {"sprint"}) == ["17"]


SEABIRD_BPA = """# Seabird Survey Services Blanket Purchase Agreement

## 1. Scope

The Coastal Wildlife Office establishes this BPA for aerial seabird counts along the coast.

## 2. Ordering Period

The ordering period is five years from the date of award.

## 3. Option to Extend Services

The Government may extend the ordering period by up to six months. If the Government extends the
period, it will notify the contractor in writing.
"""

SEABIRD_PRICES = """Labor Category,Unit,Hourly Rate
Survey Pilot,Hour,$140.00
Data Engineer,Hour,$120.00
"""


def test_a_rule_about_an_event_or_a_row_of_another_title_does_not_answer(tmp_path, embedder):
    """ "May extend" and a clause's title say how an extension would go, not that one happened; the
    BPA is named by its title's words though each is common. A row of "Data Engineer" does not give
    the rate of a Quantum Data Engineer."""
    files = {
        "rfp/seabird-survey-bpa-2025/BPA.md": SEABIRD_BPA,
        "rfp/seabird-survey-bpa-2025/Price_Sheet.csv": SEABIRD_PRICES,
        "far/FAR_part_33.md": FAR_PART_33,
    }
    services = ingested(tmp_path, embedder, files)
    try:
        extended = ask(
            services, "Was the Seabird Survey Services BPA ever extended past its ordering period?"
        )
        assert extended.declined, extended.text
        assert "extended" in extended.text
        period = ask(services, "How long is the ordering period of the Seabird Survey Services BPA?")
        assert not period.declined, period.text
        quantum = ask(services, "What hourly rate does the price sheet list for a Quantum Data Engineer?")
        assert quantum.declined, quantum.text
        engineer = ask(services, "What hourly rate does the price sheet list for a Data Engineer?")
        assert not engineer.declined, engineer.text
        assert "120.00" in engineer.text  # the row is quoted, not its header line
    finally:
        services.close()


@pytest.mark.parametrize(
    ("question", "kind", "event"),
    [
        ("List the companies that bid on the dashboard.", "name", "bid"),  # a listing asks "which"
        ("Identify all vendors who submitted quotes.", "name", "submit"),
        ("Roughly how many people work on the team?", "count", None),  # an adverb before "how"
    ],
)
def test_question_forms_of_the_fourth_blind_set(question, kind, event):
    (slot,) = find_slots(question)
    assert slot.kind == kind
    assert event is None or event in slot.event


def test_an_event_is_reported_by_a_statement_not_by_a_rule_a_condition_or_a_question():
    from core.answering.coverage import _reports

    received = verb_stems("receive")
    assert _reports("GSA received 12 quotes by the deadline.", received)
    assert not _reports("Quotes received after the deadline will not be considered.", received)
    assert not _reports("If a quote is received late, it is rejected.", received)
    assert not _reports("How many quotes were received?", received)
    assert not _reports("Option to Extend Services", verb_stems("extended"))


@pytest.mark.parametrize(
    ("question", "kind", "head", "event"),
    [
        ("What's the DUNS number of the contractor?", "code", {"dun"}, None),  # not a count
        ("What is the total number of quotes received?", "count", {"quot"}, None),
        ("What size standard goes with the NAICS code?", "money", {"size", "standard"}, None),
        ("What NAICS code and size standard apply to the RFQ?", "code", {"naic"}, None),
        ("What did the pricing form list as the travel ceiling?", "money", {"travel", "ceil"}, None),
        ("Who led the prototype team?", "name", set(), "leader"),  # the doer, named by the event
    ],
)
def test_question_forms_of_the_fifth_blind_set(question, kind, head, event):
    slot = find_slots(question)[0]
    assert (slot.kind, set(slot.head)) == (kind, head)
    assert event is None or event in slot.event


def test_a_name_may_open_a_sentence_and_an_address_does_not_make_it_common():
    from core.answering.slots import lower_case_words, values

    known = lower_case_words(["Write to kit.lee@gsa.gov or see https://example.com/rick for the team."])
    assert "lee" not in known and "rick" not in known and "team" in known
    sentence = "Rick Lee was selected to be the leader and Product Manager for the prototype."
    names = values("name", sentence, lambda w: w in known | {"product", "manager"})
    assert names == ["Rick Lee"]
    # a capitalized common word opening a sentence is still no name
    assert values("name", "Offerors Shall submit quotes.", lambda w: w in {"offerors", "shall"}) == []


def test_upon_states_a_rule_and_an_identifier_is_part_of_the_head():
    from core.answering.coverage import _reports

    assert not _reports("Due 10 days upon exercise of optional task.", verb_stems("exercised"))
    (slot,) = find_slots("How many GS-15 employees does the table count?")
    assert "gs-15" in slot.head


@pytest.mark.parametrize(
    ("question", "kind", "head", "event"),
    [
        ("What is the page limit for the technical volume?", "count", {"page", "limit"}, None),
        ("What is the spending cap for travel?", "money", {"spend", "cap"}, None),
        ("Which vendor's prototype did 18F pick?", "name", set(), "pick"),  # which vendor
        ("Who is Raft's project manager?", "name", {"raft", "project", "manag"}, None),
        ("How many veterans used the system in 2017?", "count", {"veteran"}, "use"),
    ],
)
def test_question_forms_of_the_sixth_blind_set(question, kind, head, event):
    slot = find_slots(question)[0]
    assert (slot.kind, set(slot.head)) == (kind, head)
    assert event is None or event in slot.event


def test_a_list_label_or_a_citation_counts_nothing():
    from core.answering.slots import counts_of

    assert counts_of("5. Veteran Law Judge Review", {"veteran"}) == []
    assert counts_of("A veteran as defined in 38 U.S.C. 101(2).", {"veteran"}) == []
    assert counts_of("The board has 5 veteran judges.", {"veteran"}) == ["5"]


HERON_RFQ = """# Heron Records Modernization RFQ

## 1. Past Experience

We have delivered projects similar to this one: the Egret Data Platform and the Plover Portal.

## 2. Points of Contact

Dana Reyes is the contracting officer for this RFQ.
"""

HERON_CODES = """SOC Code,SOC Title,SOC Definition
27-3031,Public Relations Specialists,"Promote a public image. May specialize in using social media to influence opinion."
13-1131,Fundraisers,"Organize activities to raise funds."
"""

HERON_SERIES = """OCC,OCCT
1102,1102-CONTRACTING
0854,0854-COMPUTER ENGINEERING
"""


def test_a_name_is_of_the_role_asked_and_a_code_row_says_the_subject(tmp_path, embedder):
    """A sentence about projects names no project manager; a row whose definition mentions social
    media and "influence" is not the code of social media influencers."""
    files = {
        "rfp/heron-records-2025/RFQ.md": HERON_RFQ,
        "codes/soc_definitions.csv": HERON_CODES,
        "codes/opm_series.csv": HERON_SERIES,
    }
    services = ingested(tmp_path, embedder, files)
    try:
        manager = ask(services, "Who is the contractor's project manager for the Heron Records RFQ?")
        assert manager.declined, manager.text
        officer = ask(services, "Who is the contracting officer for the Heron Records RFQ?")
        assert not officer.declined and "Dana Reyes" in officer.text, officer.text
        influencers = ask(services, "Which SOC code covers social media influencers?")
        assert influencers.declined, influencers.text
        fundraisers = ask(services, "What SOC code do fundraisers fall under?")
        assert not fundraisers.declined and "13-1131" in fundraisers.text, fundraisers.text
        contracting = ask(services, "Which OPM series is contracting?")  # a title joined to its code
        assert not contracting.declined and "1102" in contracting.text, contracting.text
    finally:
        services.close()


def test_a_plan_or_a_ceiling_is_no_record_of_what_was_done():
    from core.answering.slots import UNCERTAIN

    (paid,) = find_slots("How much was Raft paid for the base year?")
    assert paid.past and "pay" in paid.event
    assert UNCERTAIN.search("OFA will pay up to $1.3 million for the base period.")
    assert UNCERTAIN.search("GSA intends to award approximately 5 BPAs for Pool Two.")
    # contracts state their terms with "will": that is a statement
    assert not UNCERTAIN.search(
        "The period of performance will include a base period starting on July 13, 2020."
    )


def test_codes_are_not_counts_times_or_far_sections():
    from core.answering.slots import _counts, codes_of

    assert codes_of("OPM federal occupational series, about 700 rows", {"seri"}) == []
    assert codes_of("The OPM occupational series is 2210.", {"seri"}) == ["2210"]
    assert codes_of("The NAICS code 541512 is assigned to this order.", {"naic"}) == ["541512"]
    assert [m.group(0) for m in _counts("Core hours are 0900 to 1800 local time.")] == []


def test_a_line_that_stops_on_a_function_word_goes_on():
    from core.answering.sanitize import sentences

    text = "The Contracting Officer assigned to this task order is\nMark Junda, mark.junda@va.gov\nSchedule"
    assert (
        sentences(text)[0]
        == "The Contracting Officer assigned to this task order is Mark Junda, mark.junda@va.gov"
    )


OSPREY_CODES = """SOC Code,SOC Title,SOC Definition
15-2051,Data Scientists,"Develop and implement analytics to transform raw data into meaningful information."
"""

OSPREY_CATALOGUE = """# Sources

| File | What it is |
| --- | --- |
| opm_series.csv | OPM federal occupational series, about 700 rows (2210 = IT Management) |
"""

OSPREY_RFQ = """# Osprey Mapping RFQ

## 1. Contacts

The Contracting Officer assigned to this order is
Lee Ortiz, lee.ortiz@gsa.gov

The Contractor shall invite the Contracting Officer, the COR and the GSA Program Manager. The
contracting officer and each program manager meet monthly.

## 2. Awards

GSA intends to award approximately 5 BPAs under this RFQ.
"""


def test_the_code_system_the_role_and_the_record_the_question_asks_for(tmp_path, embedder):
    """A SOC row does not give an OPM series, nor a catalogue line a code of what it does not
    mention; "GSA Program Manager" is a role; "intends to award" is no award."""
    files = {
        "codes/soc_definitions.csv": OSPREY_CODES,
        "SOURCES.md": OSPREY_CATALOGUE,
        "rfp/osprey-mapping-2025/RFQ.md": OSPREY_RFQ,
    }
    services = ingested(tmp_path, embedder, files)
    try:
        opm = ask(services, "Which OPM occupational series covers data scientists?")
        assert opm.declined, opm.text
        soc = ask(services, "Which SOC code covers data scientists?")
        assert not soc.declined and "15-2051" in soc.text, soc.text
        officer = ask(services, "Who is the contracting officer for the Osprey Mapping RFQ?")
        assert not officer.declined and "Lee Ortiz" in officer.text, officer.text
        manager = ask(services, "Who is the contractor's program manager for the Osprey Mapping RFQ?")
        assert manager.declined, manager.text
        awarded = ask(services, "How many BPAs did GSA actually award under the Osprey Mapping RFQ?")
        assert awarded.declined, awarded.text
    finally:
        services.close()


def test_question_forms_and_counts_of_the_eighth_blind_set():
    from core.answering.coverage import _reports
    from core.answering.slots import counts_of

    (who,) = find_slots("Who at 18F evaluated the prototypes?")
    assert who.kind == "name" and "evalu" in who.event  # the verb after "who at 18F"
    sentence = "The velocity is the average of the completed story points for the first 3 sprints."
    assert counts_of(sentence, {"stori", "point"}) == []  # 3 counts sprints
    assert counts_of("The team completed 40 story points.", {"stori", "point"}) == ["40"]
    assert counts_of("Addendum 1: Appeals Background Information", {"appeal"}) == []
    assert not _reports("Original standards need not be modified.", verb_stems("modified"))
    assert _reports("The contract was modified on May 1.", verb_stems("modified"))


KESTREL_RFQ = """# Kestrel Survey RFQ

## 1. Instructions

Questions are due April 1, 2025. Quotes received after the deadline will not be considered.

## 2. Team

The Agile team has 6 to 12 full-time employees.
"""


def test_an_event_no_passage_records_and_a_count_of_another_party_are_declined(tmp_path, embedder):
    """With no solicitation named, the passages found must record the event ("extended"), and a
    count of a party the question names ("Raft") comes from a sentence about that party."""
    services = ingested(tmp_path, embedder, {"rfp/kestrel-survey-2025/RFQ.md": KESTREL_RFQ})
    try:
        extended = ask(services, "Did the agency extend the quote deadline for the survey?")
        assert extended.declined and "extend" in extended.text, extended.text
        raft = ask(services, "How many employees does Raft have?")
        assert raft.declined, raft.text
        team = ask(services, "How many full-time employees does the Agile team have?")
        assert not team.declined, team.text
    finally:
        services.close()


WREN_RFQ = """# Wren Data Services RFQ

## 1. Reporting

The contractor for the Wren Data Services RFQ shall send monthly status reports to Dana Whitfield.

## 2. Award

CONTRACTOR: Acme Mapping LLC, 100 Main Street, Springfield.
"""


def test_a_name_stated_plainly_is_preferred_to_one_in_a_rule(tmp_path, embedder):
    """ "The Contractor shall send reports to Dana Whitfield" names a person in a rule; the
    contractor is the one the award line states."""
    services = ingested(tmp_path, embedder, {"rfp/wren-data-2025/RFQ.md": WREN_RFQ})
    try:
        prepared = services.answerer.prepare(
            "Who is the contractor for the Wren Data Services RFQ?", ["public"]
        )
        assert prepared.declined is None
        (_, sentence, value), *_ = prepared.given  # what filled the name: the answer quotes it first
        assert "Acme Mapping" in sentence and "Acme" in value, (sentence, value)
    finally:
        services.close()
