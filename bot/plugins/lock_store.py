"""Rasa's Redis lock store, with its read-modify-write steps made atomic.

Rasa Open Source's RedisLockStore reads the conversation's ticket lock from Redis, changes it in
Python and writes it back. Two messages of one conversation arriving at the same moment on two
instances (a double send, a retry) can both read the same lock and be given the same ticket:
both then run at once and the SQL tracker store keeps only part of one of them. The load test
found this (tests/loadtest: a burst with one instance killed lost a turn). Rasa Pro's
ConcurrentRedisLockStore fixes it differently; here each step runs under a short Redis mutex
(redis-py's Lock: SET NX with a timeout), and everything else is Rasa's.
"""

from __future__ import annotations

from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, LockStore, RedisLockStore

MUTEX_TIMEOUT_S = 5  # the steps take milliseconds; a crashed holder frees it after this


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket issue, update and clean-up cannot interleave."""

    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        """Rasa builds a custom lock store from its endpoint config (url, port, db, ...)."""
        if endpoint_config is not None:
            kwargs = {**endpoint_config.kwargs, **kwargs}
            kwargs.setdefault("host", endpoint_config.url or "localhost")
        kwargs.pop("url", None)
        for name in ("port", "db"):
            if name in kwargs:
                kwargs[name] = int(kwargs[name])
        super().__init__(**kwargs)

    def _mutex(self, conversation_id: str) -> Any:
        return self.red.lock(f"{self.key_prefix}mutex:{conversation_id}",
                             timeout=MUTEX_TIMEOUT_S, blocking_timeout=MUTEX_TIMEOUT_S * 2,
                             sleep=0.005)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            LockStore.finish_serving(self, conversation_id, ticket_number)
            if not self.is_someone_waiting(conversation_id):
                self.delete_lock(conversation_id)
