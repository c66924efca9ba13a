"""What each request does, split in two: `plan` decides at once (inside Slack's 3 seconds) what to
say now and what slow work to queue; the work then runs on a `Jobs` worker.

Access is checked here, once, for every kind of request: the collections a request searches are
those its conversation may search (`Access`), narrowed by `in:NAME`, never widened; a button or form
about an answer gets that answer only in the conversation it was given in (`answer_here`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from bot.access import Access
from bot.blocks import escape, help_text
from bot.conversation import Conversation
from bot.dedupe import Claims
from bot.jobs import Jobs
from bot.parsing import Request
from bot.tasks.ask import Ask
from bot.tasks.codes import LookupCodes
from bot.tasks.draft import MakeDraft
from bot.tasks.ingest import IngestFiles
from bot.tasks.shred import ShredFiles
from core.errors import UserFacingError
from core.feedback import AnswerRecord, FeedbackStore

log = logging.getLogger(__name__)


@dataclass
class Plan:
    reply: str  # shown at once: "working on it", or the whole reply (help, usage, refusal)
    work: Callable[[], object] | None = None  # the slow part
    name: str = ""


@dataclass
class Tasks:
    access: Access
    jobs: Jobs
    feedback: FeedbackStore
    ask: Ask
    draft: MakeDraft
    codes: LookupCodes
    ingest: IngestFiles
    claims: Claims  # requests already acted on (Slack's retries, replays)
    command: str = "/rfp"
    shred: ShredFiles | None = None  # default: shares the ingest task's downloads and manifest

    def __post_init__(self) -> None:
        if self.shred is None:
            self.shred = ShredFiles(self.ingest, self.ingest.indexer.manifest)

    def plan(
        self,
        request: Request,
        conv: Conversation,
        show_asker: bool = False,
        thread_collections: list[str] | None = None,
    ) -> Plan:
        allowed = self.access.collections(conv.channel, conv.user)
        if thread_collections:  # a follow-up searches what its thread searched, if still allowed
            allowed = [c for c in thread_collections if c in allowed] or allowed
        forbidden = [c for c in request.collections if c not in allowed]
        if forbidden:
            place = "this conversation" if conv.is_dm else "this channel"
            return Plan(
                f":no_entry: {place.capitalize()} may not search {', '.join(f'`{c}`' for c in forbidden)}. "
                f"It may search: {', '.join(f'`{c}`' for c in allowed)}. "
                "Whoever runs the bot can change this in the access file."
            )
        collections = request.collections or allowed
        text = request.text
        if request.command == "help":
            return Plan(help_text(self.command, allowed))
        if request.command == "ingest":
            return self._plan_ingest(request, conv, collections)
        if request.command == "shred":
            if not request.file_ids and not text:
                return Plan(
                    f"Usage: `{self.command} shred` with the RFP attached, a Slack file link, or the file "
                    "name or solicitation number of files already ingested (amendments after the RFP)"
                )
            what = f"{len(request.file_ids)} shared file(s)" if request.file_ids else f"*{escape(text)}*"
            return Plan(
                self._working(f"Shredding {what}"),
                partial(self.shred, conv, request.file_ids, text, collections),
                "shred",
            )
        if not text:
            what = {"ask": "QUESTION", "draft": "SECTION [for SOLICITATION]", "codes": "QUERY"}[
                request.command
            ]
            return Plan(f"Usage: `{self.command} {request.command} {what}` (`{self.command} help` for more)")
        if request.command == "ask":
            return Plan(
                self._working("Looking that up"),
                partial(self.ask, conv, text, collections, show_asker),
                "ask",
            )
        if request.command == "draft":
            work = partial(
                self.draft, conv, text, collections, request.solicitation, request.requirements, show_asker
            )
            return Plan(self._working(f"Drafting *{escape(text)}*"), work, "draft")
        return Plan(
            self._working("Looking up codes"),
            partial(self.codes, conv, text, collections, show_asker),
            "codes",
        )

    def answer_here(self, answer_id: str, channel: str | None, user: str | None = None) -> AnswerRecord:
        """The answer `answer_id`, if it was given in `channel`, the conversation a click or form came
        from; a button or form carrying another conversation's answer id gets nothing of it."""
        record = self.feedback.answer(answer_id)
        if not channel or record.channel != channel:
            log.warning(
                "refused answer %s (given in %s) to %s from %s", answer_id, record.channel, user, channel
            )
            raise UserFacingError(
                "That answer was given in another conversation, so I can't show it or take "
                "feedback on it here."
            )
        return record

    def _plan_ingest(self, request: Request, conv: Conversation, collections: list[str]) -> Plan:
        if len(request.collections) > 1:
            return Plan("Ingest into one collection at a time: give one `in:NAME`.")
        if not request.file_ids:
            return Plan(
                f"Give a link to a Slack file (`{self.command} ingest https://…slack.com/files/…`), "
                "or mention me with `ingest` and attach the files."
            )
        target = collections[0]
        work = partial(self.ingest, conv, request.file_ids, target)
        return Plan(
            self._working(f"Ingesting {len(request.file_ids)} file(s) into `{target}`"), work, "ingest"
        )

    def _working(self, what: str) -> str:
        ahead = self.jobs.pending
        return f":hourglass_flowing_sand: {what}… working on it" + (
            f" ({ahead} request{'s' if ahead != 1 else ''} ahead of yours)" if ahead else ""
        )

    def start_in_thread(
        self, request: Request, conv: Conversation, thread_collections: list[str] | None = None
    ) -> None:
        """For mentions and thread replies: a "working on it" placeholder in the thread, which the
        answer then replaces; or the whole reply at once."""
        plan = self.plan(request, conv, thread_collections=thread_collections)
        if plan.work is None:
            conv.post(plan.reply)
            return
        placeholder = conv.client.chat_postMessage(
            channel=conv.channel, thread_ts=conv.thread_ts, text=plan.reply
        )
        conv.placeholder_ts = placeholder["ts"]
        self.submit(plan, conv)

    def submit(self, plan: Plan, conv: Conversation) -> None:
        assert plan.work is not None
        self.jobs.submit(f"{plan.name} in {conv.channel}", plan.work, conv.fail)
