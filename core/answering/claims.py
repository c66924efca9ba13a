"""Checking a generated answer: each sentence must cite a retrieved source that supports it. One
sentence of that source must hold it, by words and by meaning:

- words: at least half of the claim's content words are in the sentence, and every number it
  states (`support`);
- facts: every date, time, amount, number, identifier (HSPD-12, 52.212-4, CLIN0001) and name
  ("Cloud Modernization Contracts") the claim states is in the sentence; an identifier or name may
  also be in the source's section headings, and a name may be given by its initials ("the
  Contracting Officer" for "the CO"). The extractors are the answer benchmark's
  (`core.answer_eval.facts`), so the product is at least as strict on facts as that scorer;
- polarity: the claim does not state what the sentence denies ("is required" from "is not
  required"), nor deny what a sentence without any negation states;
- subject: the claim's subject (its words before the first auxiliary verb) is in the sentence or
  the source's headings ("The contract is due" is not held by "Quotes are due");
- relation: a before/after/above/below, or a frequency (weekly, monthly), the claim states is in the
  sentence too.

These are cheap, deterministic text rules, chosen by their figures on hand-labelled pairs
(tests/test_claim_meaning.py) and on replayed model answers (docs/answers.md, "The answerer's claim
check"); they catch what words alone let through, not every misreading. Invented source numbers are removed; unsupported sentences are kept as unsupported claims for the
caller to drop and report. A sentence that asks something, or only restates the question (a small
model echoing its prompt: "Question: When are quotes due?"), states nothing and is not a claim, even
though every word of it is in the sources."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.answer_eval.facts import extract, stated
from core.answering.records import Claim, Source
from core.answering.sanitize import quotable
from core.answering.words import (
    content_words,
    frequencies,
    negated,
    negation_sides,
    numbers,
    relations,
    subject,
)
from core.documents.text import split_sentences
from core.prompt import CITATION, cited_numbers


def support(claim: str, sentence: str) -> float:
    """Share of the claim's content words found in the sentence; 0 when the claim states a number
    the sentence does not have (a wrong date, price or count is the costliest error)."""
    claim = CITATION.sub("", claim)
    claim_words = content_words(claim)
    if not claim_words or not numbers(claim) <= numbers(sentence):
        return 0.0
    return len(claim_words & content_words(sentence)) / len(claim_words)


_FACT_KINDS = ("date", "time", "money", "number", "code", "name")


def disagreement(claim: str, sentence: str, headings: Sequence[str] = ()) -> str | None:
    """Why the sentence does not hold the claim's meaning although it has its words (None: it
    does). `headings` are the source's section headings, where a name or subject may stand."""
    claim = CITATION.sub("", claim)
    context = " ".join([sentence, *headings])
    in_sentence, in_context = extract(sentence), extract(context)
    for fact in extract(claim):
        if fact.kind not in _FACT_KINDS:
            continue
        if fact.kind in ("name", "code"):
            if stated(fact, in_context, context) or _initials_in(fact.text, context):
                continue
            kind = "names" if fact.kind == "name" else "states"
            return f"{kind} {fact.text}, which the source does not"
        if not stated(fact, in_sentence, sentence):
            return f"states {fact.text}, which the source does not"
    denied, said = negation_sides(sentence)
    claim_denied, claim_said = negation_sides(claim)
    if denied & claim_said or (claim_denied & said and not negated(sentence)):
        return "says the opposite of its source"
    words, initials, written = subject(claim)
    if (
        words
        and not _mentions(context, words, written)
        and not (initials and _initials_in(initials, context))
    ):
        return "is about something its source does not mention"
    extra = relations(claim) - relations(sentence)
    if extra:
        return f"says {', '.join(sorted(extra))} where its source does not"
    extra = frequencies(claim) - frequencies(sentence)
    if extra:
        return f"says {', '.join(sorted(extra))} where its source does not"
    return None


_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")  # "Contracting Officer", "Eastern Time"


def _mentions(text: str, stems: set[str], written: set[str]) -> bool:
    """Whether the text names the subject: by stem outside capitalised names, or inside one by a word
    as the claim writes it ("the contracting officer" is "the Contracting Officer", but "the
    contract" is not)."""
    if stems & content_words(_NAME.sub(" ", text)):
        return True
    in_names = {w.lower() for m in _NAME.finditer(text) for w in m.group(0).split()}
    return bool(content_words(" ".join(written & in_names)))


