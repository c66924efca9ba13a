"""The model registry: every exported model version with its manifest, and one `current` pointer.

Lives in `<data_dir>/models/registry.json`, rewritten atomically (temp file + rename), so a reader
never sees half a file. The bot and `rfp ask` re-read it when its modification time changes, which is
how a promotion or a rollback reaches a running process without a restart.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.errors import UserFacingError


@dataclass
class ModelEntry:
    version: str
    path: str  # folder holding manifest.json and the GGUF
    gguf: str  # file name of the GGUF the embedded backend loads
    created_at: str
    manifest: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    ollama_model: str | None = None

    @property
    def gguf_path(self) -> Path:
        return Path(self.path) / self.gguf


class Registry:
    def __init__(self, models_dir: Path):
        self.dir = Path(models_dir)
        self.file = self.dir / "registry.json"
        self._lock = threading.Lock()

    # --- reading -----------------------------------------------------------------------------------
    def _read(self) -> dict[str, Any]:
        if not self.file.exists():
            return {"current": None, "history": [], "models": {}}
        try:
            return json.loads(self.file.read_text())
        except json.JSONDecodeError as exc:
            raise UserFacingError(f"{self.file}: not valid JSON ({exc}); restore it from a backup") from exc

    def stamp(self) -> float:
        """Changes whenever the registry is rewritten (for hot reload)."""
        try:
            return self.file.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def entries(self) -> list[ModelEntry]:
        data = self._read()
        return [ModelEntry(**m) for m in sorted(data["models"].values(), key=lambda m: m["created_at"])]

    def get(self, version: str) -> ModelEntry | None:
        m = self._read()["models"].get(version)
        return ModelEntry(**m) if m else None

    def current(self) -> ModelEntry | None:
        data = self._read()
        version = data.get("current")
        return ModelEntry(**data["models"][version]) if version in data["models"] else None

    def history(self) -> list[str]:
        return list(self._read().get("history", []))

    # --- writing -----------------------------------------------------------------------------------
    def _write(self, data: dict[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".registry-", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.file)

    def register(self, entry: ModelEntry) -> ModelEntry:
        if not entry.gguf_path.exists():
            raise UserFacingError(f"cannot register {entry.version}: {entry.gguf_path} does not exist")
        with self._lock:
            data = self._read()
            data["models"][entry.version] = asdict(entry)
            self._write(data)
        return entry

    def promote(self, version: str, reason: str = "") -> ModelEntry:
        with self._lock:
            data = self._read()
            if version not in data["models"]:
                known = ", ".join(data["models"]) or "none"
                raise UserFacingError(f"no model version '{version}' (registered: {known})")
            if data.get("current") and data["current"] != version:
                data["history"].append(data["current"])
            data["current"] = version
            data.setdefault("log", []).append(
                {
                    "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "promote": version,
                    "reason": reason,
                }
            )
            self._write(data)
            return ModelEntry(**data["models"][version])

    def rollback(self) -> ModelEntry | None:
        """Back to the version that was current before; with no earlier version, back to the
        packaged base model (returns None)."""
        with self._lock:
            data = self._read()
            previous = data["history"].pop() if data["history"] else None
            data["current"] = previous
            data.setdefault("log", []).append(
                {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "rollback_to": previous}
            )
            self._write(data)
            return ModelEntry(**data["models"][previous]) if previous else None
