"""A cited draft section: in the thread as a message when it fits, else as a DOCX plus a summary."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from bot.blocks import draft_blocks, draft_fits, draft_summary
from bot.conversation import Conversation
from core.answer import Answerer
from core.feedback import AnswerRecord, FeedbackStore, new_answer_id
from proposal.drafting import Draft, draft_section

MESSAGE_CHARS = 3500  # more than this reads as a document, not a message


def docx_name(draft: Draft) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{draft.title} {draft.solicitation or ''}").strip("-").lower()
    return f"draft-{slug[:60] or 'section'}.docx"


class MakeDraft:
    def __init__(
        self,
        answerer: Answerer,
        feedback: FeedbackStore,
        extractive: bool | None = None,
        max_chars: int = MESSAGE_CHARS,
    ):
        self.answerer = answerer
        self.feedback = feedback
        self.extractive = extractive
        self.max_chars = max_chars

    def __call__(
        self,
        conv: Conversation,
        title: str,
        collections: list[str],
        solicitation: str | None,
        requirements: list[str],
        show_asker: bool,
    ) -> Draft:
        draft = draft_section(
            self.answerer,
            title,
            collections,
            solicitation=solicitation,
            requirements=requirements or None,
            extractive=self.extractive,
        )
        asker = conv.user if show_asker else None
        if draft_fits(draft, self.max_chars):
            text, blocks = draft_blocks(draft, asker)
            ts = conv.post(text, blocks)
        else:
            filename = docx_name(draft)
            text, blocks = draft_summary(draft, filename, asker)
            ts = conv.post(text, blocks)
            with tempfile.TemporaryDirectory(prefix="rfp-draft-") as tmp:
                path = draft.to_docx(Path(tmp) / filename)
                conv.client.files_upload_v2(
                    channel=conv.channel,
                    thread_ts=conv.thread_ts,
                    file=str(path),
                    filename=filename,
                    title=f"Draft: {draft.title}",
                )
        self.feedback.record_answer(
            AnswerRecord(
                new_answer_id(),
                f"Draft: {title}",
                draft.markdown(),
                "draft",
                [],
                conv.user,
                conv.channel,
                conv.thread_ts,
                ts,
                collections=collections,
                kind="draft",
            )
        )
        return draft
