"""Texting the caller the places from the console: one GSM-7 text, numbered, at most 3 segments.

The text is built here from the places of the current call (ids checked against the panel),
never from words the browser sends, so the console cannot be used to text anything else. The
number is used once for the send and never kept: only its pseudonym is looked up, to respect a
phone that has texted STOP to the council's SMS line.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from bot.council import load_council
from bot.privacy import normalise_uk_phone
from bot.sms.gsm7 import normalise
from bot.sms.segments import count_segments
from bot.staff.wording import wording

MAX_SEGMENTS = 3
TEXTS_PER_CALL = 3  # a handler may resend (a mistyped number), but not flood a phone
UK_MOBILE = re.compile(r"\+447\d{9}")
MAX_CALLS_REMEMBERED = 5000


class BadNumber(ValueError):
    """Not a UK mobile number (the message for staff is in the wording)."""


def mobile_number(typed: object) -> str:
    """'07700 900123' -> '+447700900123'; BadNumber for anything that cannot get a text."""
    if not isinstance(typed, str) or len(typed) > 40:
        raise BadNumber("not a number")
    phone = normalise_uk_phone(typed)
    if phone is None or not UK_MOBILE.fullmatch(phone):
        raise BadNumber("not a UK mobile number")
    return phone


def compose(places: Sequence[dict[str, Any]]) -> str:
    """The text: a heading, the places numbered with their contact, the council's number.
    Places are left off the end (never cut in half) until it fits in MAX_SEGMENTS."""
    words = wording()["sms"]
    council = load_council()
    chosen = list(places)
    while True:
        lines = [words["heading"].format(council_name=council.short_name)]
        lines += [words["place"].format(number=n, name=p["name"], contact=p["contact"])
                  for n, p in enumerate(chosen, start=1)]
        if len(chosen) < len(places):
            lines.append(words["more"])
        lines.append(words["footer"].format(council_phone=council.phone))
        text = normalise("\n".join(lines))
        if count_segments(text) <= MAX_SEGMENTS or len(chosen) <= 1:
            break
        chosen = chosen[:-1]
    if count_segments(text) > MAX_SEGMENTS:  # one place with a very long name: cut the name
        while count_segments(text) > MAX_SEGMENTS:
            text = text[:-20]
    return text


class SendCounter:
    """Texts sent per call, in memory (a handler's call lasts minutes). One process only: with
    WAYFINDER_COUNTERS_REDIS_URL set, bot/staff/shared_counters.py counts in Redis for every
    instance and keeps this one as its fallback."""

    def __init__(self) -> None:
        self._sent: OrderedDict[str, int] = OrderedDict()
        self._guard = threading.Lock()  # called from worker threads (asyncio.to_thread)

    def take(self, call_id: str) -> bool:
        """Counts a send; False when this call has had its texts already."""
        with self._guard:
            sent = self._sent.get(call_id, 0)
            if sent >= TEXTS_PER_CALL:
                return False
            self._sent[call_id] = sent + 1
            self._sent.move_to_end(call_id)
            while len(self._sent) > MAX_CALLS_REMEMBERED:
                self._sent.popitem(last=False)
            return True

    def give_back(self, call_id: str) -> None:
        """A send that did not go out does not count."""
        with self._guard:
            if self._sent.get(call_id):
                self._sent[call_id] -= 1
