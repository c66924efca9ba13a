"""The prompt a model is evaluated on is the prompt the bot sends: byte for byte, for the same question
and the same sources. Both paths talk to one local server that speaks Ollama's chat API (generating
with the real base model in-process), and what reached it is compared; then the evaluation's default
in-process path records the same messages."""

from __future__ import annotations

import json

import pytest

from core.chat.base import safe_messages
from core.chat.ollama import OllamaChat
from core.retrieval import Retriever
from core.services import Services
from finetune import config as cfg
from finetune.base_model import load_version
from finetune.chat import TransformersChat
from finetune.evaluate import run_eval
from tests.protocol_servers import OllamaServer

ANSWERED = ["Is the work remote?", "When are quotes due?"]
DECLINED = "What CMMC level do we need for controlled unclassified information?"


@pytest.fixture(scope="module")
def server(settings, base, tokenizer):
    model = load_version(settings, None, base)
    with OllamaServer(TransformersChat(model, tokenizer, "base"), name="rfp-copilot") as server:
        yield server


def chat_requests(server, question: str) -> list[str]:
    """The messages of every chat request for `question`, serialized as they were received."""
    return [
        json.dumps(r["body"]["messages"])
        for r in server.requests
        if r["path"] == "/api/chat" and f"Question: {question}\n" in r["body"]["messages"][-1]["content"]
    ]


def test_evaluation_sends_the_bot_prompt_byte_for_byte(
    settings, collection, embedder, cpt_run, server, tmp_path
):
    # The bot: its Services and Answerer as `rfp bot` builds them, on the same store, answering with
    # the chat model served over Ollama's API (a fresh data folder: no registry entry renames it).
    bot_settings = settings.model_copy(
        update={
            "data_dir": tmp_path / "bot",
            "chat_backend": "ollama",
            "ollama_host": server.url,
            "chat_model": "rfp-copilot",
            "extractive": False,
            "max_new_tokens": 16,
        }
    )
    services = Services(bot_settings, embedder=embedder, store=collection)
    bot_answers = {
        q: services.answerer.answer(q, [settings.collection], history=[], extractive=None)
        for q in [*ANSWERED, DECLINED]
    }
    assert all(bot_answers[q].prompt for q in ANSWERED) and bot_answers[DECLINED].declined
    sent_by_bot = {q: chat_requests(server, q) for q in [*ANSWERED, DECLINED]}
    assert all(len(sent_by_bot[q]) == 1 for q in ANSWERED) and not sent_by_bot[DECLINED]

    # Evaluation, its two models served by the same server: the same requests reach it.
    qa = tmp_path / "qa.jsonl"
    qa.write_text("".join(json.dumps({"question": q, "answer": "-"}) + "\n" for q in [*ANSWERED, DECLINED]))
    conf = cfg.load_config(cfg.EvalConfig, max_new_tokens=8, qa_limit=0)
    retriever = Retriever(collection, embedder)
    served = run_eval(
        settings,
        conf,
        cpt_run.version,
        qa_path=qa,
        retriever=retriever,
        chat_for=lambda name, model: OllamaChat(server.url, "rfp-copilot"),
    )
    assert len(served) == 2
    for q in ANSWERED:
        received = chat_requests(server, q)
        assert len(received) == 3, "the bot's request, then one per evaluated model"
        assert received[1] == received[0] and received[2] == received[0], q
    assert not chat_requests(server, DECLINED), "a declined question is never put to a model"

    # The default path, in-process transformers: each model is sent what the bot sent.
    results = run_eval(settings, conf, cpt_run.version, qa_path=qa, retriever=retriever)
    for name, metrics in results.items():
        for answer in metrics["answers"]:
            q = answer["question"]
            assert answer["prompt"] == bot_answers[q].prompt, (name, q)
            if q in ANSWERED:
                assert json.dumps(safe_messages(answer["prompt"])) == sent_by_bot[q][0], (name, q)
            else:
                assert answer["mode"] == "declined" and not answer["prompt"]