def _initials_in(name: str, text: str) -> bool:
    """The name's initials, as a word of the text ("Contracting Officer": CO)."""
    initials = name if name.isupper() else "".join(w[0] for w in name.split() if w[0].isupper())
    return (
        len(initials) >= 2 and re.search(r"(?<![\w])" + re.escape(initials) + r"(?![\w])", text) is not None
    )


def degenerate(text: str) -> bool:
    """A small model stuck in a loop ("2018 SOC Code, 2018 SOC Code, ...")."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < 12:
        return False
    return len(set(words)) / len(words) < 0.45


def restates(sentence: str, question: str) -> bool:
    """The sentence asks a question, or says nothing the question did not: no content word and no
    number beyond the question's."""
    if sentence.rstrip().endswith("?"):
        return True
    if not question:
        return False
    if _negated(sentence) and not _negated(question):  # "No, the volume is not limited." answers
        return False
    return content_words(sentence) <= content_words(question) and numbers(sentence) <= numbers(question)


_LOWER_WORD = re.compile(r"(?<![\w.])[a-z]{2,}(?![\w.])")


def label(sentence: str) -> bool:
    """The sentence is a heading, a table header or a code copied from a source ("3.0 Project Scope
    cloud", "OCCTYP,OCCFAM"), not a statement: fewer than two lowercase words. A source holds it,
    and it answers nothing."""
    return len(_LOWER_WORD.findall(sentence)) < 2


_NEGATION = re.compile(r"\b(?:no|not|never|none|nor|cannot)\b|n't\b", re.IGNORECASE)


def _negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


def check_claims(
    raw: str, sources: list[Source], min_support: float = 0.5, question: str = ""
) -> tuple[list[Claim], list[str]]:
    """Split the model's answer into claims and verify each against the sources it cites (an
    uncited sentence may still be supported by any source, and gets that citation). Returns the
    claims and notes on what was removed."""
    by_n = {s.n: s for s in sources}
    # An instruction-like sentence is never support, even if it reached an excerpt.
    sentence_sets = {s.n: quotable(s.excerpt) for s in sources}
    headings = {s.n: _headings(s) for s in sources}
    claims: list[Claim] = []
    dropped: list[str] = []
    for sentence in split_sentences(raw.replace("\n", " ")):
        cited = cited_numbers(sentence)
        invented = [n for n in cited if n not in by_n]
        cited = [n for n in dict.fromkeys(cited) if n in by_n]
        clean = CITATION.sub(lambda m: m.group(0) if int(m.group(1)) in by_n else "", sentence).strip()
        if invented:
            dropped.append(f"citation {', '.join(f'[{n}]' for n in invented)} removed: no such source")
        if not content_words(clean):
            continue
        if restates(CITATION.sub("", clean), question):
            dropped.append(f"not a claim (asks or restates the question): {clean}")
            continue
        if label(CITATION.sub("", clean)):
            dropped.append(f"not a claim (a heading or a label, not a sentence): {clean}")
            continue
        candidates = cited or list(by_n)
        # The sentence with most of the claim's words among those that also hold its meaning.
        best: tuple[float, int | None, str | None] = (0.0, None, None)
        why_not: tuple[float, str] | None = None  # the best sentence by words, and why it does not hold it
        for n in candidates:
            for src_sentence in sentence_sets[n]:
                value = support(clean, src_sentence)
                if value < min_support or value <= best[0]:
                    continue
                reason = disagreement(clean, src_sentence, headings[n])
                if reason is None:
                    best = (value, n, src_sentence)
                elif why_not is None or value > why_not[0]:
                    why_not = (value, reason)
        source_n = best[1]
        ok = best[0] >= min_support and source_n is not None and not degenerate(clean)
        if not ok:
            why = (
                why_not[1]
                if source_n is None and why_not is not None
                else "a loop of repeated words"
                if source_n is not None
                else "no source sentence holds half its words"
            )
            dropped.append(f"not supported: {CITATION.sub('', clean).strip()} ({why})")
        if ok and not cited and source_n is not None:
            clean = f"{clean} [{source_n}]"
            cited = [source_n]
        claims.append(Claim(clean, cited, ok, best[2] if ok else None, source_n if ok else None))
    return claims, dropped


def _headings(source: Source) -> list[str]:
    payload = source.hit.payload
    return list(payload.section_path) or [h for h in payload.section.split(" > ") if h]
