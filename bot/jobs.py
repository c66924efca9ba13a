"""The bot's slow work (retrieval, generation, drafting, ingest) runs here, never in a Slack ack.

A few worker threads take jobs in order from an unbounded queue, so a burst of requests waits its
turn instead of being dropped. A job that fails is never silent: a `UserFacingError` is shown as-is
(escaped, as it may quote what the person typed); anything else is logged with its stack under an
error id and the person gets a one-line apology quoting that id.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from bot.blocks import escape
from core.errors import UserFacingError, new_error_id

log = logging.getLogger(__name__)


def apology(error_id: str) -> str:
    return (
        f":warning: Sorry, something went wrong on my side (error id `{error_id}`). "
        "Please try again; if it keeps happening, send that id to whoever runs this bot."
    )


class Jobs:
    def __init__(self, workers: int = 2):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rfp-job")
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self.workers = workers
        self.queued = self.running = self.done = self.failed = 0

    def submit(self, name: str, work: Callable[[], None], fail: Callable[[str], None]) -> Future:
        """Run `work` on a worker; on an error call `fail` with the line to show the person."""
        with self._lock:
            self.queued += 1
        return self._pool.submit(self._run, name, work, fail)

    def _run(self, name: str, work: Callable[[], None], fail: Callable[[str], None]) -> None:
        with self._lock:
            self.queued -= 1
            self.running += 1
        ok = False
        try:
            work()
            ok = True
        except UserFacingError as exc:
            log.info("%s: %s", name, exc)
            self._tell(name, fail, f":warning: {escape(str(exc))}")
        except Exception:
            error_id = new_error_id()
            log.exception("%s failed: error %s", name, error_id)
            self._tell(name, fail, apology(error_id))
        finally:
            with self._lock:
                self.running -= 1
                self.done += 1
                self.failed += 0 if ok else 1
                self._idle.notify_all()

    @staticmethod
    def _tell(name: str, fail: Callable[[str], None], line: str) -> None:
        try:
            fail(line)
        except Exception:
            log.exception("%s: could not tell the person what went wrong (%s)", name, line)

    @property
    def pending(self) -> int:
        """Jobs waiting or running."""
        with self._lock:
            return self.queued + self.running

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "workers": self.workers,
                "queued": self.queued,
                "running": self.running,
                "done": self.done,
                "failed": self.failed,
            }

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or running; False if `timeout` seconds passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self.queued + self.running == 0, timeout)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
