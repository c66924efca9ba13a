"""Fine-tuning bench: `cpt` throughput against a plain transformers+peft loop, and what a longer CPT
run does to held-out perplexity on the shared RFP text.

    python bench/train.py                       # 8-10 minutes on 2 idle CPU cores
    python bench/train.py --long-steps 0        # throughput only

The RFP text (the .md and .txt files under --rfp) is put into a real edge store as ingest would
(one document per file, paragraph chunks, state=live, no dense vectors: training reads text only),
so `cpt` reads it back through `scroll_all` exactly as in production. Both throughput runs train the
same LoRA on the same 256-token blocks with AdamW, linear decay and gradient clipping, alternately,
and their steady step times are compared (the step seconds are printed too).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from core.settings import Settings
from core.sparse import SparseEncoder
from core.store.base import PointData
from core.store.edge import EdgeStore
from finetune import config as cfg

RFP = Path("/work/shared/data/rfp")


def ingest_text(store: EdgeStore, collection: str, root: Path, chunk_chars: int = 1500) -> int:
    """One document per .md/.txt file, paragraphs packed into chunks of about `chunk_chars`."""
    sparse = SparseEncoder()
    points, seq = [], 0
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".md", ".txt") and p.name != "LICENSE"):
        paragraphs = [p.strip() for p in path.read_text(errors="ignore").split("\n\n") if p.strip()]
        chunks, current = [], ""
        for paragraph in paragraphs:
            if current and len(current) + len(paragraph) > chunk_chars:
                chunks.append(current)
                current = ""
            current = f"{current}\n\n{paragraph}" if current else paragraph
        if current:
            chunks.append(current)
        doc_id = str(path.relative_to(root))
        for i, text in enumerate(chunks):
            payload = {
                "text": text,
                "doc_id": doc_id,
                "path": doc_id,
                "title": path.stem,
                "section": "",
                "page": 0,
                "doc_kind": "rfp",
                "chunk_index": i,
                "tags": {},
                "tag_list": [],
                "ingested_at": "2026-01-01T00:00:00+00:00",
                "seq": seq,
                "state": "live",
            }
            points.append(
                PointData(f"00000000-0000-0000-0000-{seq:012d}", None, sparse.encode_document(text), payload)
            )
            seq += 1
    for start in range(0, len(points), 256):
        store.upsert(collection, points[start : start + 256])
    store.flush(collection)
    return len(points)


def plain_loop(base: dict, blocks: list[list[int]], conf: cfg.CptConfig) -> list[float]:
    """Seconds per step of the textbook loop: same model, LoRA, optimizer, schedule and clipping as cpt."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import get_scheduler

    from finetune.base_model import load_model

    torch.manual_seed(conf.seed)
    model = get_peft_model(
        load_model(base["hf_dir"]),
        LoraConfig(
            r=conf.lora_r,
            lora_alpha=conf.lora_alpha,
            lora_dropout=conf.lora_dropout,
            target_modules="all-linear",
            task_type="CAUSAL_LM",
        ),
    )
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=conf.learning_rate, weight_decay=conf.weight_decay)
    scheduler = get_scheduler("linear", optimizer, num_warmup_steps=0, num_training_steps=conf.max_steps)
    seconds = []
    for step in range(conf.max_steps):
        started = time.perf_counter()
        batch = torch.tensor(blocks[step * conf.batch_size : (step + 1) * conf.batch_size])
        loss = model(input_ids=batch, labels=batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, conf.max_grad_norm)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        seconds.append(time.perf_counter() - started)
    return seconds


