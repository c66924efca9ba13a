"""Logging set-up, called once by each entry point (never at import time)."""

from __future__ import annotations

import logging
import os
import warnings


def configure(verbose: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S"
    )
    quiet_libraries()
    if not verbose:
        logging.getLogger().setLevel(logging.WARNING)
        logging.getLogger("core").setLevel(logging.INFO)


def quiet_libraries() -> None:
    """Third-party chatter that says nothing a user can act on."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    for name in ("pypdf", "httpx", "urllib3", "transformers", "fontTools", "slack_bolt.App"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="pypdf")
