"""SMS keywords that the channel answers itself: opting out, opting back in, and HELP."""

from __future__ import annotations

import enum
import unicodedata


class Keyword(enum.Enum):
    """What a whole-message keyword asks for."""

    STOP = "stop"
    START = "start"
    HELP = "help"


# The whole message (trimmed, any case) must be one of these; "stop hurting me" is not.
STOP_WORDS: frozenset[str] = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
START_WORDS: frozenset[str] = frozenset({"start", "unstop"})
HELP_WORDS: frozenset[str] = frozenset({"help"})


def keyword_of(text: str | None) -> Keyword | None:
    """The keyword a message is, or None when it is an ordinary message for the conversation."""
    if not text:
        return None
    word = unicodedata.normalize("NFKC", text).strip().casefold()
    if word in STOP_WORDS:
        return Keyword.STOP
    if word in START_WORDS:
        return Keyword.START
    if word in HELP_WORDS:
        return Keyword.HELP
    return None
