"""The Ollama Modelfile for an exported model: its chat template, stop tokens and context length.

The template is derived from the tokenizer's own chat template (the one training rendered examples
with) by rendering probe conversations, and written as a Go template that Ollama understands. Before
a Modelfile is written, `verify` renders the Go template with `render_go` (the subset of Go's
text/template this module emits, with Ollama's rule that the Modelfile SYSTEM becomes the first
message when a conversation has none) and compares it with the tokenizer's rendering of several
conversations; any difference stops the export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import UserFacingError

_S, _U, _A = "SYSPROBE7x", "USERPROBE7x", "ASSISTANTPROBE7x"


@dataclass
class ChatFormat:
    wrappers: dict[str, tuple[str, str]]  # role -> (text before content, text after content)
    generation: str  # what add_generation_prompt appends
    default_system: str | None  # the system text the template adds when a conversation has none


def _render(tokenizer, messages: list[dict[str, str]], generation: bool = False) -> str:
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation)


def _split(text: str, probe: str, what: str) -> tuple[str, str]:
    if text.count(probe) != 1:
        raise UserFacingError(f"the chat template's {what} turn cannot be expressed as an Ollama template")
    i = text.index(probe)
    return text[:i], text[i + len(probe) :]


def _after(text: str, prefix: str, what: str) -> str:
    if not text.startswith(prefix):
        raise UserFacingError(
            f"the chat template renders {what} differently by position; no Ollama template fits"
        )
    return text[len(prefix) :]


def chat_format(tokenizer) -> ChatFormat:
    system = [{"role": "system", "content": _S}]
    user = [{"role": "user", "content": _U}]
    assistant = [{"role": "assistant", "content": _A}]
    r_s = _render(tokenizer, system)
    r_su = _render(tokenizer, system + user)
    r_sua = _render(tokenizer, system + user + assistant)
    wrappers = {
        "system": _split(r_s, _S, "system"),
        "user": _split(_after(r_su, r_s, "the user turn"), _U, "user"),
        "assistant": _split(_after(r_sua, r_su, "the assistant turn"), _A, "assistant"),
    }
    generation = _after(_render(tokenizer, system + user, True), r_su, "the generation prompt")
    user_part = "".join(wrappers["user"][0] + _U + wrappers["user"][1])
    only_user = _render(tokenizer, user)
    if not only_user.endswith(user_part):
        raise UserFacingError(
            "the chat template renders a lone user turn differently; no Ollama template fits"
        )
    added = only_user[: -len(user_part)]
    default_system = None
    if added:
        pre, post = wrappers["system"]
        if not (added.startswith(pre) and added.endswith(post)):
            raise UserFacingError(
                "the chat template adds text that is not a system turn; no Ollama template fits"
            )
        default_system = added[len(pre) : len(added) - len(post)]
    return ChatFormat(wrappers, generation, default_system)


def ollama_template(fmt: ChatFormat) -> str:
    """A Go template with no trim markers, so every newline of the wrappers survives."""
    branches = []
    for i, role in enumerate(("system", "user", "assistant")):
        pre, post = fmt.wrappers[role]
        keyword = "if" if i == 0 else "else if"
        branches.append(f'{{{{ {keyword} eq .Role "{role}" }}}}{pre}{{{{ .Content }}}}{post}')
    return "{{ range .Messages }}" + "".join(branches) + "{{ end }}{{ end }}" + fmt.generation


def stop_tokens(tokenizer, fmt: ChatFormat) -> list[str]:
    """EOS, the end-of-turn marker after an answer, and the marker that opens a new user turn."""
    specials = set(tokenizer.all_special_tokens) | {
        t.content
        for t in getattr(tokenizer, "added_tokens_decoder", {}).values()
        if getattr(t, "special", False)
    }
    stops = [tokenizer.eos_token]
    for text in (fmt.wrappers["assistant"][1], fmt.wrappers["user"][0]):
        stops.extend(t for t in specials if t and t in text)
    return list(dict.fromkeys(s for s in stops if s))


def modelfile(gguf_name: str, template: str, stops: list[str], num_ctx: int, system: str | None) -> str:
    if '"""' in template or (system and '"""' in system):
        raise UserFacingError('the chat template contains """ and cannot be written into a Modelfile')
    lines = [f"FROM ./{gguf_name}", f'TEMPLATE """{template}"""']
    if system:
        lines.append(f'SYSTEM """{system}"""')
    lines += [f'PARAMETER stop "{s}"' for s in stops]
    lines.append(f"PARAMETER num_ctx {num_ctx}")
    return "\n".join(lines) + "\n"


