"""The answer benchmark (`rfp eval answers`): what people read, scored against reference answers.

- `questions`: question sets (JSONL) with reference answers, and which must be declined;
- `split`: the fixed train / held-back split of a question set, by a hash of each id;
- `facts`: dates, times, money, numbers, identifiers, names and yes/no of a text, normalised;
- `agreement`: key-fact agreement of an answer with its reference, and where they disagree;
- `citations`: whether each cited sentence holds its claim, and invented source numbers;
- `report`: one answer scored, and summaries by question set, column and answer mode;
- `run`: every question through every way of answering, timed.

Nothing here imports a model or the store: the command (`rfp/eval_cli.py`) hands in the answer
functions.
"""
