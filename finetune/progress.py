"""Training progress on the terminal: step, loss, tokens/s and ETA, drawn with rich."""

from __future__ import annotations

import math
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from transformers import TrainerCallback


class RichProgress(TrainerCallback):
    """A Trainer callback that also keeps the numbers the manifest records (losses, tokens/s)."""

    def __init__(self, label: str, console: Console | None = None):
        self.label = label
        self.console = console or Console(stderr=True)
        self.progress: Progress | None = None
        self.task = None
        self.losses: list[float] = []
        self.started = 0.0
        self.first_step = 0
        self.tokens_at_start = 0
        self.tokens = 0
        self.tokens_per_s = 0.0
        self.step_seconds: list[float] = []
        self._step_started = 0.0

    def on_train_begin(self, args, state, control, **kwargs):
        self.started = time.perf_counter()
        self.first_step = state.global_step
        self.tokens_at_start = state.num_input_tokens_seen
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("loss {task.fields[loss]}"),
            TextColumn("{task.fields[tps]} tok/s"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.progress.start()
        self.task = self.progress.add_task(
            self.label, total=state.max_steps, completed=state.global_step, loss="-", tps="-"
        )

    def on_step_begin(self, args, state, control, **kwargs):
        self._step_started = time.perf_counter()

    def on_log(self, args, state, control, logs=None, **kwargs):
        loss = (logs or {}).get("loss")
        if loss is not None:
            self.losses.append(float(loss))
            if self.progress is not None:
                self.progress.update(self.task, loss=f"{float(loss):.4f}")

    def on_step_end(self, args, state, control, **kwargs):
        now = time.perf_counter()
        self.step_seconds.append(now - self._step_started)
        elapsed = now - self.started
        self.tokens = state.num_input_tokens_seen - self.tokens_at_start
        self.tokens_per_s = self.tokens / elapsed if elapsed > 0 else 0.0
        if self.progress is not None:
            self.progress.update(self.task, completed=state.global_step, tps=f"{self.tokens_per_s:,.0f}")

    def on_train_end(self, args, state, control, **kwargs):
        if self.progress is not None:
            self.progress.stop()

    @property
    def final_loss(self) -> float:
        return self.losses[-1] if self.losses else math.nan
