"""The parts of a cited answer, each in its own module; `core.answer.Answerer` puts them together.

- `records`: Answer, Source, Claim and the answer modes;
- `words`: content words and numbers, what support and coverage compare;
- `coverage`: whether the passages found can answer the question at all (else decline);
- `sanitize`: removing text that addresses an AI, and the sentences that may be quoted;
- `excerpts`: the part of a passage most about the question, within a token budget;
- `claims`: checking each sentence of a generated answer against the sources it cites;
- `extractive`: an answer made of quoted sentences.

The prompt itself is `core.prompt`.
"""
