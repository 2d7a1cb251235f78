"""Sign-in attempts per client address, in memory (beside the per-account lockout).

An address with too many failed sign-ins in the window is refused for the rest of the window,
whatever account it tries: this stops one computer guessing passwords across many accounts.
This class counts in one process (`make run`). With several Rasa instances, set
WAYFINDER_COUNTERS_REDIS_URL (`make cluster` does) and bot/staff/shared_counters.py counts in
Redis for all of them, keeping this one as its fallback while Redis cannot be reached.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

MAX_ADDRESSES = 10000


class SignInLimiter:
    def __init__(self, max_failures: int, window_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures, self.window_s, self.clock = max_failures, window_s, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._guard = threading.Lock()  # called from worker threads (asyncio.to_thread)

    def _recent(self, address: str) -> deque[float]:
        times = self._failures.get(address, deque())
        cutoff = self.clock() - self.window_s
        while times and times[0] <= cutoff:
            times.popleft()
        return times

    def blocked(self, address: str) -> bool:
        with self._guard:
            return len(self._recent(address)) >= self.max_failures

    def failed(self, address: str) -> None:
        with self._guard:
            times = self._recent(address)
            times.append(self.clock())
            self._failures[address] = times
            self._failures.move_to_end(address)
            while len(self._failures) > MAX_ADDRESSES:
                self._failures.popitem(last=False)
