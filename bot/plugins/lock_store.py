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
as the one queued with it (the cluster test lost a turn that way). Here a living process renews
every ticket it holds or waits with, from a thread of its own (a busy event loop cannot delay
it), so only a dead instance's tickets run out, and the lifetime can be short
(TICKET_LOCK_LIFETIME, Rasa's setting; bot/cluster/settings.py): the turns queued behind an
instance killed mid-turn wait about one lifetime.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore

logger = logging.getLogger(__name__)

MUTEX_TIMEOUT_S = 5  # the steps take milliseconds; a crashed holder frees it after this
RENEWALS_PER_LIFETIME = 4  # a ticket is renewed this often within one lifetime
MAX_KEPT_S = 600  # a process alive but stuck this long stops renewing (its tickets run out)


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
        self._live: dict[tuple[str, int], float] = {}  # (conversation, ticket) -> issued at
        self._live_guard = threading.Lock()
        self._keeper: threading.Thread | None = None

    def _mutex(self, conversation_id: str) -> Any:
        return self.red.lock(f"{self.key_prefix}mutex:{conversation_id}",
                             timeout=MUTEX_TIMEOUT_S, blocking_timeout=MUTEX_TIMEOUT_S * 2,
                             sleep=0.005)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            ticket = super().issue_ticket(conversation_id, lock_lifetime)
        with self._live_guard:
            self._live[(conversation_id, ticket)] = time.monotonic()
            if self._keeper is None:
                self._keeper = threading.Thread(target=self._keep_alive, daemon=True,
                                                 name="lock-ticket-keeper")
                self._keeper.start()
        return ticket

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._live_guard:
            self._live.pop((conversation_id, ticket_number), None)
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

    def _keep_alive(self) -> None:
        """Renews this process's tickets, waiting or served, until they are cleaned up."""
        while True:
            time.sleep(max(LOCK_LIFETIME / RENEWALS_PER_LIFETIME, 0.05))
            now = time.monotonic()
            with self._live_guard:
                live = [key for key, since in self._live.items() if now - since < MAX_KEPT_S]
            for conversation_id, ticket in live:
                try:
                    self.renew(conversation_id, ticket)
                except Exception as exc:  # noqa: BLE001 - Redis away: the next round retries
                    logger.warning("Could not renew a lock ticket: %s", exc.__class__.__name__)

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
