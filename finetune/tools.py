"""llama.cpp's Hugging Face -> GGUF converter, taken from the llama-cpp-python source archive.

The converter (convert_hf_to_gguf.py, its `conversion` package and the `gguf-py` it was written
against) is not ours, so it is never committed: it is fetched from PyPI with pip at setup or at the
first export, for the same llama-cpp-python version that is installed (so the GGUF it writes is one
the embedded llama.cpp reads), and kept under `data_dir/tools/llama.cpp`. PyPI's `gguf` package is
older than this converter and is not used for conversion.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path

from core.errors import UserFacingError
from core.settings import Settings

log = logging.getLogger(__name__)

PACKAGE = "llama-cpp-python"
WANTED = ("convert_hf_to_gguf.py", "conversion/", "gguf-py/", "LICENSE")


def tools_dir(settings: Settings) -> Path:
    return settings.data_dir / "tools" / "llama.cpp"


def installed_version() -> str:
    try:
        return metadata.version("llama_cpp_python")
    except metadata.PackageNotFoundError as exc:
        raise UserFacingError("llama-cpp-python is not installed (see README)") from exc


def converter(settings: Settings) -> Path | None:
    """The converter script if it is in place for the installed llama-cpp-python, else None."""
    root = tools_dir(settings)
    stamp = root / "VERSION"
    if stamp.exists() and stamp.read_text().strip() == installed_version() and (root / WANTED[0]).exists():
        return root / WANTED[0]
    return None


def download_sdist(version: str, dest: Path) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        f"{PACKAGE}=={version}",
        "-d",
        str(dest),
    ]
    log.info("fetching %s==%s source archive for its GGUF converter", PACKAGE, version)
    done = subprocess.run(cmd, capture_output=True, text=True)
    archives = sorted(dest.glob("llama_cpp_python-*.tar.gz"))
    if done.returncode != 0 or not archives:
        raise UserFacingError(
            f"could not fetch the {PACKAGE}=={version} source archive from PyPI for the GGUF converter:\n"
            f"{done.stderr.strip()[-800:]}\nDownload it elsewhere and run: python -m finetune tools --sdist FILE"
        )
    return archives[0]


def install(settings: Settings, sdist: Path | None = None) -> Path:
    """Put the converter in place (no-op when it already is); returns the script's path."""
    found = converter(settings)
    if found is not None and sdist is None:
        return found
    version = installed_version()
    root = tools_dir(settings)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        archive = Path(sdist) if sdist else download_sdist(version, tmp)
        staging = tmp / "llama.cpp"
        with tarfile.open(archive) as tar:
            prefix = f"{tar.getnames()[0].split('/')[0]}/vendor/llama.cpp/"
            members = []
            for member in tar.getmembers():
                if member.name.startswith(prefix) and member.name[len(prefix) :].startswith(WANTED):
                    member.name = member.name[len(prefix) :]
                    members.append(member)
            if not any(m.name == WANTED[0] for m in members):
                raise UserFacingError(f"{archive}: no vendor/llama.cpp/{WANTED[0]} inside")
            tar.extractall(staging, members=members, filter="data")
        (staging / "VERSION").write_text(version + "\n")
        root.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(root, ignore_errors=True)
        shutil.move(str(staging), root)
    log.info("GGUF converter for llama.cpp %s in %s", version, root)
    return root / WANTED[0]


def convert(settings: Settings, hf_dir: Path, out: Path, outtype: str) -> Path:
    """Run convert_hf_to_gguf.py on a Hugging Face folder; `outtype` f16, bf16, f32 or q8_0."""
    script = install(settings)
    root = script.parent
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / "gguf-py"), str(root)]))
    env.setdefault("HF_HUB_OFFLINE", "1")
    cmd = [sys.executable, str(script), str(hf_dir), "--outtype", outtype, "--outfile", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0 or not out.exists():
        raise UserFacingError(f"GGUF conversion ({outtype}) failed:\n{done.stderr.strip()[-1500:]}")
    return out
