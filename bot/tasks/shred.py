"""`/rfp shred`: a compliance matrix for a solicitation shared in Slack, or for files already ingested
(named by file name or by solicitation number), as an XLSX in the thread with its summary.

Files named are looked up only in the collections the conversation may search; shared files are
downloaded the way `ingest` downloads them, and only when every one of them is shared in the asking
conversation (nothing is fetched otherwise). Amendments are applied in the order given (for a
solicitation number: oldest version first).
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

from bot.blocks import escape
from bot.conversation import Conversation
from bot.tasks.ingest import IngestFiles
from core.errors import UserFacingError
from core.manifest import FileRecord, Manifest
from proposal.model import Matrix
from proposal.shred import shred_files
from proposal.summary import summary_lines
from proposal.writers import write_xlsx

log = logging.getLogger(__name__)
SOLICITATION_KINDS = ("rfp", "amendment", "pws", "qasp")
SUMMARY_LINES = 25


class ShredFiles:
    def __init__(self, downloader: IngestFiles, manifest: Manifest):
        self.downloader = downloader
        self.manifest = manifest

    def __call__(self, conv: Conversation, file_ids: list[str], names: str, collections: list[str]) -> Matrix:
        allowed = [(file_id, self.downloader.lookup(conv, file_id)) for file_id in file_ids]
        files: list[tuple[Path, str]] = [
            self.downloader.fetch(conv, file_id, info) for file_id, info in allowed
        ]
        files += self.ingested(names, collections)
        if not files:
            raise UserFacingError(
                "Nothing to shred: attach the RFP, link a Slack file, or name a file or "
                "solicitation number already ingested here."
            )
        matrix = shred_files(
            [path for path, _ in files], [name for _, name in files], options=self.downloader.indexer.read
        )
        filename = matrix_name(files[0][1])
        lines = summary_lines(matrix)
        shown = lines[:SUMMARY_LINES] + (
            [f"… {len(lines) - SUMMARY_LINES} more lines in the file"] if len(lines) > SUMMARY_LINES else []
        )
        conv.post(
            f"*Compliance matrix* ({len(matrix.rows)} rows) → `{escape(filename)}`\n"
            + "\n".join(escape(line) for line in shown)
        )
        with tempfile.TemporaryDirectory(prefix="rfp-shred-") as tmp:
            path = write_xlsx(matrix, Path(tmp) / filename)
            conv.client.files_upload_v2(
                channel=conv.channel,
                thread_ts=conv.thread_ts,
                file=str(path),
                filename=filename,
                title=f"Compliance matrix: {files[0][1]}",
            )
        return matrix

    def ingested(self, names: str, collections: list[str]) -> list[tuple[Path, str]]:
        """Ingested files named by file name, or all the files of a solicitation number (oldest first)."""
        records = [r for c in collections for r in self.manifest.files(c)]
        found: list[FileRecord] = []
        for token in names.split():
            if re.search(r"\.\w{2,5}$", token):
                matches = [r for r in records if Path(r.path).name.lower() == Path(token).name.lower()]
            else:
                key = re.sub(r"[^A-Z0-9]", "", token.upper())
                matches = sorted(
                    (
                        r
                        for r in records
                        if r.solicitation
                        and re.sub(r"[^A-Z0-9]", "", r.solicitation.upper()) == key
                        and (r.doc_kind or "rfp") in SOLICITATION_KINDS
                    ),
                    key=lambda r: r.recency or "",
                )
            if not matches:
                raise UserFacingError(
                    f"`{token}` is not a file or solicitation ingested in "
                    f"{', '.join(f'`{c}`' for c in collections)}"
                )
            found += [r for r in matches if r not in found]
        out = []
        for record in found:
            path = Path(record.abs_path)
            if not path.is_file():
                raise UserFacingError(
                    f"{record.path} was ingested from {path}, which this machine no longer has; "
                    "share the file again"
                )
            out.append((path, Path(record.path).name))
        return out


def matrix_name(first: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", Path(first).stem).strip("-").lower()
    return f"matrix-{slug[:60] or 'rfp'}.xlsx"
