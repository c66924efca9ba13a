# The project image: the bot, the ingest watcher and the trainer run this same image with different
# commands (see compose.yaml).
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake git curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    RFP_DATA_DIR=/data \
    CMAKE_ARGS="-DLLAVA_BUILD=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF -DGGML_NATIVE=OFF"

# CPU torch, pinned (a looser torch pulls a multi-GB CUDA build). For a GPU trainer image, build with
# --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cu128
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
RUN pip install --index-url ${TORCH_INDEX} torch==2.13.0

COPY pyproject.toml README.md ./
COPY core ./core
COPY proposal ./proposal
COPY ingest ./ingest
COPY bot ./bot
COPY finetune ./finetune
COPY rfp ./rfp
COPY samples ./samples
COPY slack_manifest.yaml access.example.yaml ./
RUN pip install '.[server]' \
 && python -c "import core.embedding as e; e.onnx_model(e.packaged_model_dir(), e.default_artifacts_dir(), 'int8')"

VOLUME ["/data"]
EXPOSE 3000
CMD ["python", "-m", "bot", "--port", "3000"]
