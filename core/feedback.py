"""What people said about the bot's answers, kept durably, and the training lines made from it.

One SQLite file (`settings.feedback_path`) holds:
- answers: every answer the bot posted: the question, the conversation before it, the numbered
  sources exactly as the bot gave them, the answer, the model version, where it was posted, for whom;
- votes: "Helpful" / "Not helpful", one per person per answer (a later click replaces an earlier one);
- suggestions: a better answer written by a person.
(The bot keeps the Slack requests it has acted on in the same file: `bot/dedupe.py`.)
The tables' schema and its history are `core.migrations.FEEDBACK`; opening a file upgrades it, and
rows are read by column name.

A Slack thread holding a bot answer is a conversation: `history()` gives its earlier turns.

`feedback_since(t)` lists what was collected after a time; `finetune.feedback` turns it into
training lines (the `rfp feedback export` command and the continual-adaptation job).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from core import migrations
from core.answer import Answer, AnswerMode, Source
from core.errors import UserFacingError

RecordMode = AnswerMode | Literal["draft"]
HISTORY_ANSWER_CHARS = 1200  # a long earlier turn (a draft) is cut to this in the history given to the model


@dataclass
class SourceRecord:
    """One numbered source as the bot showed it (and as the model saw it)."""

    n: int
    label: str
    excerpt: str
    path: str = ""
    page: int | None = None
    section: str = ""
    collection: str = ""
    sanitized: bool = False

    @classmethod
    def from_source(cls, source: Source) -> SourceRecord:
        hit = source.hit
        return cls(
            source.n,
            source.label,
            source.excerpt,
            hit.path,
            hit.page,
            hit.section,
            hit.collection,
            bool(source.sanitized),
        )


@dataclass
class AnswerRecord:
    id: str
    question: str
    answer: str
    mode: RecordMode
    sources: list[SourceRecord]
    user: str
    channel: str
    thread_ts: str | None = None
    message_ts: str | None = None
    history: list[tuple[str, str]] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    model_version: str | None = None
    kind: str = "answer"
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @classmethod
    def from_answer(
        cls,
        answer: Answer,
        *,
        answer_id: str | None = None,
        user: str,
        channel: str,
        thread_ts: str | None,
        message_ts: str | None,
        history: list[tuple[str, str]],
        collections: list[str],
    ) -> AnswerRecord:
        return cls(
            answer_id or new_answer_id(),
            answer.question,
            answer.text,
            answer.mode,
            [SourceRecord.from_source(s) for s in answer.sources],
            user,
            channel,
            thread_ts,
            message_ts,
            list(history),
            list(collections),
            answer.model_version,
        )


@dataclass
class Feedback:
    """One vote or one suggested answer, with the answer it is about."""

    kind: str  # vote | suggestion
    answer: AnswerRecord
    user: str
    created_at: dt.datetime
    helpful: bool | None = None
    text: str | None = None


def new_answer_id() -> str:
    return uuid.uuid4().hex[:16]


# --- the store ------------------------------------------------------------------------------------------


def _epoch(t: dt.datetime) -> float:
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.timestamp()


def _time(x: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(x, dt.UTC)


class FeedbackStore:
    """Answers, votes and suggestions in one SQLite file; safe to share between threads."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
        migrations.migrate(self._db, "feedback", migrations.FEEDBACK, self.path)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        with self._lock, self._db:
            return self._db.execute(sql, args)

    def _read(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # --- answers and threads ---------------------------------------------------------------------------
    def record_answer(self, record: AnswerRecord) -> str:
        self._write(
            "INSERT INTO answers (id, created_at, kind, question, answer, mode, sources, history, collections, "
            "model_version, user, channel, thread_ts, message_ts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                record.id,
                _epoch(record.created_at),
                record.kind,
                record.question,
                record.answer,
                record.mode,
                json.dumps([asdict(s) for s in record.sources]),
                json.dumps(record.history),
                json.dumps(record.collections),
                record.model_version,
                record.user,
                record.channel,
                record.thread_ts,
                record.message_ts,
            ),
        )
        return record.id

    def answer(self, answer_id: str) -> AnswerRecord:
        rows = self._read("SELECT * FROM answers WHERE id = ?", (answer_id,))
        if not rows:
            raise UserFacingError("I can't find that answer any more, so the feedback was not saved.")
        return self._record(rows[0])

    def thread(self, channel: str, thread_ts: str) -> list[AnswerRecord]:
        """The bot's turns in a Slack thread, oldest first (empty: not a thread the bot answered)."""
        rows = self._read(
            "SELECT * FROM answers WHERE channel = ? AND thread_ts = ? ORDER BY created_at",
            (channel, thread_ts),
        )
        return [self._record(r) for r in rows]

    def history(self, channel: str, thread_ts: str) -> list[tuple[str, str]]:
        """Earlier (question, answer) turns of a thread, as the Answerer takes them."""
        return [(r.question, r.answer[:HISTORY_ANSWER_CHARS]) for r in self.thread(channel, thread_ts)]

    # --- feedback ------------------------------------------------------------------------------------------
    def vote(self, answer_id: str, user: str, helpful: bool, at: dt.datetime | None = None) -> None:
        self.answer(answer_id)  # names a missing answer instead of failing on the foreign key
        self._write(
            "INSERT INTO votes (answer_id, user, helpful, created_at) VALUES (?,?,?,?) "
            "ON CONFLICT(answer_id, user) DO UPDATE SET helpful = excluded.helpful, created_at = excluded.created_at",
            (answer_id, user, int(helpful), _epoch(at or dt.datetime.now(dt.UTC))),
        )

    def suggest(self, answer_id: str, user: str, text: str, at: dt.datetime | None = None) -> None:
        text = text.strip()
        if not text:
            raise UserFacingError("The suggested answer is empty.")
        self.answer(answer_id)
        self._write(
            "INSERT INTO suggestions (answer_id, user, text, created_at) VALUES (?,?,?,?)",
            (answer_id, user, text, _epoch(at or dt.datetime.now(dt.UTC))),
        )

    def feedback_since(
        self,
        since: dt.datetime | None = None,
        kinds: Iterable[str] = ("vote", "suggestion"),
    ) -> list[Feedback]:
        """Votes and suggestions collected strictly after `since` (all when None; a naive time is
        taken as UTC), oldest first, each with the answer it is about."""
        after = _epoch(since) if since is not None else float("-inf")
        kinds = set(kinds)
        items: list[Feedback] = []
        answers: dict[str, AnswerRecord] = {}

        def record(answer_id: str) -> AnswerRecord:
            if answer_id not in answers:
                answers[answer_id] = self.answer(answer_id)
            return answers[answer_id]

        if "vote" in kinds:
            for r in self._read("SELECT * FROM votes WHERE created_at > ? ORDER BY created_at", (after,)):
                items.append(
                    Feedback(
                        "vote",
                        record(r["answer_id"]),
                        r["user"],
                        _time(r["created_at"]),
                        helpful=bool(r["helpful"]),
                    )
                )
        if "suggestion" in kinds:
            for r in self._read(
                "SELECT * FROM suggestions WHERE created_at > ? ORDER BY created_at", (after,)
            ):
                items.append(
                    Feedback(
                        "suggestion",
                        record(r["answer_id"]),
                        r["user"],
                        _time(r["created_at"]),
                        text=r["text"],
                    )
                )
        items.sort(key=lambda f: f.created_at)
        return items

    # --- rows -----------------------------------------------------------------------------------------------
    @staticmethod
    def _record(r: sqlite3.Row) -> AnswerRecord:
        return AnswerRecord(
            id=r["id"],
            question=r["question"],
            answer=r["answer"],
            mode=r["mode"],
            sources=[SourceRecord(**s) for s in json.loads(r["sources"])],
            user=r["user"],
            channel=r["channel"],
            thread_ts=r["thread_ts"],
            message_ts=r["message_ts"],
            history=[(q, a) for q, a in json.loads(r["history"])],
            collections=json.loads(r["collections"]),
            model_version=r["model_version"],
            kind=r["kind"],
            created_at=_time(r["created_at"]),
        )
