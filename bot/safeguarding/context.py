"""Context that softens a risk: a general question, or something in the past that is over.

Such a message is asked the check question instead of getting 999 at once (word lists:
data/safeguarding/words.yml `context`). Never applied to suicide: that is always asked directly,
nor when something is happening now as well ("she was fine an hour ago, now her face droops").
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.safeguarding.config import _read


@lru_cache(maxsize=1)
def _lists() -> dict[str, re.Pattern[str]]:
    """One compiled alternation per list (a phrase counts only as whole words)."""
    context = _read("words.yml").get("context") or {}
    patterns = {}
    for key in ("hypothetical", "past", "not_past", "resolved", "current"):
        phrases = sorted({str(v).lower() for v in context.get(key) or ()}, key=len, reverse=True)
        body = "|".join(re.escape(p) for p in phrases) or r"(?!x)x"
        patterns[key] = re.compile(rf"(?<![a-z])(?:{body})(?![a-z])")
    return patterns


def softened(text: str) -> bool:
    """True for a general question about a risk, or a past risk that is over now."""
    simple = " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'")))
    lists = _lists()
    if lists["hypothetical"].search(simple):
        return True
    said_past = lists["past"].search(lists["not_past"].sub(" ", simple))
    if not (said_past and lists["resolved"].search(simple)):
        return False
    return not lists["current"].search(lists["resolved"].sub(" ", simple))
