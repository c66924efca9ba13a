"""Documents are data, never instructions: sentences in a source that address an AI ("ignore
previous instructions...", "IMPORTANT NOTE TO THE ASSISTANT", a ChatML system block; `core.safety`)
are removed before the model sees the source, and never quoted nor accepted as support."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.documents.text import split_sentences
from core.safety import instruction_like, strip_instructions


def sanitize(text: str) -> tuple[str, bool]:
    """Remove sentences that address an AI instead of a reader, and neutralize model control
    strings (`core.safety.strip_instructions`); True when something was removed."""
    text, removed = strip_instructions(text)
    return text, removed > 0


# A line that ends on one of these goes on in the next ("The Contracting Officer assigned to this
# task order is" / "Mark Junda, ..."): a form or a wrapped PDF line, not the end of a sentence.
_GOES_ON = re.compile(
    r"(?i)(?:^|\s)(?:is|are|was|were|be|been|the|a|an|of|to|for|and|or|by|with|in|on|at|from|as|than)\s*$"
)


def sentences(text: str) -> list[str]:
    """The sentences of an excerpt, line by line (a line without sentence marks is one); a line
    that stops on a function word is joined to the next."""
    lines: list[str] = []
    for line in text.split("\n"):
        if lines and line.strip() and _GOES_ON.search(lines[-1]):
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return [s for line in lines for s in (split_sentences(line) or [line])]


def quotable(text: str, min_words: int = 0) -> list[str]:
    """Sentences that may be quoted or accepted as support: not instruction-like."""
    return [s for s in sentences(text) if len(s.split()) >= min_words and not instruction_like(s)]


_OUTLINE_LABEL = re.compile(r"(?<![\w.])\d+(?:\.\d+)+(?![\w.-])")  # not a FAR clause: 52.212-4
_HEADING = re.compile(r"^\(?[\dA-Za-z]{1,3}(?:\.\d+)*[.)]?\s+\S")


def heading_or_contents(sentence: str, headings: Iterable[str] = ()) -> bool:
    """A heading or a table of contents: text to cite, never to quote as an answer. A heading is
    one of the passage's own section headings (`headings`, from its section path: numbered or not,
    "Section L: Instructions to Quoters"), or a short outline-numbered line ("5.0 Period of
    Performance"); a table of contents is a run of outline labels ("4.1 Basis for Award 4.2
    Evaluation Criteria 4.3 ...")."""
    sentence = sentence.strip()
    if len(_OUTLINE_LABEL.findall(sentence)) >= 3 and not re.search(r"[.;:](?:\s|$)", sentence):
        return True
    key = _heading_key(sentence)
    if key and any(key == _heading_key(h) for h in headings):
        return True
    return (
        bool(_HEADING.match(sentence))
        and len(sentence.split()) <= 8
        and not sentence.endswith((".", "?", "!", ":"))
    )


def _heading_key(text: str) -> str:
    """A heading as compared: lower case, words only ("SECTION L - Instructions" = "Section L: instructions")."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))
