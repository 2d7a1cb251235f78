"""Cleaning inbound texts for Rasa and composing a bot turn into the texts a phone shows."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.sms.buttons import Option, OptionsWording, options_from_buttons, render_options
from bot.sms.gsm7 import normalise
from bot.sms.segments import MAX_MESSAGES, TWO_SEGMENTS, split_turn

DEFAULT_OPTIONS = OptionsWording()
MAX_INBOUND_CHARS = 1600  # Twilio's own limit for one (concatenated) inbound message
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Inbound:
    """A person's text ready for Rasa, and whether it had to be shortened."""

    text: str
    truncated: bool


def clean_inbound(body: str, limit: int = MAX_INBOUND_CHARS) -> Inbound:
    """NFC, no control or invisible characters, trimmed; over limit cut at a word boundary."""
    text = unicodedata.normalize("NFC", body.replace("\r\n", "\n").replace("\r", "\n"))
    # Surrogates, private-use, unassigned and invisible format characters (bidi overrides,
    # zero-width joiners, tags) are dropped; control characters become spaces.
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cs", "Co", "Cn", "Cf"})
    text = _CONTROL.sub(" ", text).strip()
    # A leading "/" would make Rasa read the text as an intent payload ("/i_am_staff"); on SMS
    # only the channel itself turns a numbered answer into a payload.
    text = text.lstrip("/").strip()
    if len(text) <= limit:
        return Inbound(text, False)
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return Inbound(cut.rstrip(), True)


@dataclass(frozen=True)
class Turn:
    """The texts one bot turn becomes, and the options it left waiting for an answer."""

    bodies: tuple[str, ...]
    options: tuple[Option, ...]


def compose_turn(
    messages: Sequence[Mapping[str, object]],
    wording: OptionsWording = DEFAULT_OPTIONS,
    notes: Sequence[str] = (),
    limit: int = TWO_SEGMENTS,
    max_messages: int = MAX_MESSAGES,
) -> Turn:
    """Joins a turn's bot messages into as few GSM-7 texts as fit (<= limit each, <= max_messages).

    Only text and buttons reach the phone: images, attachments and custom JSON are dropped, and
    buttons show their titles as one numbered list at the end (the last set of buttons wins).
    notes (e.g. 'I read only your words') go first.
    """
    texts = [normalise(note) for note in notes if note]
    options: list[Option] = []
    for message in messages:
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            texts.append(normalise(text))
        buttons = message.get("buttons") or message.get("quick_replies")
        if isinstance(buttons, list) and buttons:
            options = options_from_buttons(b for b in buttons if isinstance(b, Mapping))
    content = "\n".join(t for t in texts if t)
    tail = render_options(options, wording)
    if not content and not tail:
        return Turn((), tuple(options))
    bodies = split_turn(content, tail=tail, limit=limit, max_messages=max_messages)
    return Turn(tuple(b for b in bodies if b), tuple(options))
