"""The `rfp` command: one CLI that fronts ingest, retrieval and answers, the bot and fine-tuning."""
