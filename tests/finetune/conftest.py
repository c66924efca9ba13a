"""Shared, session-scoped pieces: one data folder, the base model dequantized once, a tiny model of
another size, a real ingested collection, and the GGUF converter fetched once per machine."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from core.settings import Settings
from finetune import config as cfg

SFT_SEQ_LEN = 512  # the bot's prompt (rules, five sources, question) and an answer fit
TOOLS_CACHE = Path(os.environ.get("RFP_TEST_TOOLS_CACHE", Path.home() / ".cache" / "rfp-tests"))

DOCS = {
    "doc-pws": (
        "rfp/cloudgov/PWS.md",
        [
            "The contractor shall provide operations, maintenance and improvement of the cloud.gov platform.",
            "Work is performed remotely; the period of performance is one base year and four option years.",
            "All deliverables are due in the agency's repository within five business days of the sprint end.",
        ],
        {},
    ),
    "doc-qasp": (
        "rfp/cloudgov/QASP.md",
        [
            "The Quality Assurance Surveillance Plan defines how the government monitors performance.",
            "Acceptable quality levels are measured each sprint against the performance standards.",
        ],
        {},
    ),
    "doc-rfq": (
        "rfp/searchgov/RFQ.md",
        [
            "Quotes are due by 2:00 PM Eastern on the closing date; late quotes will not be considered.",
            "Vendors must hold a GSA Schedule 70 contract under SIN 132-51 to be eligible for award.",
        ],
        {},
    ),
    "doc-old": (
        "rfp/old/withdrawn.md",
        ["EXPIREDSENTINEL This solicitation text was withdrawn and must never be trained on."],
        {"status": "expired"},
    ),
}


def small_config(cls, **overrides):
    """A config that trains two steps on short sequences."""
    values = {
        "max_steps": 2,
        "batch_size": 2,
        "max_seq_len": 64,
        "lora_r": 4,
        "lora_alpha": 8,
        "save_steps": 50,
    }
    values.update(overrides)
    names = {f for f in cls.__dataclass_fields__}
    return cfg.load_config(cls, **{k: v for k, v in values.items() if k in names})


@pytest.fixture(scope="session")
def small():
    return small_config


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    data_dir = tmp_path_factory.mktemp("rfp")
    return Settings(data_dir=data_dir, collection="public", store_backend="edge", ollama_host=None)


@pytest.fixture(scope="session")
def base(settings):
    from finetune.base_model import resolve_base

    return resolve_base(settings)


@pytest.fixture(scope="session")
def tokenizer(base):
    from finetune.base_model import load_tokenizer

    return load_tokenizer(base["hf_dir"])


@pytest.fixture(scope="session")
def tiny_model_dir(base, tmp_path_factory) -> Path:
    """SmolLM2's config with 2 layers instead of 30, random weights: a model of another size."""
    from transformers import AutoConfig, AutoModelForCausalLM

    config = AutoConfig.from_pretrained(base["hf_dir"])
    config.num_hidden_layers = 2
    folder = tmp_path_factory.mktemp("tiny-smollm2")
    AutoModelForCausalLM.from_config(config).save_pretrained(folder)
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        if (Path(base["hf_dir"]) / name).exists():
            shutil.copy(Path(base["hf_dir"]) / name, folder / name)
    return folder


@pytest.fixture(scope="session")
def collection(settings):
    """A real edge store holding the DOCS as ingest writes them (one expired document)."""
    from core.embedding import Embedder
    from core.sparse import SparseEncoder
    from core.store.base import PointData
    from core.store.edge import EdgeStore

    store = EdgeStore(settings.qdrant_path)
    texts = [
        (doc_id, path, i, text, tags)
        for doc_id, (path, chunks, tags) in DOCS.items()
        for i, text in enumerate(chunks)
    ]
    dense = Embedder().embed([t[3] for t in texts])
    sparse = SparseEncoder()
    points = []
    for seq, ((doc_id, path, i, text, tags), vector) in enumerate(zip(texts, dense, strict=True)):
        points.append(
            PointData(
                id=f"00000000-0000-0000-0000-{seq:012d}",
                dense=vector,
                sparse=sparse.encode_document(text),
                payload={
                    "text": text,
                    "doc_id": doc_id,
                    "path": path,
                    "title": Path(path).stem,
                    "section": "",
                    "page": 1,
                    "doc_kind": "rfp",
                    "chunk_index": i,
                    "tags": dict(tags),
                    "tag_list": [f"{k}={v}" for k, v in tags.items()],
                    "ingested_at": "2026-01-01T00:00:00+00:00",
                    "seq": 1,  # the version of the document (ingest's counter): one version each
                    "state": "live",
                },
            )
        )
    store.upsert(settings.collection, points)
    store.flush(settings.collection)
    yield store
    store.close()


