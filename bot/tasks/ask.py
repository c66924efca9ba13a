"""A cited answer posted in Slack and recorded for feedback and follow-ups."""

from __future__ import annotations

import logging

from bot.blocks import answer_blocks
from bot.conversation import Conversation
from core.answer import Answerer
from core.feedback import AnswerRecord, FeedbackStore, new_answer_id

log = logging.getLogger(__name__)


class Ask:
    def __init__(self, answerer: Answerer, feedback: FeedbackStore, extractive: bool | None = None):
        self.answerer = answerer
        self.feedback = feedback
        self.extractive = extractive

    def __call__(self, conv: Conversation, question: str, collections: list[str], show_asker: bool) -> str:
        history = self.feedback.history(conv.channel, conv.thread_ts) if conv.thread_ts else []
        answer = self.answerer.answer(question, collections, history=history, extractive=self.extractive)
        answer_id = new_answer_id()
        text, blocks = answer_blocks(answer, answer_id, conv.user if show_asker else None, collections)
        ts = conv.post(text, blocks)
        self.feedback.record_answer(
            AnswerRecord.from_answer(
                answer,
                answer_id=answer_id,
                user=conv.user,
                channel=conv.channel,
                thread_ts=conv.thread_ts,
                message_ts=ts,
                history=history,
                collections=collections,
            )
        )
        log.info(
            "answered %s in %s (%s, %d sources)", answer_id, conv.channel, answer.mode, len(answer.sources)
        )
        return answer_id
