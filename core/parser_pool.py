"""Work done in spawned processes a window ahead of the caller, results in order, where a process
that dies costs only the item it was working on.

concurrent.futures gives up on the whole pool when one of its processes dies (killed by the
kernel's OOM killer, a crash in a C library): every pending item then raises BrokenProcessPool, and
with several workers it cannot say which item killed it. Here the first item of the window is then
retried alone in a fresh process: if that process dies too, the item gets `failed(item, reason)`;
if not, its result is used. The other items go on in a new pool. Any other exception from an item
(raised in the worker or while sending its result back) also becomes its `failed` result.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)

R = TypeVar("R")
DIED = "the parser process died while reading it (killed, out of memory, or crashed)"


class ParserPool:
    """`helper`: one more process that takes a waiting item only while the caller waits for the
    next result (its core would be idle), so it does not compete with the caller the rest of the time."""

    def __init__(
        self,
        workers: int,
        initializer: Callable[..., None],
        initargs: tuple,
        ahead: int,
        helper: bool = False,
    ):
        self.workers = workers
        self.initializer = initializer
        self.initargs = initargs
        self.ahead = max(1, ahead)
        self.helper = helper

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")  # never fork a process that runs torch threads
        return ProcessPoolExecutor(
            workers, mp_context=context, initializer=self.initializer, initargs=self.initargs
        )

    def map(
        self, fn: Callable[..., R], items: Iterable[tuple], failed: Callable[[tuple, str], R]
    ) -> Iterator[R]:
        """fn(*item) for each item, in order."""
        pending = iter(items)
        window: deque[tuple[tuple, Future]] = deque()
        pool: ProcessPoolExecutor | None = None
        helper: ProcessPoolExecutor | None = None
        helping: Future | None = None  # the helper's current item
        try:
            while True:
                if pool is None:
                    pool = self._pool(self.workers)
                    # Items the broken pool did not finish go to the new one (the helper's go on).
                    window = deque(
                        (item, f if _succeeded(f) or _lent_alive(f) else _submit(pool, fn, item))
                        for item, f in window
                    )
                while len(window) < self.ahead:
                    item = next(pending, None)
                    if item is None:
                        break
                    window.append((item, _submit(pool, fn, item)))
                if not window:
                    return
                item, future = window[0]
                while self.helper and not future.done():
                    # The caller waits: the helper takes the next item no process has started.
                    if helping is None or helping.done():
                        helper, helping = self._lend(window, fn, pool, helper)
                    if helping is None:
                        break
                    wait([future, helping], return_when=FIRST_COMPLETED)
                window.popleft()
                try:
                    result = future.result()
                except BrokenProcessPool:
                    log.warning("a parser process died on or near %s; retrying it alone", item[0])
                    if getattr(future, "lent", False):  # the helper died: the other pool goes on
                        if helper is not None:
                            helper.shutdown(wait=True, cancel_futures=True)
                        helper, helping = None, None
                    else:
                        pool.shutdown(wait=True, cancel_futures=True)  # settles every future of the dead pool
                        pool = None
                    result = self._alone(fn, item, failed)
                except Exception as exc:
                    log.warning("parsing %s failed in its worker process", item[0], exc_info=True)
                    result = failed(item, _describe(exc))
                yield result
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            if helper is not None:
                helper.shutdown(wait=True, cancel_futures=True)

    def _lend(
        self,
        window: deque[tuple[tuple, Future]],
        fn: Callable[..., Any],
        pool: ProcessPoolExecutor,
        helper: ProcessPoolExecutor | None,
    ) -> tuple[ProcessPoolExecutor | None, Future | None]:
        """Move the first item of the window that no process has started to the helper (started on
        first use); (helper, its future), or (helper, None) when there is none to move. A helper that
        has died is shut down, and the item goes back to the pool."""
        for i in range(1, len(window)):
            item, queued = window[i]
            if not queued.cancel():
                continue
            if helper is None:
                helper = self._pool(1)
            lent = _submit(helper, fn, item)
            if lent.done() and _broken(lent):
                helper.shutdown(wait=True, cancel_futures=True)
                window[i] = (item, _submit(pool, fn, item))
                return None, None
            lent.lent = True  # type: ignore[attr-defined]  # which pool a broken future came from
            window[i] = (item, lent)
            return helper, lent
        return helper, None

    def _alone(self, fn: Callable[..., R], item: tuple, failed: Callable[[tuple, str], R]) -> R:
        """The item in a process of its own: if that one dies too, the item is what kills it."""
        solo = self._pool(1)
        try:
            return solo.submit(fn, *item).result()
        except BrokenProcessPool:
            log.error("%s: the parser process died reading it, twice", item[0])
            return failed(item, DIED)
        except Exception as exc:
            log.warning("parsing %s failed in its worker process", item[0], exc_info=True)
            return failed(item, _describe(exc))
        finally:
            solo.shutdown(wait=True, cancel_futures=True)


def _submit(pool: ProcessPoolExecutor, fn: Callable[..., Any], item: tuple) -> Future:
    """A future for fn(*item); one holding BrokenProcessPool when the pool has already broken."""
    try:
        return pool.submit(fn, *item)
    except BrokenProcessPool as exc:
        future: Future = Future()
        future.set_exception(exc)
        return future


def _lent_alive(future: Future) -> bool:
    return getattr(future, "lent", False) and not (future.done() and _broken(future))


def _broken(future: Future) -> bool:
    return not future.cancelled() and isinstance(future.exception(), BrokenProcessPool)


def _succeeded(future: Future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _describe(exc: Any) -> str:
    if isinstance(exc, MemoryError):
        return "ran out of memory reading it"
    detail = " ".join(str(exc).split())[:200]
    return f"the parser process failed ({type(exc).__name__}: {detail})"
