"""The last answer's short text per conversation, kept in memory only, for "text it to me".

The text to send is the one Wayfinder gave this conversation, never text from the browser, so the
endpoint cannot be used to send anything else. Phone numbers are never kept.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from bot.widget.settings import SMS_PER_CONVERSATION

MAX_CONVERSATIONS = 5000
MAX_AGE_SECONDS = 24 * 3600.0


class SummaryStore:
    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float, str, int]] = OrderedDict()

    def put(self, sender: str, text: str) -> None:
        sent = self._items.get(sender, (0.0, "", 0))[2]
        self._items[sender] = (time.monotonic(), text, sent)
        self._items.move_to_end(sender)
        while len(self._items) > MAX_CONVERSATIONS:
            self._items.popitem(last=False)

    def take_for_sms(self, sender: str) -> str | None:
        """The text to send, counting the send; None when there is none or the limit is reached."""
        item = self._items.get(sender)
        if item is None or time.monotonic() - item[0] > MAX_AGE_SECONDS:
            return None
        stamp, text, sent = item
        if sent >= SMS_PER_CONVERSATION:
            return None
        self._items[sender] = (stamp, text, sent + 1)
        return text

    def forget(self, sender: str) -> None:
        self._items.pop(sender, None)
