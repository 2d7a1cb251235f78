"""Yes or no to the check question, typed in any case or by button (data/safeguarding/words.yml)."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.safeguarding.config import _read

_AFFIRM, _DENY = "affirm", "deny"


@lru_cache(maxsize=1)
def _answers() -> dict[str, frozenset[str]]:
    answers = _read("words.yml").get("answers") or {}
    return {str(key): frozenset(str(v).lower() for v in values)
            for key, values in answers.items()}


def yes_or_no(text: str | None, intent: str | None = None) -> str | None:
    """"yes", "no" or None: the words list first, then the intent (button payloads land there)."""
    simple = " ".join(re.findall(r"[a-z0-9']+", (text or "").lower()))
    for answer, words in _answers().items():
        if simple in words:
            return answer
    if intent == _AFFIRM:
        return "yes"
    if intent == _DENY:
        return "no"
    return None