@pytest.fixture(scope="session")
def converter(settings):
    """llama.cpp's converter, fetched from PyPI once per machine and copied into the test data_dir."""
    from finetune.tools import install, tools_dir

    cached = install(Settings(data_dir=TOOLS_CACHE, ollama_host=None)).parent
    target = tools_dir(settings)
    if not target.exists():
        shutil.copytree(cached, target)
    return install(settings)


@pytest.fixture(scope="session")
def vendor_qa(tmp_path_factory) -> Path:
    """Vendor Q&A lines (the shared data's schema); q3 names a solicitation the collection lacks."""
    src = tmp_path_factory.mktemp("qa") / "vendor_qa.jsonl"
    src.write_text(
        '{"id": "q1", "solicitation": "Cloud.gov Support Services", '
        '"question": "Is the work remote?", "answer": "Yes, work is performed remotely."}\n'
        '{"id": "q2", "solicitation": "Cloud.gov Support Services", '
        '"question": "How long is the period of performance?", "answer": "One base year and four option years."}\n'
        '{"id": "q3", "solicitation": "Login.gov Identity Platform", "rfq_number": "RFQ7777777", '
        '"question": "Is the work remote?", "answer": "No."}\n'
    )
    return src


@pytest.fixture(scope="session")
def answerer(settings, collection, embedder):
    """The bot's Answerer over the session's collection (it never generates here: training lines and
    declines only retrieve)."""
    from core.services import Services

    return Services(settings, embedder=embedder, store=collection).answerer


@pytest.fixture(scope="session")
def sft_file(vendor_qa, answerer, settings) -> Path:
    """SFT lines in the bot's prompt (system rules, retrieved sources, question), plus a plain
    prompt/completion line."""
    from finetune.data import vendor_qa_to_sft

    dst = vendor_qa.with_name("sft.jsonl")
    vendor_qa_to_sft(vendor_qa, dst, answerer, [settings.collection])
    with dst.open("a") as f:
        f.write(
            '{"prompt": "When are quotes due?", "completion": "By 2:00 PM Eastern on the closing date."}\n'
        )
    return dst


@pytest.fixture(scope="session")
def dpo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pref") / "dpo.jsonl"
    path.write_text(
        '{"prompt": "Is the work remote?", "chosen": "Yes, remotely.", "rejected": "I do not know."}\n'
        '{"prompt": "Who monitors performance?", "chosen": "The government, per the QASP.", "rejected": "Nobody."}\n'
    )
    return path


@pytest.fixture(scope="session")
def kto_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pref") / "kto.jsonl"
    path.write_text(
        '{"prompt": "Is the work remote?", "completion": "Yes, remotely.", "label": true}\n'
        '{"prompt": "Is the work remote?", "completion": "No idea.", "label": false}\n'
    )
    return path


@pytest.fixture(scope="session")
def sft_run(settings, base, sft_file):
    from finetune.sft import sft

    return sft(settings, small_config(cfg.SftConfig, max_seq_len=SFT_SEQ_LEN), [sft_file])


@pytest.fixture(scope="session")
def dpo_run(settings, base, dpo_file):
    from finetune.align import align

    return align(settings, small_config(cfg.AlignConfig, max_seq_len=128), dpo_file)


@pytest.fixture(scope="session")
def cpt_run(settings, base, collection):
    from finetune.cpt import cpt

    return cpt(settings, small_config(cfg.CptConfig, heldout_fraction=0.34), collection)
