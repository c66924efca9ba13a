"""What a person asked for, from the text of `/rfp ...`, a mention or a direct message.

    ask QUESTION | draft SECTION [for SOLICITATION] | codes QUERY | ingest [URL...] |
    shred [URL... | FILE NAME... | SOLICITATION] | help
    QUESTION                      (no sub-command: a question)
    ... in:NAME                   (search, or ingest into, that collection; repeatable)

`draft Title: first requirement; second requirement` drafts one cited paragraph per requirement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

COMMANDS = ("ask", "draft", "codes", "ingest", "shred", "help")
MARKUP = re.compile(r"<([^<>]+)>")  # Slack's <@U123>, <#C123|name>, <!here>, <https://...|label>
IN_COLLECTION = re.compile(r"(?<!\S)in:([A-Za-z0-9_.\-]+)")
LINK = re.compile(r"<(https?://[^>|]+)(?:\|[^>]*)?>|(https?://\S+)")
# Slack file ids in url_private (files-pri/T123-F456/name) and permalinks (/files/U123/F456/name).
FILE_ID = re.compile(r"(?:^|[/\-])(F[A-Z0-9]{6,})(?=/|$)")
BARE_FILE_ID = re.compile(r"(?<!\S)(F[A-Z0-9]{6,})(?!\S)")


@dataclass
class Request:
    command: str
    text: str
    collections: list[str] = field(default_factory=list)
    solicitation: str | None = None
    requirements: list[str] = field(default_factory=list)
    file_ids: list[str] = field(default_factory=list)


def plain(text: str) -> str:
    """Slack's message markup as plain words: mentions dropped, links and channels as their labels,
    &amp; &lt; &gt; decoded, whitespace collapsed."""

    def word(m: re.Match) -> str:
        target, _, label = m.group(1).partition("|")
        if target[:1] in "@!":
            return " "
        if target.startswith("#"):
            return f"#{label}" if label else target
        return label or target

    text = MARKUP.sub(word, text or "")
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def parse(raw: str, file_ids: list[str] | None = None) -> Request:
    linked = files_in(raw or "")
    text = plain(raw)
    collections = list(dict.fromkeys(IN_COLLECTION.findall(text)))
    text = " ".join(IN_COLLECTION.sub(" ", text).split())
    word, _, rest = text.partition(" ")
    command = word.lower()
    if command not in COMMANDS:
        if not text:  # files shared with nothing else said: ingest them
            command, rest = ("ingest", "") if file_ids else ("help", "")
        else:
            command, rest = "ask", text
    request = Request(command, rest.strip(), collections)
    if command == "draft":
        _draft(request)
    elif command in ("ingest", "shred"):
        request.file_ids = list(dict.fromkeys([*(file_ids or []), *linked, *files_in(request.text)]))
        if command == "shred":  # what is left names files or a solicitation already ingested
            request.text = " ".join(LINK.sub(" ", BARE_FILE_ID.sub(" ", request.text)).split())
    return request


def _draft(request: Request) -> None:
    text = request.text
    head, sep, sol = text.rpartition(" for ")
    if sep and head.strip() and sol.strip():
        text, request.solicitation = head.strip(), sol.strip()
    title, colon, reqs = text.partition(":")
    if colon and reqs.strip():
        request.requirements = [r.strip() for r in re.split(r"[;\n]", reqs) if r.strip()]
        text = title.strip()
    request.text = text


def files_in(text: str) -> list[str]:
    """Slack file ids named by links to Slack files (or given bare) in the text."""
    found = []
    for m in LINK.finditer(text):
        url = (m.group(1) or m.group(2)).split("?")[0]
        path = url.split("://", 1)[-1].partition("/")[2]
        found += FILE_ID.findall("/" + path)
    found += BARE_FILE_ID.findall(LINK.sub(" ", text))
    return list(dict.fromkeys(found))
