"""When a compliance-matrix row is whole, and when it is a fragment cut out of a sentence.

A row read from a sentence is whole when it starts as a sentence starts (not with a plain lower-case word
such as "and" or "architecture": "cloud.gov" or "eBuy" may open a sentence) and ends as one ends: terminal
punctuation (. ? ! : ; then closing quotes or brackets) or the dash with which the FAR opens a list ("The
contracting officer shall -"), not a comma. A row read from a list item may start in lower case, end without
punctuation or end on a comma, as list items do. Neither may end on a word that cannot end a phrase ("the",
"of", "to", "shall", an "and" with no comma or semicolon before it) or start with closing punctuation. Rows
read from table rows, clause lists and headings are structural and not judged.

bench/documents.py and tests/test_document_guard.py count fragments over the shared documents with it, and
tests/proposal/test_recall.py counts an annotated requirement only when the row holding it is whole.
"""

from __future__ import annotations

import re

TERMINAL = re.compile(r"""(?:[.?!:;]["'”’)\]]*|\s?[-–—])$""")
LOWER_START = re.compile(r"^[a-z][a-z'’-]*(?=[\s,;:)]|$)")
OPEN_START = re.compile(r"^[,;)\]]")
DANGLING_END = re.compile(
    r"(?:(?<![,;])\s(?:and|or)|\s(?:the|a|an|of|to|for|with|by|in|on|at|from|that|which|shall|must|will|is|are|be|"
    r"as|than|such))$",
    re.IGNORECASE,
)
STRUCTURAL = {"row", "clause", "heading"}


def row_fragment(text: str, origin: str) -> str:
    """Why a row is not whole ("" when it is). `origin` is what the row was read from (Requirement.origin)."""
    text = " ".join(text.split())
    if origin in STRUCTURAL:
        return ""
    if DANGLING_END.search(text):
        return "ends on a connecting word"
    if OPEN_START.match(text):
        return "starts with closing punctuation"
    if origin == "item":  # "● FAR Subpart 4.13," is a whole item of an enumeration
        return ""
    if text.endswith(","):
        return "ends with a comma"
    if LOWER_START.match(text):
        return "starts lower-case"
    if not TERMINAL.search(text):
        return "no terminal punctuation"
    return ""


def is_whole(row) -> bool:
    return not row_fragment(row.text, row.origin)
