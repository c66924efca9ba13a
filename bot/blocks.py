"""Block Kit for what the bot posts: answers with sources and feedback buttons, drafts, code-table
rows, help, and the "suggest a better answer" modal. Pure functions of their inputs.

Everything taken from documents or people is escaped (&, <, >), so a passage can't ping @channel
or hide a link. Limits respected: a section holds 3,000 characters, a message 50 blocks.
"""

from __future__ import annotations

import json
from typing import Any

from core.answer import Answer
from core.prompt import Citation, cited_numbers
from core.retrieval import Hit
from proposal.drafting import Draft

SECTION_CHARS = 3000
SNIPPET_CHARS = 280
HELPFUL, NOT_HELPFUL, SUGGEST = "feedback_helpful", "feedback_not_helpful", "feedback_suggest"
SUGGEST_VIEW, SUGGEST_BLOCK, SUGGEST_INPUT = "suggest_answer", "suggestion", "text"
MODE_LABEL = {
    "generated": "Answer",
    "extractive": "Answer (quoted from the sources)",
    "declined": "Not covered by the documents",
}


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rstrip() + "…"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def sections(text: str) -> list[dict[str, Any]]:
    """Long text as several sections (split at line or word breaks), never cut."""
    out = []
    while len(text) > SECTION_CHARS:
        cut = text.rfind("\n", 0, SECTION_CHARS)
        if cut < SECTION_CHARS // 2:
            cut = text.rfind(" ", 0, SECTION_CHARS)
        if cut <= 0:
            cut = SECTION_CHARS
        out.append(section(text[:cut]))
        text = text[cut:].lstrip()
    if text:
        out.append(section(text))
    return out


def context(*texts: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in texts[:10]]}


def where(citation: Citation) -> str:
    """The citation label in mrkdwn: the file in bold, then page(s) and section."""
    return " · ".join([f"*{escape(citation.path)}*", *(escape(d) for d in citation.details())])


def supported(answer: Answer) -> bool:
    """Whether a retrieved source backs the answer: not declined, and it cites a source it was given."""
    numbers = {s.n for s in answer.sources}
    return answer.mode != "declined" and any(n in numbers for n in cited_numbers(answer.text))


# --- answers -------------------------------------------------------------------------------------------


