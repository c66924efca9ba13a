# Everything a fresh machine needs, in two commands:
#   make demo   set up, ingest the sample corpus, answer questions with citations
#   make test   set up, lint, check the import contracts, run the tests
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# llama-cpp-python compiles llama.cpp; skipping its tools and examples halves the build (12.7 -> 7.6 min).
LLAMA_CMAKE_ARGS := -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF
DEMO_DATA := .rfp-demo

.PHONY: all setup demo test lint typecheck bench clean

all: lint test

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel
	# torch first and pinned: a looser torch pulls a several-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -c "import core.models, core.embedding; core.models.packaged_chat_gguf(); core.embedding.packaged_model_dir()"
	# The embedding model as ONNX (fp32 for questions, int8 for CPUs without bf16), exported from the
	# packaged safetensors beside the venv, so no command pays for it at first use.
	$(BIN)/python -c "import core.embedding as e; e.onnx_model(e.packaged_model_dir(), e.default_artifacts_dir(), 'int8')"
	# llama.cpp's GGUF converter for `rfp finetune export`, from the llama-cpp-python source archive.
	$(BIN)/python -m finetune tools
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	RFP_DATA_DIR=$(DEMO_DATA) $(BIN)/rfp ingest samples/corpus
	RFP_DATA_DIR=$(DEMO_DATA) $(BIN)/rfp ask "When are quotes for RFQ 2026-0042 due, and how are they delivered?"
	RFP_DATA_DIR=$(DEMO_DATA) $(BIN)/rfp ask --extractive "Which FAR clauses are incorporated by reference?"
	RFP_DATA_DIR=$(DEMO_DATA) $(BIN)/rfp codes "software developer"
	RFP_DATA_DIR=$(DEMO_DATA) $(BIN)/rfp ask "What CMMC level does the Department of Example Services require?"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

typecheck: setup
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/query.py

clean:
	rm -rf $(VENV) $(DEMO_DATA) .pytest_cache .ruff_cache
