"""The cluster's lock store: tickets issued at the same moment on several instances are distinct,
so two messages of one conversation never run at once (needs Redis on loopback, as the cluster)."""

from __future__ import annotations

import os
import threading
import uuid

from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.plugins.lock_store import AtomicRedisLockStore


def config() -> EndpointConfig:
    return EndpointConfig(url=os.environ.get("WAYFINDER_REDIS_HOST", "127.0.0.1"),
                          port=os.environ.get("WAYFINDER_REDIS_PORT", "6379"),
                          db=os.environ.get("WAYFINDER_REDIS_DB", "1"), key_prefix="wftest")


def store() -> AtomicRedisLockStore:
    return AtomicRedisLockStore(endpoint_config=config())


def dead_instance() -> RedisLockStore:
    """The same Redis keys, but no living process renews its tickets."""
    return RedisLockStore(host=config().url, port=int(config().kwargs["port"]),
                          db=int(config().kwargs["db"]), key_prefix="wftest")


def test_tickets_issued_at_once_by_many_instances_are_all_different():
    conversation = f"lock-test-{uuid.uuid4().hex}"
    instances = [store() for _ in range(8)]  # one client each, as separate Rasa processes
    tickets: list[int] = []
    start = threading.Barrier(len(instances))

    def issue(instance: AtomicRedisLockStore) -> None:
        start.wait()
        for _ in range(5):
            tickets.append(instance.issue_ticket(conversation, 30))

    threads = [threading.Thread(target=issue, args=(s,)) for s in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tickets) == 40 and len(set(tickets)) == 40
    lock = instances[0].get_lock(conversation)
    assert lock.now_serving == min(tickets)
    for ticket in sorted(tickets):
        instances[0].cleanup(conversation, ticket)
    assert instances[0].get_lock(conversation) is None


def test_a_waiting_message_keeps_its_place_behind_a_dead_instance(monkeypatch):
    """A dead instance's ticket runs out; the two messages queued behind it still run one at a
    time, in order (Rasa's own tickets ran out while waiting, and both ran at once)."""
    import asyncio

    import bot.plugins.lock_store as module

    monkeypatch.setattr(module, "LOCK_LIFETIME", 1.0)
    conversation = f"lock-test-{uuid.uuid4().hex}"
    dead, alive = dead_instance(), store()
    dead.issue_ticket(conversation, 1.0)  # an instance killed mid-turn: never cleaned up
    running: list[str] = []
    overlaps: list[str] = []

    async def message(name: str) -> None:
        async with alive.lock(conversation, lock_lifetime=1.0, wait_time_in_seconds=0.2):
            if running:
                overlaps.append(name)
            running.append(name)
            await asyncio.sleep(0.6)  # the second waits longer than a lifetime in all
            running.remove(name)

    async def both() -> None:
        await asyncio.gather(message("first"), message("second"))

    asyncio.run(both())
    assert overlaps == []
    assert alive.get_lock(conversation) is None


def test_a_turn_longer_than_the_lifetime_keeps_its_lock(monkeypatch):
    """The holder's own process renews its ticket while the turn runs, so a short lifetime
    (it bounds the wait behind a dead instance) never lets the next message in early."""
    import asyncio

    import bot.plugins.lock_store as module

    monkeypatch.setattr(module, "LOCK_LIFETIME", 1.0)
    conversation = f"lock-test-{uuid.uuid4().hex}"
    first, second = store(), store()  # two instances
    running: list[str] = []
    overlaps: list[str] = []

    async def message(instance: AtomicRedisLockStore, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with instance.lock(conversation, lock_lifetime=1.0, wait_time_in_seconds=0.1):
            if running:
                overlaps.append(name)
            running.append(name)
            await asyncio.sleep(2.5)  # two and a half lifetimes
            running.remove(name)

    async def both() -> None:
        await asyncio.gather(message(first, "long", 0.0), message(second, "next", 0.2))

    asyncio.run(both())
    assert overlaps == []
    assert first.get_lock(conversation) is None