def steady_rate(rounds: list[list[float]], tokens_per_step: int) -> float:
    """Tokens/s from the median of the fastest half of the steps (first step of each round left
    out as warm-up). On a shared machine other processes slow some steps down several times over;
    the fastest half is what the loop does when it has the cores, for both loops alike."""
    steps = sorted(x for r in rounds for x in r[1:]) or sorted(x for r in rounds for x in r)
    return tokens_per_step / statistics.median(steps[: max(1, len(steps) // 2)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rfp", type=Path, default=RFP, help="Folder of RFP text (.md, .txt).")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="Settings.data_dir (default: a temp dir)."
    )
    parser.add_argument("--throughput-steps", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=2, help="Alternating throughput rounds.")
    parser.add_argument("--long-steps", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--seq", type=int, default=256)
    parser.add_argument("--heldout-tokens", type=int, default=16384)
    args = parser.parse_args()

    from finetune.base_model import load_model, load_tokenizer, resolve_base
    from finetune.cpt import cpt
    from finetune.data import pack_blocks, read_documents, split_documents
    from finetune.evaluate import perplexity

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="rfp-bench-"))
    settings = Settings(data_dir=data_dir, collection="bench", store_backend="edge", ollama_host=None)
    store = EdgeStore(settings.qdrant_path)
    t0 = time.perf_counter()
    if not store.has_collection("bench"):
        print(f"ingested {ingest_text(store, 'bench', args.rfp)} chunks from {args.rfp}")
    base = resolve_base(settings)
    print(
        f"store + base model ready in {time.perf_counter() - t0:.1f}s ({base['name']} sha256 {base['sha256'][:12]})"
    )

    common = {
        "batch_size": args.batch_size,
        "max_seq_len": args.seq,
        "warmup_ratio": 0.0,
        "lr_scheduler": "linear",
        "save_steps": 10_000,
        "target_modules": ["all-linear"],
    }
    conf = cfg.load_config(cfg.CptConfig, max_steps=args.throughput_steps, **common)
    tokenizer = load_tokenizer(base["hf_dir"])
    docs, _ = read_documents(store, "bench")
    train_docs, heldout = split_documents(docs, conf.heldout_fraction, conf.seed)
    blocks = pack_blocks(tokenizer, [d.text for d in train_docs], args.seq)
    print(
        f"{len(docs)} documents: {len(train_docs)} train ({len(blocks)} blocks of {args.seq}), {len(heldout)} held out"
    )

    # Alternate plain and cpt `--repeats` times; compare their steady step times (see steady_rate).
    plain_rounds, cpt_rounds = [], []
    for _ in range(args.repeats):
        plain_rounds.append(plain_loop(base, blocks, conf))
        cpt_rounds.append(cpt(settings, conf, store).manifest["metrics"]["step_seconds"])
    per_step = args.batch_size * args.seq
    plain, ours = steady_rate(plain_rounds, per_step), steady_rate(cpt_rounds, per_step)
    print(
        f"\nthroughput, {args.repeats} x {args.throughput_steps} steps of {args.batch_size}x{args.seq} tokens (median of the fastest half of the steps):"
    )
    print(f"  plain transformers+peft loop: {plain:8.1f} tokens/s")
    print(f"  finetune cpt (Trainer):       {ours:8.1f} tokens/s")
    print(f"  ratio cpt/plain:              {ours / plain:8.3f}  (target >= 0.95)")
    for name, rounds in (("plain", plain_rounds), ("cpt", cpt_rounds)):
        print(f"  {name} step seconds: " + " | ".join(" ".join(f"{x:.2f}" for x in r) for r in rounds))

    if args.long_steps:
        texts = [d.text for d in heldout]
        before = perplexity(
            load_model(base["hf_dir"]), tokenizer, texts, args.seq, max_tokens=args.heldout_tokens
        )
        long_conf = cfg.load_config(
            cfg.CptConfig, max_steps=args.long_steps, heldout_max_tokens=args.heldout_tokens, **common
        )
        t1 = time.perf_counter()
        long_run = cpt(settings, long_conf, store)  # measures the same held-out windows after training
        m = long_run.manifest["metrics"]
        print(
            f"\nlonger CPT run {long_run.version}: {m['steps']} steps, {m['tokens']} tokens, "
            f"{m['tokens_per_s']:.1f} tokens/s, {time.perf_counter() - t1:.0f}s with the held-out pass, "
            f"first/last batch loss {m['losses'][0]:.3f} / {m['final_loss']:.3f}"
        )
        print(f"  held-out perplexity ({len(heldout)} documents, first {args.heldout_tokens} tokens):")
        print(f"    before: {before:.3f}")
        print(f"    after:  {m['heldout_perplexity']:.3f}")
    store.close()
    print(f"\ntotal {time.perf_counter() - t0:.0f}s; runs under {settings.models_dir / 'runs'}")


if __name__ == "__main__":
    main()
