"""The embedding paths: which one a CPU gets, and that the ONNX ones (exported here from the packaged
safetensors, offline) give the same vectors as float32 torch, within what each path was accepted at."""

from __future__ import annotations

import numpy as np
import pytest

from core.cpu import cpu_info
from core.embedding import Embedder, resolve_backend

TEXTS = [
    "52.204-21 Basic Safeguarding of Covered Contractor Information Systems.",
    "The technical volume shall not exceed 20 pages, excluding resumes and the cover letter.",
    "Software Developers 15-1252: research, design, and develop computer and network software.",
    "Help desk is open from 8AM to 8PM Eastern Standard Time, Monday through Friday, excluding federal holidays.",
    "CLIN 0001 Agile development services, time and materials, base period of 12 months.",
]


@pytest.fixture(scope="module")
def reference():
    return Embedder(backend="torch-fp32").embed(TEXTS)


@pytest.mark.parametrize(("backend", "min_cosine"), [("onnx-fp32", 0.9999), ("onnx-int8", 0.97)])
def test_onnx_paths_match_float32_torch(backend, min_cosine, reference):
    vectors = Embedder(backend=backend).embed(TEXTS)
    cosine = (vectors * reference).sum(axis=1)
    assert cosine.min() >= min_cosine, cosine
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_a_question_finds_its_passage_on_the_int8_path():
    embedder = Embedder(backend="onnx-int8")
    passages = embedder.embed(TEXTS)
    query = embedder.embed_query("what is the page limit for the technical volume?")
    assert int(np.argmax(passages @ query)) == 1


def test_the_path_follows_the_cpu_and_the_settings():
    assert resolve_backend("auto", "auto", bf16=True) == "torch-bf16"
    assert resolve_backend("auto", "auto", bf16=False) == "onnx-int8"
    assert resolve_backend("auto", "float32", bf16=True) == "onnx-int8", (
        "float32 stands for a CPU without bf16"
    )
    assert resolve_backend("auto", "bfloat16", bf16=False) == "torch-bf16"
    assert resolve_backend("torch-fp32", "bfloat16", bf16=True) == "torch-fp32", "the backend setting wins"
    with pytest.raises(ValueError, match="unknown embedding backend"):
        resolve_backend("cuda", "auto")


def test_cpu_features_come_from_cpuinfo(tmp_path):
    path = tmp_path / "cpuinfo"
    path.write_text(
        "processor\t: 0\nmodel name\t: AMD EPYC 7B12\nflags\t\t: fpu sse avx avx2 fma\n\n"
        "processor\t: 1\nmodel name\t: AMD EPYC 7B12\nflags\t\t: fpu sse avx avx2 fma\n"
    )
    info = cpu_info(path)
    assert info.model == "AMD EPYC 7B12" and not info.native_bf16
    assert "avx2 fma" in info.describe()
    path.write_text("model name\t: Intel Xeon\nflags\t\t: avx2 avx512f avx512_bf16 amx_bf16\n")
    assert cpu_info(path).native_bf16


def test_batches_are_cut_where_padding_would_grow_and_vectors_do_not_depend_on_them():
    embedder = Embedder(backend="onnx-fp32", batch_size=4, tight=True)
    order = np.arange(9)
    lengths = [10, 10, 10, 10, 10, 11, 40, 41, 120]
    batches = [list(b) for b in embedder._batches(lengths, order)]
    assert batches == [[0, 1, 2, 3], [4, 5], [6, 7], [8]], "full batches of equals; a jump in length cuts"
    bulk = Embedder(backend="onnx-fp32", batch_size=4)
    assert [list(b) for b in bulk._batches(lengths, order)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8]]
    texts = ["Quotes are due March 3.", *TEXTS, "A much longer sentence " * 12]
    together = embedder.embed(texts)
    alone = np.stack([embedder.embed([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-5)
