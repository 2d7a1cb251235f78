"""What the channel must remember between texts: the last options offered and when we last heard.

The channel reads both from the Rasa tracker when it runs inside Rasa (so they survive a restart
and work with several servers); this bounded in-process memory is the fallback when no tracker
store is reachable (unit tests, or a store error). Keys are pseudonyms, never phone numbers.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot import settings
from bot.sms.buttons import Option

DEFAULT_EXPIRY_MINUTES = 10080.0  # a week of quiet, as on the web (session_expiration_time)
EXPIRY_ENV = "WAYFINDER_SMS_EXPIRY_MINUTES"


@dataclass(frozen=True)
class Recall:
    """The options still waiting for an answer and when the person last texted (epoch seconds)."""

    options: tuple[Option, ...] = ()
    last_active: float | None = None


def expiry_minutes(environ: dict[str, str] | None = None) -> float:
    """The quiet period from WAYFINDER_SMS_EXPIRY_MINUTES; 0 or less switches expiry off."""
    raw = (environ if environ is not None else settings.environ()).get(EXPIRY_ENV, "").strip()
    if not raw:
        return DEFAULT_EXPIRY_MINUTES
    try:
        return float(raw)
    except ValueError as error:
        raise ValueError(f"{EXPIRY_ENV} must be a number of minutes, not {raw!r}") from error


def is_expired(last_active: float | None, now: float, minutes: float) -> bool:
    """True when a conversation has been quiet for longer than minutes (never if minutes <= 0)."""
    if minutes <= 0 or last_active is None:
        return False
    return now - last_active > minutes * 60


class ConversationMemory:
    """A bounded, thread-safe map of pseudonym -> Recall (least recently seen dropped first)."""

    def __init__(self, max_senders: int = 10_000, clock: Callable[[], float] = time.time) -> None:
        self._items: OrderedDict[str, Recall] = OrderedDict()
        self._max = max_senders
        self._clock = clock
        self._lock = threading.Lock()

    def recall(self, key: str) -> Recall:
        """What we know about key (an empty Recall for a stranger)."""
        with self._lock:
            return self._items.get(key, Recall())

    def remember(self, key: str, options: Sequence[Option], when: float | None = None) -> None:
        """Stores the options just offered (empty: none pending) and the time of this turn."""
        with self._lock:
            self._items[key] = Recall(tuple(options), self._clock() if when is None else when)
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def forget(self, key: str) -> None:
        """Drops everything about key (e.g. after the conversation restarts)."""
        with self._lock:
            self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)
