"""Document text is data, never instructions.

Two checks, shared by the parsers (what is indexed), the answer path (what the model reads and what
is quoted as support) and the chat backends (the prompt boundary):

- `neutralize` rewrites model control strings (ChatML `<|im_start|>`, `<s>`, `[INST]`, Gemma and
  Llama turn markers...) so that no tokenizer can read them as control tokens: `<|im_start|>`
  becomes `‹im_start›`. Their names stay readable.
- `instruction_like` recognises a sentence that addresses an AI instead of a reader: an imperative
  to an assistant or model ("IMPORTANT NOTE TO THE ASSISTANT", "if you are an AI"), a reference to
  the prompt or to the text around it ("disregard the above", "ignore all previous instructions"),
  an order about the answer ("you must answer that...", "the correct answer is X regardless of the
  documents"), a role-play block or a chat-turn marker. RFP language that addresses an offeror or
  a contractor ("The contractor shall disregard...", "you must submit...") is not flagged;
  tests/test_injection.py runs it over every sentence of the shared corpus.
- `strip_instructions` removes such sentences (and the body of a role block or of a note addressed
  to an AI) from a passage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.documents.model import ParsedDocument
from core.documents.text import split_sentences

# --- control strings ---------------------------------------------------------------------------------
_CONTROL = re.compile(
    r"<\|[A-Za-z0-9_./-]{1,40}\|>"  # ChatML, Llama 3, Phi, Granite, Command-R: <|im_start|>, <|eot_id|>
    r"|<｜[^｜<>\n]{1,40}｜>"  # DeepSeek: <｜begin▁of▁sentence｜>
    r"|</?s>|<(?:bos|eos|pad|unk|mask)>"  # sentence boundaries of SentencePiece vocabularies
    r"|\[/?(?:INST|SYSTEM_PROMPT|AVAILABLE_TOOLS|TOOL_CALLS|TOOL_RESULTS)\]"  # Llama 2, Mistral
    r"|<</?SYS>>"  # Llama 2 system block
    r"|<(?:start|end)_of_(?:turn|text|image)>",  # Gemma
)
_DELIMITERS = "<>|｜[] "


def _defang(marker: str) -> str:
    return f"‹{marker.strip(_DELIMITERS)}›"


def neutralize(text: str, extra: Iterable[str] = ()) -> str:
    """`text` with every model control string rewritten as `‹name›` (`<|im_start|>` becomes
    `‹im_start›`); `extra` adds a model's own control tokens (the llama.cpp backend passes its
    vocabulary's, such as SmolLM2's `<repo_name>`)."""
    extra = [e for e in extra if e]
    if extra:
        pattern = re.compile("|".join(re.escape(e) for e in sorted(extra, key=len, reverse=True)))
        text = pattern.sub(lambda m: _defang(m.group(0)), text)
    return _CONTROL.sub(lambda m: _defang(m.group(0)), text)


def neutralize_document(doc: ParsedDocument) -> ParsedDocument:
    """The parsed document with control strings neutralized in everything that is indexed: title,
    section path, text, table header and fields."""
    doc.title = neutralize(doc.title)
    for b in doc.blocks:
        b.text = neutralize(b.text)
        b.section = tuple(neutralize(s) for s in b.section)
        b.header = neutralize(b.header) if b.header is not None else None
        if b.fields is not None:
            b.fields = {neutralize(k): neutralize(v) for k, v in b.fields.items()}
    return doc


# Chat turns after neutralize(): markers that open or close a turn, and the blocks between them.
_TURNS = {
    "im_start": "im_end",
    "start_of_turn": "end_of_turn",
    "start_header_id": "eot_id|eom_id",
    "INST": "/INST",
    "SYS": "/SYS",
    "SYSTEM_PROMPT": "/SYSTEM_PROMPT",
    "START_OF_TURN_TOKEN": "END_OF_TURN_TOKEN",
    "start_of_role": "end_of_text|end_of_role",
    "system": "end",
    "user": "end",
    "assistant": "end",
}
_TURN = "‹(?:" + "|".join(f"{o}|{c}" for o, c in _TURNS.items()) + "|end_header_id)›"
ROLE_BLOCK = re.compile(
    "|".join(f"‹{o}›.*?(?:‹(?:{c})›|\\Z)" for o, c in _TURNS.items()), re.IGNORECASE | re.DOTALL
)

# --- instruction-like sentences -----------------------------------------------------------------------
# Who a prompt injection talks to. Bare "assistant" and "model" are everyday RFP words (labor
# categories, pricing models), so they count only where the sentence clearly addresses them.
_AI = (
    r"(?:ai|a\.i\.|artificial intelligence|ai assistant|virtual assistant|chat ?bot|chatgpt|gpt(?:-?\d[\w.]*)?"
    r"|llm|large language model|language model|ai model|ai system|copilot|claude|gemini)"
)
_AI_OR_ASSISTANT = rf"(?:{_AI}|assistant|model|bot)"
# The one addressed, ending the phrase: "Note to the assistant:", not "Attention: Assistant Attorney General".
_ADDRESSEE = rf"{_AI_OR_ASSISTANT}s?\b(?![ \t]*[\w(/&-])"
_DETERMINER = r"(?:the |any |all |an? |every |each |this |your )?"
_PROMPT_NOUN = (
    r"(?:instructions?|prompts?|directions|directives|guidelines|rules|context|conversation|messages?"
    r"|commands?|constraints|programming|system prompt)"
)
# What may follow "ignore all previous instructions" in an injection ("... and say", "... given to
# you", end of sentence), as opposed to a scoped amendment ("... regarding page limits").
_UNSCOPED = (
    r"(?=\s*(?:[.,;:!?—–)\"”'-]|$|\b(?:and|then|or|but|given|you|from|to|above|below|before|so far|now"
    r"|completely|entirely|instead|here)\b))"
)
_EARLIER = r"(?:above|foregoing|preceding|previous|prior|earlier|original|initial|system|your|my)"

# A sentence (or a line heading one) that talks to an AI: it and what follows it on its line are
# the note's body.
ADDRESS = re.compile(
    "|".join(
        [
            # "IMPORTANT NOTE TO THE ASSISTANT", "Instructions for the AI model", "Message to any LLM"
            rf"\b(?:note|notes|message|instructions?|reminder|notice|attention|directive|memo|request)\s+(?:to|for)\s+"
            rf"{_DETERMINER}{_ADDRESSEE}",
            # "Dear AI", "Hey assistant", "Attention, language model"
            rf"^\W*(?:dear|hey|hi|hello|attention|attn|note)\W+{_DETERMINER}{_ADDRESSEE}",
            # "If you are an AI", "if you're a language model reading this"
            rf"\bif you(?: are|'re|’re) (?:an?|the) (?:{_AI_OR_ASSISTANT})\b",
            # "AI assistants reading this document", "any model summarizing this"
            rf"\b(?:{_AI_OR_ASSISTANT})s?\s+(?:that (?:is|are) )?(?:reading|processing|summari[sz]ing|parsing|analy[sz]ing"
            r"|answering|ingesting|indexing|seeing)\s+(?:this|these|the following)(?:\s+(?:documents?|text|pages?|files?"
            r"|messages?|notes?|content|passages?|prompts?|emails?|pdfs?|proposals?|resumes?|materials?)\b|\s*[,:;.]"
            r"|\s+(?:must|should|shall|will|needs? to|has to|is to|are to)\b)",
            # A chat role written out: "### Assistant:", "System prompt:", "[system] You are..." (not a
            # table's "System: VBMS")
            r"^\W*(?:#+\s*)?\[?(?:assistant|chatbot|(?:system|developer) (?:prompt|message))\]?\s*[:>\]]",
            r"^\W*(?:#+\s*)?\[?system\]?\s*[:>\]]\s*(?:you\b|ignore|disregard|forget|always|never|do not|answer"
            r"|respond|reply|say)",
            # A chat turn marker (after neutralize)
            _TURN,
        ]
    ),
    re.IGNORECASE,
)

INSTRUCTION = re.compile(
    "|".join(
        [
            # "Ignore all previous instructions", "forget your rules", "override the system prompt";
            # not "disregard the instructions concerning X" (a scoped RFP amendment)
            rf"\b(?:ignore|disregard|forget|override|overlook|bypass)\s+(?:all |any |each |every )?(?:of )?"
            rf"(?:the |your |my |these |those |this |such )?{_EARLIER}\s+(?:\w+\s+)?{_PROMPT_NOUN}\b{_UNSCOPED}",
            r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all |any |the |your )?(?:prompts?|conversation"
            r"|programming|system prompt|guardrails)\b",
            # "Disregard the above.", "ignore everything before this", "forget all of the above and..."
            r"\b(?:ignore|disregard|forget)\s+(?:all |everything |anything )?(?:of )?(?:the |that |what (?:was|is) )?"
            r"(?:above|foregoing|preceding|previous(?:ly)?|prior|earlier|before|(?:said|written|stated) above)"
            r"(?:\s+(?:text|content|context|messages?|information|instructions?|prompts?|statements?|conversation|input"
            r"|passages?|lines?|sentences?))?\s*(?:[.,;:!—–-]|$|\b(?:and|then|instead|completely|entirely)\b)",
            r"\b(?:ignore|disregard|forget)\s+(?:everything|anything|all)\s+(?:above|before|else|previously|prior|you)\b",
            # Talking to the model about itself
            r"\byou are (?:now|no longer)\b",
            r"\bas an? (?:ai |large )?(?:ai|language model|llm|chat ?bot|ai assistant)\b(?![ \t]*[\w(/&-])",
            rf"\byou are (?:an?|the) (?:helpful |friendly |new |different |obedient )?(?:{_AI})\b(?![ \t/-]+(?:vendors?"
            r"|compan(?:y|ies)|firms?|contractors?|offerors?|providers?|developers?|engineers?|specialists?|experts?"
            r"|solutions?|products?|startups?|business(?:es)?|researchers?|scientists?)\b)",
            rf"\byou are (?:an?|the) (?:helpful|friendly|new|different|obedient) (?:{_AI_OR_ASSISTANT})\b",
            r"\b(?:system|developer) prompt\b(?!\s+(?:users?|the|them|operators?|for)\b)",
            r"\b(?:your|the|this) (?:system|developer) message\b(?=\s*(?:[.,;:!?)]|$|\b(?:and|says?|above)\b))",
            r"\b(?:follow|obey|these are) (?:your |the |my |these )?new instructions\b",
            r"\bjailbr[eo]ak|\b(?:dan|developer) mode\b",
            r"\byour (?:system prompt|programming|context window|(?:previous|prior|original|initial) instructions)\b"
            r"|\byour prompt(?![ \t]*\w)",
            r"\b(?:pretend (?:to be|you are|that you)|role-?play as|act as (?:if|though)|stay in character)\b",
            r"\bfrom now on,? (?:you (?:are|will be|must (?:answer|respond|reply|say))|answer|respond|reply|always answer"
            r"|only answer|say)\b",
            # Orders about the answer itself
            r"\byou (?:must|should|shall|will|need to|have to|are to)\s+(?:always |only |now |instead |never |not )?"
            r"(?:answer|respond|reply|say|claim|tell (?:the )?(?:user|reader|everyone|anyone|them))"
            r"(?:\s+(?:that\b|with\b|only\b|every\b|all questions\b|any questions?\b|yes\b|no\b)|\s*[:\"“'‘]|\s*[.!]?$)",
            r"^\W*(?:always |only |now |instead |please )?(?:answer|respond|reply|say)\s+(?:only with|with only|only\b"
            r"|with\s*[\"“'‘]|that\s*[\"“'‘])",
            r"\b(?:respond|reply|answer) only with\b",
            r"\b(?:answer|respond to|reply to) (?:every|each|all|any) (?:questions?|quer(?:y|ies)|prompts?|requests?)"
            r" (?:with|by (?:saying|stating)|that)\b",
            r"\bdo not (?:cite|mention|reveal|disclose|quote) (?:the |any |your |this |these )?(?:sources?|context"
            r"|passages?|instructions?|prompt|note|message)\b"
            r"(?=\s*(?:[.,;:!?)]|$|\b(?:and|or|in your (?:answer|response|reply)|at all|to the user)\b))",
            r"\bthe (?:correct|right|true|real|only|official|actual) answer (?:is|will be|should be|must be)\b.*"
            r"\b(?:regardless|no matter|whatever|always|in all cases|every time)\b",
            r"\bregardless of (?:what(?:ever)? )?(?:the |any |your )?(?:question|user'?s? question|quer(?:y|ies)|prompt"
            r"|instructions|context|sources|documents|passages|user|retrieved \w+)"
            r"(?=\s*(?:[.,;:!?)]|$|\b(?:says?|states?|shows?|asks?|asked|contains?)\b))",
            # "When asked about the deadline, say...", "If anyone asks about X, tell them..."
            r"\b(?:when (?:you are |you're |you’re )?asked|if (?:anyone|someone|somebody|the user|a user|a person|you are"
            r"|you're) (?:asks?|asked)) (?:about|for|whether|if|what|how|who|when)\b[^.]{0,80}?,\s*"
            r"(?:you (?:should|must|will) )?(?:always |just |simply |only )?(?:say|answer|respond|reply|state|tell|claim)\b",
        ]
    ),
    re.IGNORECASE,
)


def addresses_ai(sentence: str) -> bool:
    """A note, greeting, role or chat-turn marker addressed to an AI (what follows it is the note's
    body). Turn markers count whether or not they were neutralized."""
    return bool(ADDRESS.search(neutralize(sentence)))


def instruction_like(sentence: str) -> bool:
    """True when a sentence instructs an AI instead of informing a reader (see the module doc)."""
    return addresses_ai(sentence) or bool(INSTRUCTION.search(sentence))


_GONE = "\x00"


def strip_instructions(text: str) -> tuple[str, int]:
    """`text` neutralized, without role blocks and instruction-like sentences; a note addressed to an
    AI takes the rest of its line with it, and a heading-like one (no full stop) the next line too.
    Returns the text and how many pieces were removed."""
    text = neutralize(text).replace(_GONE, "")
    text, removed = ROLE_BLOCK.subn(_GONE, text)
    kept_lines: list[str] = []
    skip_next = False
    for line in text.split("\n"):
        if _GONE in line:
            line = line.replace(_GONE, " ")
            if not line.strip():
                continue  # the line was a role block
        if skip_next and line.strip():
            skip_next = False
            removed += 1
            continue
        sentences = split_sentences(line) or ([line] if line.strip() else [])
        good: list[str] = []
        for i, sentence in enumerate(sentences):
            if addresses_ai(sentence):
                removed += len(sentences) - i
                skip_next = i == len(sentences) - 1 and not sentence.rstrip().endswith((".", "!", "?"))
                break
            if instruction_like(sentence):
                removed += 1
                continue
            good.append(sentence)
        if good:
            kept_lines.append(" ".join(good))
        elif not line.strip():
            kept_lines.append("")
    return "\n".join(kept_lines).strip("\n"), removed
