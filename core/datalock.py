"""One process at a time in a data folder whose Qdrant store runs in-process.

Qdrant's embedded engines lock their own files (qdrant-edge's write-ahead log, qdrant-client's local
folder), but only when a collection is first touched, and with an error no person can act on: a
second `rfp ingest` parsed and embedded for minutes, then died on "WAL WouldBlock". This lock is
taken when the store is opened, so the second process stops at once and is told which process
holds the folder.

The lock is `DATA_DIR/lock`, held with flock() for as long as the store is open. The kernel drops it
when the process ends, however it ends (kill -9, a crash, the OOM killer), so a stale lock is never
left behind. What the file holds (pid, command line, start time) is only for the message.

Readers do not share it: qdrant-edge's write-ahead log lock is exclusive even for a process that
only searches, so two `rfp search` at once could not both open a collection anyway.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import logging
import os
import shlex
import sys
import time
from pathlib import Path
from typing import IO

from core.errors import UserFacingError

log = logging.getLogger(__name__)


def command_line() -> str:
    """This process's command as a person would type it: `rfp bot`, `python -m bot --port 3000`."""
    argv = list(sys.argv) or ["python"]
    first = Path(argv[0])
    if first.name == "__main__.py":
        package = first.parent.name
        head = ["rfp"] if package == "rfp" else ["python", "-m", package]
    else:
        head = [first.name]
    text = shlex.join([*head, *argv[1:]])
    return text if len(text) <= 300 else text[:299] + "…"


class DataFolderLock:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / "lock"
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> None:
        """Hold the folder, or raise UserFacingError naming the process that holds it."""
        if self._file is not None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        # Kept open while held (the open descriptor is the lock); "a+" does not wipe the holder's details.
        file = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(file)
            file.close()
            raise UserFacingError(self._refusal(holder)) from None
        except OSError as exc:
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                file.close()
                raise
            log.warning("%s: this filesystem cannot lock files; nothing stops a second process", self.folder)
        file.seek(0)
        file.truncate()
        json.dump(
            {
                "pid": os.getpid(),
                "command": command_line(),
                "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            },
            file,
        )
        file.flush()
        self._file = file

    def release(self) -> None:
        if self._file is None:
            return
        self._file.seek(0)
        self._file.truncate()
        self._file.close()  # closing the descriptor releases the flock
        self._file = None

    def _refusal(self, holder: dict) -> str:
        if holder.get("pid"):
            started = str(holder.get("started", "")).replace("T", " ")
            who = f"`{holder.get('command') or 'another process'}` (pid {holder['pid']}, started {started})"
        else:
            who = "another process"
        return f"the data folder {self.folder} is in use by {who}; stop it or use another --data-dir"


def _holder(file: IO[str]) -> dict:
    """What the holder wrote; it writes just after it locks, so an empty file is read again briefly."""
    for _ in range(10):
        file.seek(0)
        text = file.read()
        if text.strip():
            try:
                return json.loads(text)
            except ValueError:
                pass
        time.sleep(0.02)
    return {}
