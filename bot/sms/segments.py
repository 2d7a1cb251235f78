"""Counting SMS segments and splitting a bot turn into a few texts at sentence boundaries."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot.sms.gsm7 import GSM7_EXTENDED, is_gsm7, septets

GSM7_SINGLE = 160
GSM7_MULTI = 153
UCS2_SINGLE = 70
UCS2_MULTI = 67
TWO_SEGMENTS = 2 * GSM7_MULTI  # 306 septets: the most one text should cost
MAX_MESSAGES = 3
TWILIO_MAX_BODY = 1600  # Twilio refuses longer bodies
ELLIPSIS = "..."

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def encoding(text: str) -> str:
    """'GSM-7' when every character is GSM-7, else 'UCS-2'."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def count_segments(text: str) -> int:
    """How many SMS segments a carrier bills for text (0 for an empty text)."""
    if not text:
        return 0
    if is_gsm7(text):
        if septets(text) <= GSM7_SINGLE:
            return 1
        segments, used = 1, 0
        for ch in text:  # an escape pair is never split across two segments
            cost = 2 if ch in GSM7_EXTENDED else 1
            if used + cost > GSM7_MULTI:
                segments, used = segments + 1, 0
            used += cost
        return segments
    units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    if sum(units) <= UCS2_SINGLE:
        return 1
    segments, used = 1, 0
    for cost in units:  # a surrogate pair is never split either
        if used + cost > UCS2_MULTI:
            segments, used = segments + 1, 0
        used += cost
    return segments


def length(text: str) -> int:
    """Length that counts against the per-text budget: septets for GSM-7, code units for UCS-2."""
    if is_gsm7(text):
        return septets(text)
    return math.ceil(sum(2 if ord(ch) > 0xFFFF else 1 for ch in text) * GSM7_MULTI / UCS2_MULTI)


@dataclass(frozen=True)
class Unit:
    """A piece that is never split further, and what joins it to the piece before it."""

    text: str
    sep: str


def _words_to_fit(text: str, limit: int) -> list[str]:
    """Splits one over-long sentence at spaces (or hard, if it has none) into pieces <= limit."""
    pieces: list[str] = []
    current = ""
    for word in text.split(" "):
        while length(word) > limit:  # a single giant "word"
            if current:
                pieces.append(current)
                current = ""
            cut = limit
            while length(word[:cut]) > limit:
                cut -= 1
            pieces.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if length(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = word
    if current:
        pieces.append(current)
    return pieces


def units_of(text: str, limit: int = TWO_SEGMENTS) -> list[Unit]:
    """Breaks text into sentence units (lines first, then sentences, then words if needed)."""
    units: list[Unit] = []
    for line_no, line in enumerate(text.split("\n")):
        for sent_no, sentence in enumerate(s for s in _SENTENCE_END.split(line) if s.strip()):
            sep = "" if not units else (" " if sent_no else "\n")
            for piece_no, piece in enumerate(_words_to_fit(sentence.strip(), limit)):
                units.append(Unit(piece, sep if piece_no == 0 else " "))
        if not line.strip() and units and line_no:
            units.append(Unit("", "\n"))  # keep one blank line as a paragraph break
    return [u for u in units if u.text or u.sep == "\n"]


def _render(units: list[Unit]) -> str:
    text = "".join((u.sep if i else "") + u.text for i, u in enumerate(units))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def pack(units: list[Unit], limit: int = TWO_SEGMENTS) -> list[list[Unit]]:
    """Greedily fills texts of at most limit with whole units.

    When a text is full, it ends at its last line break if that keeps it at least half full, so
    a short last sentence ("Free.") is not cut off from the line it belongs to.
    """
    messages: list[list[Unit]] = []
    current: list[Unit] = []
    for unit in units:
        if current and length(_render(current + [unit])) > limit:
            breaks = [i for i, u in enumerate(current) if i and u.sep == "\n"]
            cut = breaks[-1] if breaks else len(current)
            if unit.sep == "\n" or length(_render(current[:cut])) < limit // 2:
                cut = len(current)
            messages.append(current[:cut])
            current = current[cut:]
        current.append(unit)
    if current:
        messages.append(current)
    return [m for m in messages if _render(m)]


def _truncate(text: str, room: int) -> str:
    """Cuts text at a word boundary so that it plus an ellipsis fits in room."""
    if length(text) <= room:
        return text
    cut = text[: max(room - len(ELLIPSIS), 0)]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-") + ELLIPSIS


def split_turn(
    text: str,
    tail: str = "",
    limit: int = TWO_SEGMENTS,
    max_messages: int = MAX_MESSAGES,
    hard_limit: int = TWILIO_MAX_BODY,
) -> list[str]:
    """Splits a turn into texts of <= limit at sentence boundaries, at most max_messages of them.

    tail (the numbered options) always ends the last text. If the content needs more than
    max_messages texts, the last one carries the rest (so nothing is dropped) up to Twilio's
    hard_limit; only beyond that is the content cut, never the tail.
    """
    units = units_of(text, limit)
    if tail:
        units.append(Unit(tail, "\n"))
    messages = pack(units, limit)
    if len(messages) <= max_messages:
        return [_render(m) for m in messages]
    head = [_render(m) for m in messages[: max_messages - 1]]
    rest_units = [u for m in messages[max_messages - 1 :] for u in m]
    if tail:
        rest_units = rest_units[:-1]
    rest = _render(rest_units)
    room = hard_limit - (length(tail) + 1 if tail else 0)
    last = _truncate(rest, room)
    return head + [f"{last}\n{tail}" if tail else last]
