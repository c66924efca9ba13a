"""Versioned artifacts: one folder per run under `models_dir/runs/<version>/` with a `manifest.json`.

The manifest format is documented in docs/finetune.md and read by the model registry; change it only
by adding keys (and bump FORMAT when a key changes meaning). A run is written as `status: running`
first and becomes `complete` only after its files are in place, so a reader never takes a
half-written run for a model.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from core.errors import UserFacingError
from core.settings import Settings

FORMAT = 1
MANIFEST = "manifest.json"
ADAPTER_DIR = "adapter"
CHECKPOINT_DIR = "checkpoints"
STEPS = ("cpt", "sft", "align", "merge", "export")
LIBRARIES = ("torch", "transformers", "peft", "trl", "accelerate", "datasets", "llama_cpp_python", "gguf")


@dataclass
class Run:
    version: str
    dir: Path
    manifest: dict[str, Any]

    @property
    def step(self) -> str:
        return self.manifest["step"]

    @property
    def complete(self) -> bool:
        return self.manifest.get("status") == "complete"

    @property
    def adapter_dir(self) -> Path:
        return self.dir / ADAPTER_DIR

    @property
    def checkpoint_dir(self) -> Path:
        return self.dir / CHECKPOINT_DIR


def runs_dir(settings: Settings) -> Path:
    return settings.models_dir / "runs"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_version(step: str) -> str:
    return f"{step}-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def sha256_file(path: Path, h: Any = None) -> str:
    digest = h or hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_files(paths: Iterable[Path]) -> str:
    """One digest over several files, in the order given (callers sort)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        sha256_file(path, digest)
    return digest.hexdigest()


def sha256_texts(texts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def write_manifest(run: Run) -> None:
    """Atomic: the old manifest stays whole until the new one is complete."""
    run.dir.mkdir(parents=True, exist_ok=True)
    tmp = run.dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(run.manifest, indent=2, sort_keys=False, default=str) + "\n")
    os.replace(tmp, run.dir / MANIFEST)


def new_run(
    settings: Settings,
    step: str,
    *,
    base: dict[str, Any],
    data: list[dict[str, Any]],
    config: dict[str, Any],
    parent: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Run:
    version = new_version(step)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": version,
        "step": step,
        "status": "running",
        "created_at": now_iso(),
        "finished_at": None,
        "parent": parent,
        "base_model": base,
        "data": data,
        "config": config,
        "metrics": {},
        "files": {},
        "libraries": library_versions(),
    }
    manifest.update(extra or {})
    run = Run(version, runs_dir(settings) / version, manifest)
    write_manifest(run)
    return run


def finish(run: Run, metrics: dict[str, Any], files: dict[str, str]) -> Run:
    run.manifest["metrics"].update(metrics)
    run.manifest["files"].update(files)
    run.manifest["status"] = "complete"
    run.manifest["finished_at"] = now_iso()
    write_manifest(run)
    return run


def read_run(path: Path) -> Run:
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise UserFacingError(f"{path}: no {MANIFEST}; not a fine-tuning run") from exc
    except json.JSONDecodeError as exc:
        raise UserFacingError(f"{path / MANIFEST}: not valid JSON ({exc})") from exc
    return Run(manifest["version"], path, manifest)


def load_run(settings: Settings, version: str, complete: bool = True) -> Run:
    path = runs_dir(settings) / version
    if not (path / MANIFEST).exists():
        known = ", ".join(r.version for r in list_runs(settings)[-5:]) or "none yet"
        raise UserFacingError(f"no run '{version}' under {runs_dir(settings)} (latest: {known})")
    run = read_run(path)
    if complete and not run.complete:
        raise UserFacingError(f"run {version} did not complete; resume it with --resume or start again")
    return run


def list_runs(settings: Settings, step: str | None = None) -> list[Run]:
    root = runs_dir(settings)
    if not root.exists():
        return []
    runs = [read_run(p) for p in root.iterdir() if (p / MANIFEST).exists()]
    runs = [r for r in runs if step is None or r.step == step]
    return sorted(runs, key=lambda r: (r.manifest["created_at"], r.version))


def latest_unfinished(settings: Settings, step: str) -> Run:
    pending = [r for r in list_runs(settings, step) if not r.complete]
    if not pending:
        raise UserFacingError(f"no unfinished {step} run to resume under {runs_dir(settings)}")
    return pending[-1]


def lineage(settings: Settings, version: str) -> list[Run]:
    """The runs from the one nearest the base model down to `version`, in training order."""
    chain: list[Run] = []
    seen: set[str] = set()
    current: str | None = version
    while current is not None:
        if current in seen:
            raise UserFacingError(f"run {version}: its parents form a loop at {current}")
        seen.add(current)
        run = load_run(settings, current)
        chain.append(run)
        current = run.manifest.get("parent")
    return list(reversed(chain))
