"""The cluster's lock store: tickets issued at the same moment on several instances are distinct,
so two messages of one conversation never run at once (needs Redis on loopback, as the cluster)."""

from __future__ import annotations

import os
import threading
import uuid

from rasa.utils.endpoints import EndpointConfig

from bot.plugins.lock_store import AtomicRedisLockStore


def store() -> AtomicRedisLockStore:
    config = EndpointConfig(url=os.environ.get("WAYFINDER_REDIS_HOST", "127.0.0.1"),
                            port=os.environ.get("WAYFINDER_REDIS_PORT", "6379"),
                            db=os.environ.get("WAYFINDER_REDIS_DB", "1"), key_prefix="wftest")
    return AtomicRedisLockStore(endpoint_config=config)


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
