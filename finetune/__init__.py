"""The fine-tuning line: continued pretraining, SFT, preference alignment, merging, evaluation and
GGUF/Ollama export of a small model on a team's own proposal text. Only `core` is imported."""