def answer_blocks(
    answer: Answer, answer_id: str, asked_by: str | None = None, collections: list[str] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """(fallback text, blocks) for an answer: text with [n] markers, sources, feedback buttons."""
    blocks: list[dict[str, Any]] = []
    if asked_by:
        blocks.append(context(f"<@{asked_by}> asked: {escape(snippet(answer.question, 500))}"))
    blocks += sections(f"*{MODE_LABEL.get(answer.mode, 'Answer')}:* {escape(answer.text)}")
    if answer.declined:
        blocks.append(
            section(
                ":warning: *No source supports an answer to this.* Nothing was made up; "
                + (
                    "the closest passages are below for you to check."
                    if answer.sources
                    else "nothing close was found in the documents this conversation can search."
                )
            )
        )
    elif not supported(answer):
        blocks.append(
            section(
                ":warning: *No source supports this answer*: it cites none of the passages "
                "below, so check it before relying on it."
            )
        )
    if answer.notes and not answer.declined:
        blocks.append(context(*[f":information_source: {escape(n)}" for n in answer.notes]))
    if answer.sources:
        blocks.append({"type": "divider"})
        blocks.append(section("*Sources*" if supported(answer) else "*Closest passages*"))
        for s in answer.sources:
            flag = "  _(instruction-like text removed)_" if s.sanitized else ""
            blocks.append(section(f"*[{s.n}]* {where(s.hit.citation)}{flag}\n> {escape(snippet(s.excerpt))}"))
    blocks.append(
        {
            "type": "actions",
            "block_id": "feedback",
            "elements": [
                _button("Helpful", HELPFUL, answer_id, "primary"),
                _button("Not helpful", NOT_HELPFUL, answer_id, "danger"),
                _button("Suggest a better answer", SUGGEST, answer_id),
            ],
        }
    )
    footer = [f"Searched: {escape(', '.join(collections))}"] if collections else []
    if answer.model_version:  # also when its prose was replaced by quotes: it was consulted
        footer.append(f"Model: {escape(answer.model_version)}")
    footer.append("Reply in this thread to ask a follow-up.")
    blocks.append(context(*footer))
    return f"{MODE_LABEL.get(answer.mode, 'Answer')}: {escape(answer.text)}", blocks


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


# --- drafts --------------------------------------------------------------------------------------------


def draft_title(draft: Draft) -> str:
    return draft.title + (f" ({draft.solicitation})" if draft.solicitation else "")


def draft_blocks(draft: Draft, asked_by: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    blocks: list[dict[str, Any]] = []
    if asked_by:
        blocks.append(context(f"Draft requested by <@{asked_by}>"))
    blocks.append(
        {"type": "header", "text": {"type": "plain_text", "text": snippet(draft_title(draft), 150)}}
    )
    for p in draft.paragraphs:
        blocks += sections(escape(p.text))
    if not draft.paragraphs:
        blocks.append(
            section(":warning: *No source supports any part of this section*, so nothing was drafted.")
        )
    if draft.gaps:
        blocks.append(
            section(
                "*Gaps (not supported by the documents)*\n" + "\n".join(f"• {escape(g)}" for g in draft.gaps)
            )
        )
    if draft.sources:
        blocks.append({"type": "divider"})
        lines = [f"*[{s.n}]* {where(s.citation)}" for s in draft.sources]
        blocks += sections("*Sources*\n" + "\n".join(lines))
    return f"Draft: {escape(draft_title(draft))}", blocks


def draft_fits(draft: Draft, max_chars: int) -> bool:
    _, blocks = draft_blocks(draft)
    size = sum(len(b.get("text", {}).get("text", "")) for b in blocks)
    return size <= max_chars and len(blocks) <= 45


def draft_summary(
    draft: Draft, filename: str, asked_by: str | None = None
) -> tuple[str, list[dict[str, Any]]]:
    words = sum(len(p.text.split()) for p in draft.paragraphs)
    blocks: list[dict[str, Any]] = []
    if asked_by:
        blocks.append(context(f"Draft requested by <@{asked_by}>"))
    blocks.append(
        {"type": "header", "text": {"type": "plain_text", "text": snippet(draft_title(draft), 150)}}
    )
    blocks.append(
        section(
            f"The draft is longer than one Slack message, so the whole of it is in *{escape(filename)}* in this "
            f"thread: {len(draft.paragraphs)} cited paragraph(s), {words} words, {len(draft.sources)} source(s)."
        )
    )
    if draft.paragraphs:
        blocks.append(section(f"*Opening:* {escape(snippet(draft.paragraphs[0].text, 600))}"))
    if draft.gaps:
        blocks.append(
            section(
                "*Gaps (not supported by the documents)*\n"
                + "\n".join(f"• {escape(snippet(g, 200))}" for g in draft.gaps[:20])
                + (f"\n…and {len(draft.gaps) - 20} more in the file" if len(draft.gaps) > 20 else "")
            )
        )
    return f"Draft: {escape(draft_title(draft))} (attached as {escape(filename)})", blocks


# --- codes ---------------------------------------------------------------------------------------------

MAX_FIELDS = 8


def codes_blocks(
    query: str, hits: list[Hit], asked_by: str | None = None
) -> tuple[str, list[dict[str, Any]]]:
    blocks: list[dict[str, Any]] = []
    if asked_by:
        blocks.append(context(f"<@{asked_by}> looked up: {escape(snippet(query, 300))}"))
    if not hits:
        blocks.append(
            section(
                f":mag: No code-table rows match *{escape(snippet(query, 200))}* in the collections "
                "this conversation can search. Ingest the SOC, OPM, GSA CALC or OASIS tables first."
            )
        )
        return f"No code-table rows match {escape(query)}", blocks
    blocks.append(section(f"*Code-table rows for* _{escape(snippet(query, 200))}_"))
    for i, hit in enumerate(hits, start=1):
        fields = list(hit.fields.items())
        shown = [f"*{escape(str(k))}:* {escape(snippet(str(v), 200))}" for k, v in fields[:MAX_FIELDS]]
        more = (
            f"\n_…{len(fields) - MAX_FIELDS} more column(s) in the file_" if len(fields) > MAX_FIELDS else ""
        )
        blocks.append(section(f"*[{i}]* {where(Citation(hit.path, hit.page))}\n" + " · ".join(shown) + more))
    return f"{len(hits)} code-table row(s) for {escape(query)}", blocks


# --- help and the modal --------------------------------------------------------------------------------


def help_text(command: str, collections: list[str]) -> str:
    return "\n".join(
        [
            "*RFP Copilot* answers from your team's RFPs, proposals and code tables, citing file, page and section.",
            f"• `{command} ask QUESTION`: a cited answer (also: mention me, or message me directly)",
            f"• `{command} draft SECTION [for SOLICITATION]`: a cited draft section "
            f"(`{command} draft Title: requirement one; requirement two` drafts each requirement)",
            f"• `{command} codes QUERY`: SOC, OPM series, GSA CALC rates, OASIS labor categories",
            f"• `{command} shred` with an RFP attached (or a Slack file link, or the file name or solicitation number "
            "of files already ingested; amendments after the RFP): a compliance matrix as XLSX",
            f"• `{command} ingest URL` (a Slack file link), or mention me with `ingest` and attach files",
            "• Add `in:NAME` to search (or ingest into) one of this conversation's collections.",
            f"Here you can search: {', '.join(f'`{c}`' for c in collections)}. "
            "Reply in an answer's thread for a follow-up; use the buttons under an answer to tell me how I did.",
        ]
    )


def suggestion_modal(
    answer_id: str, question: str, answer: str, channel: str, thread_ts: str | None
) -> dict[str, Any]:
    meta = json.dumps({"answer_id": answer_id, "channel": channel, "thread_ts": thread_ts})
    return {
        "type": "modal",
        "callback_id": SUGGEST_VIEW,
        "private_metadata": meta,
        "title": {"type": "plain_text", "text": "Suggest an answer"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f"*Question:* {escape(snippet(question, 1000))}"),
            section(f"*My answer:* {escape(snippet(answer, 1500))}"),
            {
                "type": "input",
                "block_id": SUGGEST_BLOCK,
                "label": {"type": "plain_text", "text": "A better answer"},
                "hint": {
                    "type": "plain_text",
                    "text": "Cite the source numbers like [1] where you can. "
                    "Your answer is used to improve the model.",
                },
                "element": {
                    "type": "plain_text_input",
                    "action_id": SUGGEST_INPUT,
                    "multiline": True,
                    "min_length": 2,
                    "max_length": 3000,
                },
            },
        ],
    }
