"""Files shared in Slack into a collection: look each up with files.info, download it with the bot
token, index it, and say per file what happened (indexed, unchanged, or why not).

A file is fetched only for a conversation that files.info lists it in (`bot/file_access.py`), files
attached to the very message being answered included: the bot can read files the asker's
conversation cannot, and what it fetches here is indexed into, and quoted in, this conversation."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import httpx
from slack_sdk.errors import SlackApiError

from bot.blocks import escape
from bot.conversation import Conversation
from bot.file_access import shared_in
from core.errors import UserFacingError
from core.indexing import FileResult, FileStatus, Indexer
from core.store import Store

log = logging.getLogger(__name__)


class IngestFiles:
    def __init__(
        self,
        indexer: Indexer,
        store: Store,
        files_dir: Path,
        http: httpx.Client,
        max_bytes: int | None = None,
    ):
        self.indexer = indexer
        self.store = store
        self.files_dir = Path(files_dir)
        self.http = http
        self.max_bytes = max_bytes
        self._lock = threading.Lock()  # the indexer takes one file at a time

    def __call__(self, conv: Conversation, file_ids: list[str], collection: str) -> list[FileResult]:
        results = []
        for file_id in file_ids:
            try:
                path, name = self.download(conv, file_id)
            except UserFacingError as exc:
                results.append(FileResult(file_id, FileStatus.FAILED, reason=str(exc)))
                continue
            with self._lock:
                result = self.indexer.index_file(
                    path, collection, display=name, tags={"source": "slack", "slack_file": file_id}
                )
            results.append(result)
        if any(r.chunks and r.status in (FileStatus.NEW, FileStatus.CHANGED) for r in results):
            with self._lock:
                self.store.optimize(collection)
        conv.post(summary(results, collection))
        return results

    def download(self, conv: Conversation, file_id: str) -> tuple[Path, str]:
        return self.fetch(conv, file_id, self.lookup(conv, file_id))

    def lookup(self, conv: Conversation, file_id: str) -> dict:
        """files.info's `file`, if the file is shared in the asking conversation (else UserFacingError)."""
        try:
            info = conv.client.files_info(file=file_id)["file"]
        except SlackApiError as exc:
            error = exc.response.get("error", "error")
            raise UserFacingError(
                f"Slack would not give me file {file_id} ({error}); share it in a channel "
                "I'm in, and check the app has the files:read scope"
            ) from exc
        if not shared_in(info, conv.channel):
            log.warning("refused file %s to %s in %s: not shared there", file_id, conv.user, conv.channel)
            raise UserFacingError(
                f"File {file_id} is not shared in this conversation, so I did not fetch it: "
                "share it here first, then ask again."
            )
        return info

    def fetch(self, conv: Conversation, file_id: str, info: dict) -> tuple[Path, str]:
        """Download a file `lookup` allowed, into files_dir (never half-written)."""
        name = safe_name(info.get("name") or info.get("title") or "", file_id)
        size = int(info.get("size") or 0)
        if self.max_bytes and size > self.max_bytes:
            raise UserFacingError(
                f"{name}: {size / 2**20:.1f} MB is over the {self.max_bytes / 2**20:.0f} MB limit"
            )
        url = info.get("url_private_download") or info.get("url_private")
        if not url:
            raise UserFacingError(
                f"{name}: Slack gave no download link for it (an external or deleted file?)"
            )
        target = self.files_dir / file_id / name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        try:
            self._fetch(url, conv.client.token, name, partial)
        except httpx.HTTPError as exc:
            partial.unlink(missing_ok=True)
            raise UserFacingError(f"{name}: download failed ({exc.__class__.__name__})") from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(target)
        return target, name

    def _fetch(self, url: str, token: str | None, name: str, partial: Path) -> None:
        with self.http.stream(
            "GET", url, headers={"Authorization": f"Bearer {token}"}, follow_redirects=True
        ) as response:
            if response.status_code != 200:
                raise UserFacingError(f"{name}: download failed (HTTP {response.status_code})")
            kind = response.headers.get("content-type", "")
            if kind.startswith("text/html") and not name.lower().endswith((".html", ".htm")):
                raise UserFacingError(
                    f"{name}: Slack sent a sign-in page instead of the file; "
                    "the app needs the files:read scope"
                )
            written = 0
            with partial.open("wb") as f:
                for block in response.iter_bytes():
                    written += len(block)
                    if self.max_bytes and written > self.max_bytes:
                        raise UserFacingError(
                            f"{name}: larger than the {self.max_bytes / 2**20:.0f} MB limit"
                        )
                    f.write(block)


def safe_name(name: str, fallback: str) -> str:
    """A file name that stays inside its folder."""
    name = re.sub(r"[^\w.\- ]", "_", Path(name.replace("\\", "/")).name).strip(". ")
    return name or fallback


def summary(results: list[FileResult], collection: str) -> str:
    lines = []
    for r in results:
        name = escape(r.path)
        if r.status in (FileStatus.NEW, FileStatus.CHANGED):
            lines.append(
                f":white_check_mark: *{name}*: {r.chunks} passages indexed into `{escape(collection)}`"
                + (" (replacing the earlier version)" if r.status == FileStatus.CHANGED else "")
            )
        elif r.status == FileStatus.UNCHANGED:
            lines.append(f":white_check_mark: *{name}*: already indexed in `{escape(collection)}`, unchanged")
        else:
            lines.append(f":x: *{name}*: not indexed: {escape(r.reason or r.status)}")
    return "\n".join(lines) or "No files to ingest."
