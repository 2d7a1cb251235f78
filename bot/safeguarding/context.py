"""Context that softens a risk: a general question, or something in the past that is over.

Such a message is asked the check question instead of getting 999 at once (word lists:
data/safeguarding/words.yml `context`). Never applied to suicide: that is always asked directly.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.safeguarding.config import _read


@lru_cache(maxsize=1)
def _lists() -> dict[str, tuple[str, ...]]:
    context = _read("words.yml").get("context") or {}
    return {key: tuple(str(v).lower() for v in context.get(key) or ())
            for key in ("hypothetical", "past", "resolved")}


def _has(text: str, phrases: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<![a-z]){re.escape(p)}(?![a-z])", text) for p in phrases)


def softened(text: str) -> bool:
    """True for a general question about a risk, or a past risk that is over now."""
    simple = " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'")))
    lists = _lists()
    if _has(simple, lists["hypothetical"]):
        return True
    return _has(simple, lists["past"]) and _has(simple, lists["resolved"])
