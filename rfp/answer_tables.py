"""The answer benchmark's tables: per question set, one row per figure and one column per way of
answering (side by side), then the same figures by the mode each answer came out in."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def _f(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


ROWS: list[tuple[str, object]] = [
    (
        "questions (answerable / unanswerable)",
        lambda s: f"{s['n']} ({s['answerable']} / {s['unanswerable']})",
    ),
    ("answered (answerable, not declined)", lambda s: str(s["answered"])),
    (
        "key-fact agreement (questions with key facts)",
        lambda s: f"{_f(s['key_fact_agreement'])} ({s['with_key_facts']})",
    ),
    ("all key facts stated", lambda s: _f(s["all_key_facts"])),
    ("reference words in the answer", lambda s: _f(s["word_recall"])),
    ("citation support (claims)", lambda s: f"{_f(s['citation_support'])} ({s['claims']})"),
    (
        "invented sources: in answers / in raw output",
        lambda s: f"{s['invented_citations']} / {s['raw_invented_citations']}",
    ),
    (
        "wrong but confident (share of answered)",
        lambda s: f"{s['wrong_confident']} ({_f(s['wrong_confident_share'])})",
    ),
    ("unanswerable declined", lambda s: _f(s["unanswerable_declined"])),
    ("answerable wrongly declined", lambda s: _f(s["wrongly_declined"])),
    ("decline accuracy", lambda s: _f(s["decline_accuracy"])),
    ("leaks (cited the reference's own document)", lambda s: str(s["leaks"])),
    ("context document retrieved", lambda s: _f(s["context_hit"])),
    (
        "seconds: median / p95 / total",
        lambda s: f"{_s(s['seconds_median'])} / {_s(s['seconds_p95'])} / {_s(s['seconds_total'])}",
    ),
    ("errors", lambda s: str(s["errors"])),
]


def render(console: Console, summary: dict, models: dict[str, str | None]) -> None:
    for name, columns in summary["by_set"].items():
        table = Table(title=f"answers: {name}")
        table.add_column("")
        for col in columns:
            model = models.get(col)
            table.add_column(f"{col}\n{model}" if model else col, justify="right")
        for label, cell in ROWS:
            table.add_row(label, *(cell(figures) for figures in columns.values()))  # type: ignore[operator]
        console.print(table)
        modes = Table(title=f"{name}: by answer mode")
        for head in (
            "column",
            "mode",
            "n",
            "key-fact agreement",
            "citation support",
            "wrong but confident",
            "median s",
        ):
            modes.add_column(head, justify="left" if head in ("column", "mode") else "right")
        for col, by_mode in summary["by_mode"][name].items():
            for mode, s in by_mode.items():
                modes.add_row(
                    col,
                    mode,
                    str(s["n"]),
                    _f(s["key_fact_agreement"]),
                    _f(s["citation_support"]),
                    str(s["wrong_confident"]),
                    _s(s["seconds_median"]),
                )
        console.print(modes)
