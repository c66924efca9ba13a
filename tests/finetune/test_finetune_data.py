"""Data readers, the exclusion filter, the document split and config overrides (no model needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import UserFacingError
from core.prompt import ANSWER_INSTRUCTION, SYSTEM_PROMPT
from core.store import ChunkPayload
from finetune import config as cfg
from finetune.data import (
    Document,
    asked,
    excluded,
    read_preferences,
    read_sft,
    split_documents,
    vendor_qa_to_sft,
)

VENDOR_QA = Path("qa/gsa-tts-rfq-vendor-qa/gsa_tts_rfq_vendor_qa.jsonl")
CLOUDGOV = Path("rfp/gsa-tts-cloudgov-support-services-2019")


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"tag_list": ["status=expired"]}, True),
        ({"tag_list": ["agency=GSA", "status=Withdrawn"]}, True),
        ({"tags": {"status": "withdrawn"}}, True),
        ({"tag_list": ["status=active"], "tags": {"status": "active"}}, False),
        ({"tag_list": ["note=status=expired"]}, False),
        ({}, False),
    ],
)
def test_expired_and_withdrawn_chunks_are_excluded(payload, expected):
    assert excluded(ChunkPayload.from_dict(payload)) is expected


def test_split_is_by_document_and_stable():
    docs = [Document(f"d{i}", f"p{i}", f"text {i}", 3) for i in range(20)]
    train, heldout = split_documents(docs, 0.2, seed=0)
    assert len(heldout) == 4 and len(train) == 16
    assert not {d.doc_id for d in train} & {d.doc_id for d in heldout}
    again = split_documents([*docs, Document("new", "p", "t", 1)], 0.2, seed=0)[1]
    assert {d.doc_id for d in heldout} - {d.doc_id for d in again} <= {d.doc_id for d in heldout}
    assert split_documents(docs[:2], 0.1)[1], "two documents still hold one out"


def test_sft_schemas(tmp_path):
    path = tmp_path / "sft.jsonl"
    path.write_text(
        json.dumps(
            {
                "messages": [
                    {"role": "system", "content": "s"},
                    {"role": "user", "content": "q"},
                    {"role": "assistant", "content": "a"},
                ]
            }
        )
        + "\n"
        + json.dumps({"prompt": "q2", "completion": "a2", "id": 7})
        + "\n"
    )
    examples, entries = read_sft([path])
    assert examples[0]["prompt"][-1] == {"role": "user", "content": "q"}
    assert examples[0]["completion"] == [{"role": "assistant", "content": "a"}]
    assert examples[1]["prompt"] == [{"role": "user", "content": "q2"}]
    assert entries[0]["records"] == 2 and len(entries[0]["sha256"]) == 64


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"messages": [{"role": "user", "content": "q"}]}', "must end with an assistant message"),
        ('{"messages": [{"role": "bot", "content": "q"}]}', r"messages\[0\] needs a role"),
        ('{"prompt": "q"}', "expected 'messages' or 'prompt' and 'completion'"),
        ("not json", "not valid JSON"),
    ],
)
def test_bad_sft_lines_name_the_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"prompt": "q", "completion": "a"}\n' + line + "\n")
    with pytest.raises(UserFacingError, match=rf"bad.jsonl:2: .*{message}"):
        read_sft([path])


def test_preferences_pick_dpo_or_kto_and_refuse_a_mix(tmp_path):
    dpo = tmp_path / "dpo.jsonl"
    dpo.write_text('{"prompt": "q", "chosen": "good", "rejected": "bad"}\n')
    method, rows, _ = read_preferences(dpo)
    assert method == "dpo" and rows[0]["chosen"] == [{"role": "assistant", "content": "good"}]
    kto = tmp_path / "kto.jsonl"
    kto.write_text('{"prompt": "q", "completion": "a", "label": false}\n')
    assert read_preferences(kto)[0] == "kto"
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(dpo.read_text() + kto.read_text())
    with pytest.raises(UserFacingError, match="mixes DPO lines"):
        read_preferences(mixed)
    with pytest.raises(UserFacingError, match="method=kto but the lines are DPO"):
        read_preferences(dpo, "kto")


def test_vendor_qa_lines_carry_the_bot_prompt(sft_file):
    lines = [json.loads(line) for line in sft_file.read_text().splitlines()]
    by_id = {line.get("id"): line for line in lines}
    assert set(by_id) == {"q1", "q2", None}, "q3's solicitation is in no document: declined, no line"
    system, user, assistant = by_id["q1"]["messages"]
    assert system == {"role": "system", "content": SYSTEM_PROMPT}
    assert user["role"] == "user" and user["content"].startswith("Sources:\n\n[1] ")
    assert (
        "rfp/cloudgov/PWS.md, page 1\n<<<\nWork is performed remotely; the period of performance is one "
        "base year and four option years.\n>>>"
    ) in user["content"]
    assert user["content"].endswith(
        "Question: Solicitation: Cloud.gov Support Services\n\nIs the work remote?\n" + ANSWER_INSTRUCTION
    )
    assert "EXPIREDSENTINEL" not in user["content"], "expired documents are never sources"
    assert assistant == {"role": "assistant", "content": "Yes, work is performed remotely."}
    examples, _ = read_sft([sft_file])
    assert examples[0]["prompt"] == by_id["q1"]["messages"][:2]


def test_the_shared_vendor_questions_convert_with_their_solicitation_as_sources(
    data_root, embedder, tmp_path
):
    from tests.conftest import make_services

    services = make_services(tmp_path / "data", embedder)
    services.indexer.index_file(data_root / CLOUDGOV / "RFQ.md", "public", display="RFQ.md")
    src = tmp_path / "cloudgov_qa.jsonl"
    records = [
        json.loads(line)
        for line in (data_root / VENDOR_QA).read_text().splitlines()
        if '"rfq_number": "RFQ1349024"' in line
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in records))
    converted = vendor_qa_to_sft(src, tmp_path / "sft.jsonl", services.answerer, ["public"])
    assert len(records) == 36 and converted.lines + len(converted.declined) == 36
    assert converted.lines >= 30, converted.declined
    examples, _ = read_sft([tmp_path / "sft.jsonl"])
    by_id = {r["id"]: r for r in records}
    for line, example in zip((tmp_path / "sft.jsonl").read_text().splitlines(), examples, strict=True):
        record = by_id[json.loads(line)["id"]]
        question = asked(record)
        prepared = services.answerer.prepare(question, ["public"])
        assert example["prompt"] == services.answerer.messages(question, prepared.sources)
        assert "[1] RFQ.md, " in example["prompt"][1]["content"]
        assert example["completion"][0]["content"] == record["answer"]
    services.close()


def test_config_yaml_then_set_then_arguments(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("learning_rate: 0.001\nmax_steps: 10\ntarget_modules: [q_proj, v_proj]\n")
    conf = cfg.load_config(cfg.CptConfig, path, ["max_steps=20", "keep_checkpoints=yes"], collection="bids")
    assert conf.learning_rate == 0.001 and conf.max_steps == 20 and conf.keep_checkpoints is True
    assert conf.target_modules == ["q_proj", "v_proj"] and conf.collection == "bids"
    assert cfg.load_config(cfg.MergeConfig, sets=["weights=0.7,0.3"]).weights == [0.7, 0.3]


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        (["learnin_rate=1"], "unknown setting 'learnin_rate'"),
        (["max_steps=ten"], "max_steps: expected int"),
        (["max_steps"], "expected key=value"),
        (["keep_checkpoints=maybe"], "expected true or false"),
    ],
)
def test_bad_overrides_say_which(sets, message):
    with pytest.raises(UserFacingError, match=message):
        cfg.load_config(cfg.CptConfig, sets=sets)


def test_every_field_has_help():
    for cls in (
        cfg.CptConfig,
        cfg.SftConfig,
        cfg.AlignConfig,
        cfg.MergeConfig,
        cfg.ExportConfig,
        cfg.EvalConfig,
    ):
        assert all(help_text for _, _, _, help_text in cfg.describe(cls)), cls
