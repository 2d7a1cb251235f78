"""Each widget message carries its own id; a retry with the same id gets the first answer and is
never processed twice, even when it arrives while the first is still being processed."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

MAX_IDS = 5000  # recent message ids remembered (a retry comes within seconds)
MAX_AGE_SECONDS = 900.0
MAX_ID_CHARS = 100


class ReplyCache:
    """Answers by (sender, message id), for a limited number and time."""

    def __init__(self, max_ids: int = MAX_IDS, max_age: float = MAX_AGE_SECONDS) -> None:
        self._entries: OrderedDict[tuple[str, str], tuple[float, asyncio.Future]] = OrderedDict()
        self.max_ids = max_ids
        self.max_age = max_age
        self.processed = 0  # how many messages were really processed (for tests)

    def _evict(self, now: float) -> None:
        while self._entries and (len(self._entries) > self.max_ids
                                 or now - next(iter(self._entries.values()))[0] > self.max_age):
            self._entries.popitem(last=False)

    async def run_once(self, sender: str, message_id: str | None,
                       process: Callable[[], Awaitable[Any]]) -> Any:
        """process() once per (sender, message id); no id means no dedupe."""
        if not message_id:
            self.processed += 1
            return await process()
        key = (sender, message_id[:MAX_ID_CHARS])
        now = time.monotonic()
        self._evict(now)
        entry = self._entries.get(key)
        if entry is None:
            self.processed += 1
            future = asyncio.ensure_future(process())
            self._entries[key] = (now, future)
            future.add_done_callback(lambda done: self._forget_failure(key, done))
        else:
            future = entry[1]
        # shield: a browser that gives up (timeout) must not cancel the processing it started
        return await asyncio.shield(future)

    def _forget_failure(self, key: tuple[str, str], future: asyncio.Future) -> None:
        if future.cancelled() or future.exception() is not None:
            self._entries.pop(key, None)  # a failed message may be tried again
