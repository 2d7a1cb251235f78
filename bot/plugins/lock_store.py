"""Rasa's Redis lock store, with its read-modify-write steps made atomic.

Rasa Open Source's RedisLockStore reads the conversation's ticket lock from Redis, changes it in
Python and writes it back. Two messages of one conversation arriving at the same moment on two
instances (a double send, a retry) can both read the same lock and be given the same ticket:
both then run at once and the SQL tracker store keeps only part of one of them. The load test
found this (tests/loadtest: a burst with one instance killed lost a turn). Rasa Pro's
ConcurrentRedisLockStore fixes it differently; here each step runs under a short Redis mutex
(redis-py's Lock: SET NX with a timeout), and everything else is Rasa's.

Rasa's tickets also expire LOCK_LIFETIME (60 s) after they are issued, waiting or not: a message
that waited a minute behind an instance killed mid-turn lost its place and ran at the same time
as the one queued with it (the cluster test lost a turn that way). Here a living waiter renews
its own ticket while it waits and when it starts, so only a dead instance's ticket runs out.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore

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

    def renew(self, conversation_id: str, ticket: int) -> None:
        """This ticket runs out LOCK_LIFETIME from now (its holder is alive)."""
        with self._mutex(conversation_id):
            lock = self.get_lock(conversation_id)
            if lock is None:
                return
            for held in lock.tickets:
                if held.number == ticket:
                    held.expires = time.time() + LOCK_LIFETIME
                    self.save_lock(lock)
                    return

    async def _acquire_lock(self, conversation_id: str, ticket: int,
                            wait_time_in_seconds: float) -> TicketLock:
        """Rasa's wait loop, renewing this ticket each round and once it is served."""
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket):
                self.renew(conversation_id, ticket)  # a whole lifetime for the turn itself
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self.renew(conversation_id, ticket)
            self.update_lock(conversation_id)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
