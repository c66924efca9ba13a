"""The parser pool's helper: a second process that takes items only while the caller waits, whose
death costs only the item it was reading."""

from __future__ import annotations

import os
import time

from core.parser_pool import DIED, ParserPool


def _start() -> None:
    pass


def _read(name: str, seconds: float) -> tuple[str, int]:
    time.sleep(seconds)
    if name == "dies":
        os._exit(1)  # what the OOM killer or a crash in a C library does to a parser process
    return name, os.getpid()


def test_the_helper_reads_ahead_while_the_caller_waits_and_its_death_costs_one_item():
    pool = ParserPool(1, _start, (), ahead=8, helper=True)
    items = [("slow", 3.0), ("a", 0.0), ("b", 0.0), ("dies", 0.0), ("c", 0.0), ("d", 0.0)]
    results = list(pool.map(_read, items, lambda item, reason: (item[0], reason)))
    assert [name for name, _ in results] == ["slow", "a", "b", "dies", "c", "d"]  # in order
    assert results[3][1] == DIED
    (_, slow), (_, a), (_, b) = results[:3]
    # Which of 'a' and 'b' the helper gets depends on how far the executor had queued them.
    assert {a, b} - {slow}, "the helper read a file while the worker was reading 'slow'"


def test_without_the_helper_one_process_reads_everything():
    pool = ParserPool(1, _start, (), ahead=8)
    results = list(pool.map(_read, [("slow", 1.0), ("a", 0.0), ("b", 0.0)], lambda item, reason: reason))
    assert [name for name, _ in results] == ["slow", "a", "b"]
    assert len({pid for _, pid in results}) == 1
