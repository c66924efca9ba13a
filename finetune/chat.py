"""A model loaded with transformers behind core's chat-model contract (`core.chat.ChatModel`), so
evaluation asks a run's weights through the product's own answer path (`core.answer.Answerer`).

Like every backend it sends `safe_messages`: control strings quoted in a source (the tokenizer's
special tokens among them) are neutralized before the chat template is rendered. Greedy decoding at
temperature 0, with llama.cpp's repeat penalty (the embedded backend's setting).
"""

from __future__ import annotations

from collections.abc import Iterator

from core.chat.base import GenerationStats, Message, Timer, safe_messages

REPEAT_PENALTY = 1.15  # as core.chat.llamacpp generates


class TransformersChat:
    backend = "transformers"

    def __init__(self, model, tokenizer, version: str, device: str = "cpu"):
        self.model = model
        self.tokenizer = tokenizer
        self._version = version
        self.device = device
        self.control_tokens = [t for t in tokenizer.all_special_tokens if len(t) >= 3 and not t.isspace()]

    @property
    def version(self) -> str:
        return self._version

    def render(self, messages: list[Message]) -> str:
        """The prompt text the model reads: the safe messages in the tokenizer's chat template."""
        return self.tokenizer.apply_chat_template(
            safe_messages(messages, self.control_tokens), tokenize=False, add_generation_prompt=True
        )

    def stream(
        self,
        messages: list[Message],
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        stats: GenerationStats | None = None,
    ) -> Iterator[str]:
        import torch

        timer = Timer(stats)
        inputs = self.tokenizer(self.render(messages), return_tensors="pt", add_special_tokens=False)
        inputs = {k: v.to(self.device) for k, v in inputs.items()}
        sampling = (
            {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
        )
        self.model.eval()
        with torch.inference_mode():
            out = self.model.generate(
                **inputs,
                max_new_tokens=max_tokens,
                repetition_penalty=REPEAT_PENALTY,
                pad_token_id=self.tokenizer.pad_token_id,
                **sampling,
            )
        new = out[0, inputs["input_ids"].shape[1] :]
        text = self.tokenizer.decode(new, skip_special_tokens=True)
        for marker in stop or []:
            text = text.split(marker)[0]
        timer.done()
        timer.stats.prompt_tokens = int(inputs["input_ids"].shape[1])
        timer.stats.completion_tokens = len(new)
        timer.stats.first_token_s = timer.stats.total_s  # the whole answer arrives at once
        if text:
            yield text