def parse_modelfile(text: str) -> dict[str, object]:
    """TEMPLATE, SYSTEM, stops and num_ctx back out of a Modelfile this module wrote."""
    template = re.search(r'^TEMPLATE """(.*?)"""', text, re.S | re.M)
    system = re.search(r'^SYSTEM """(.*?)"""', text, re.S | re.M)
    ctx = re.search(r"^PARAMETER num_ctx (\d+)", text, re.M)
    return {
        "from": re.search(r"^FROM (.+)$", text, re.M).group(1),
        "template": template.group(1) if template else None,
        "system": system.group(1) if system else None,
        "stop": re.findall(r'^PARAMETER stop "(.*)"$', text, re.M),
        "num_ctx": int(ctx.group(1)) if ctx else None,
    }


# --- the Go template subset ------------------------------------------------------------------------------

_ACTION = re.compile(r"\{\{(-?)\s*(.*?)\s*(-?)\}\}", re.S)


def _parse(template: str) -> list:
    """Text and actions -> a nested list: str | ('field', name) | ('range', body) | ('if', [(cond, body)], else)."""
    tokens: list = []
    pos = 0
    for m in _ACTION.finditer(template):
        text = template[pos : m.start()]
        if m.group(1):
            text = text.rstrip()
        if tokens and isinstance(tokens[-1], tuple) and tokens[-1][0] == "trim":
            tokens.pop()
            text = text.lstrip()
        tokens.append(text)
        tokens.append(("act", m.group(2)))
        if m.group(3):
            tokens.append(("trim",))
        pos = m.end()
    tail = template[pos:]
    if tokens and isinstance(tokens[-1], tuple) and tokens[-1][0] == "trim":
        tokens.pop()
        tail = tail.lstrip()
    tokens.append(tail)
    body, rest = _block(tokens, 0)
    if rest != len(tokens):
        raise ValueError("unbalanced {{ end }}")
    return body


def _block(tokens: list, i: int) -> tuple[list, int]:
    out: list = []
    while i < len(tokens):
        tok = tokens[i]
        if isinstance(tok, str):
            out.append(tok)
            i += 1
            continue
        action = tok[1]
        if action == "end" or action == "else" or action.startswith("else if "):
            return out, i
        if action == "range .Messages":
            body, i = _block(tokens, i + 1)
            if tokens[i][1] != "end":
                raise ValueError("range without end")
            out.append(("range", body))
            i += 1
        elif action.startswith("if "):
            branches, otherwise = [], []
            cond = action[3:]
            while True:
                body, i = _block(tokens, i + 1)
                branches.append((cond, body))
                nxt = tokens[i][1]
                if nxt.startswith("else if "):
                    cond = nxt[8:]
                    continue
                if nxt == "else":
                    otherwise, i = _block(tokens, i + 1)
                if tokens[i][1] != "end":
                    raise ValueError("if without end")
                i += 1
                break
            out.append(("if", branches, otherwise))
        elif action in (".Content", ".Role"):
            out.append(("field", action[1:]))
            i += 1
        else:
            raise ValueError(f"unsupported action {{{{ {action} }}}}")
    return out, i


def _true(cond: str, message: dict[str, str]) -> bool:
    m = re.fullmatch(r'eq \.Role "([^"]*)"', cond)
    if not m:
        raise ValueError(f"unsupported condition {cond}")
    return message.get("role") == m.group(1)


def _run(nodes: list, messages: list[dict[str, str]], dot: dict[str, str] | None) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node[0] == "field":
            out.append((dot or {}).get(node[1].lower(), ""))
        elif node[0] == "range":
            out.extend(_run(node[1], messages, m) for m in messages)
        else:
            for cond, body in node[1]:
                if _true(cond, dot or {}):
                    out.append(_run(body, messages, dot))
                    break
            else:
                out.append(_run(node[2], messages, dot))
    return "".join(out)


def render_go(template: str, messages: list[dict[str, str]], system: str | None = None) -> str:
    """What Ollama sends the model for `messages`: the Modelfile SYSTEM goes first when none is given."""
    if system and (not messages or messages[0]["role"] != "system"):
        messages = [{"role": "system", "content": system}, *messages]
    return _run(_parse(template), messages, None)


PROBES = [
    [{"role": "user", "content": "What is the period of performance?"}],
    [
        {"role": "system", "content": "You answer from RFP text."},
        {"role": "user", "content": "Who is the contracting officer?"},
    ],
    [
        {"role": "user", "content": "Is there a page limit?"},
        {"role": "assistant", "content": "Yes: 10 pages.\nAppendices excluded."},
        {"role": "user", "content": "And the font size?"},
    ],
]


def verify(tokenizer, template: str, system: str | None) -> None:
    """Raise unless the Go template renders every probe exactly as the tokenizer does."""
    for messages in PROBES:
        ours = render_go(template, messages, system)
        theirs = _render(tokenizer, messages, True)
        if ours != theirs:
            raise UserFacingError(
                f"the Ollama template renders {messages[-1]['content']!r} as {ours!r}, the tokenizer as {theirs!r}"
            )
