"""The staff console's counters shared through Redis (issue 14, scale-out): two counter objects
made separately, as two Rasa instances would, share one count; keys expire and never hold an
address or a call id; with Redis unreachable each process still limits. Needs Redis on loopback
(as the cluster and tests/test_lock_store.py); uses db 13 and deletes only its own keys."""

from __future__ import annotations

import logging
import socket
import time
import uuid
from dataclasses import replace

import pytest
import redis

from bot.cluster import __main__ as cluster_main
from bot.cluster import nginx, services
from bot.cluster.settings import ClusterSettings
from bot.staff import shared_counters
from bot.staff.ratelimit import SignInLimiter
from bot.staff.settings import StaffSettings
from bot.staff.shared_counters import (
    RedisSendCounter,
    RedisSignInLimiter,
    send_counter,
    sign_in_limiter,
)
from bot.staff.sms import TEXTS_PER_CALL, SendCounter

URL = "redis://127.0.0.1:6379/13"
ADDRESS, OTHER = "203.0.113.7", "198.51.100.23"


@pytest.fixture
def prefix():
    """A namespace of this test's own; its keys are deleted afterwards (nothing else is)."""
    name = f"wftest{uuid.uuid4().hex[:12]}"
    yield name
    red = redis.Redis.from_url(URL)
    for key in red.scan_iter(f"{name}:*"):
        red.delete(key)


def own_keys(prefix: str) -> list[str]:
    return sorted(k.decode() for k in redis.Redis.from_url(URL).scan_iter(f"{prefix}:*"))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_limiters_made_apart_share_one_count(prefix):
    one = RedisSignInLimiter(3, 60, URL, prefix)
    two = RedisSignInLimiter(3, 60, URL, prefix)
    one.failed(ADDRESS)
    two.failed(ADDRESS)
    assert not one.blocked(ADDRESS) and not two.blocked(ADDRESS)
    one.failed(ADDRESS)  # the third failure, counted by either, blocks on both
    assert one.blocked(ADDRESS) and two.blocked(ADDRESS)
    assert not one.blocked(OTHER) and not two.blocked(OTHER)
    assert not SignInLimiter(3, 60).blocked(ADDRESS)  # an in-memory one would not have seen it


def test_the_window_passes_and_the_key_expires(prefix):
    limiter = RedisSignInLimiter(2, 0.4, URL, prefix)
    limiter.failed(ADDRESS)
    limiter.failed(ADDRESS)
    assert RedisSignInLimiter(2, 0.4, URL, prefix).blocked(ADDRESS)
    (key,) = own_keys(prefix)
    assert 0 < redis.Redis.from_url(URL).pttl(key) <= 400
    time.sleep(0.6)
    assert not RedisSignInLimiter(2, 0.4, URL, prefix).blocked(ADDRESS)
    assert own_keys(prefix) == []  # expired: Redis does not grow with addresses


def test_an_address_key_keeps_only_as_many_failures_as_the_limit(prefix):
    limiter = RedisSignInLimiter(3, 60, URL, prefix)
    for _ in range(10):
        limiter.failed(ADDRESS)
    (key,) = own_keys(prefix)
    assert redis.Redis.from_url(URL).zcard(key) == 3 and limiter.blocked(ADDRESS)


def test_two_send_counters_made_apart_share_the_texts_of_a_call(prefix):
    one, two = RedisSendCounter(URL, prefix), RedisSendCounter(URL, prefix)
    assert TEXTS_PER_CALL == 3
    assert one.take("call-1") and two.take("call-1")
    one.give_back("call-1")  # a send that did not go out does not count, whoever counted it
    assert two.take("call-1") and one.take("call-1")
    assert not one.take("call-1") and not two.take("call-1")
    assert one.take("call-2")  # another call has its own texts
    red = redis.Redis.from_url(URL)
    assert all(0 < red.ttl(key) <= 24 * 3600 for key in own_keys(prefix))


def test_a_give_back_never_goes_below_nothing(prefix):
    counter = RedisSendCounter(URL, prefix)
    counter.give_back("call-1")
    assert all(counter.take("call-1") for _ in range(TEXTS_PER_CALL))
    assert not counter.take("call-1")


def test_keys_name_no_address_and_no_call_in_clear(prefix):
    RedisSignInLimiter(3, 60, URL, prefix).failed(ADDRESS)
    RedisSendCounter(URL, prefix).take("call-abc")
    keys = own_keys(prefix)
    assert len(keys) == 2 and not any(ADDRESS in k or "call-abc" in k for k in keys)
    assert {k.split(":")[1] for k in keys} == {"signin", "sms"}
    assert all(len(k.split(":")[2]) == 32 for k in keys)
    red = redis.Redis.from_url(URL)
    signin = next(k for k in keys if ":signin:" in k)
    assert not any(ADDRESS.encode() in m for m in red.zrange(signin, 0, -1))


def test_with_redis_unreachable_each_process_still_limits(caplog):
    port = closed_port()
    down = f"redis://127.0.0.1:{port}/13"
    limiter, counter = RedisSignInLimiter(3, 60, down), RedisSendCounter(down)
    with caplog.at_level(logging.WARNING, logger=shared_counters.__name__):
        for _ in range(3):
            assert not limiter.blocked(ADDRESS)
            limiter.failed(ADDRESS)
        assert limiter.blocked(ADDRESS) and not limiter.blocked(OTHER)
        assert all(counter.take("call-1") for _ in range(TEXTS_PER_CALL))
        assert not counter.take("call-1")
        counter.give_back("call-1")
        assert counter.take("call-1")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2  # once per counter, not once per call
    assert not any(ADDRESS in w or "call-1" in w or str(port) in w for w in warnings)


def test_an_outage_continues_from_what_this_process_counted(prefix):
    limiter = RedisSignInLimiter(3, 60, URL, prefix)
    for _ in range(3):
        limiter.failed(ADDRESS)
    limiter.shared.red = redis.Redis(port=closed_port(), socket_connect_timeout=0.5)
    limiter._count = limiter.shared.script(shared_counters.COUNT)  # scripts bound to the client
    assert limiter.blocked(ADDRESS)


def test_redis_only_when_a_url_is_set():
    plain = StaffSettings(30, 10, 5, 15, False)
    assert isinstance(sign_in_limiter(plain), SignInLimiter)
    assert isinstance(send_counter(plain), SendCounter)
    shared = replace(plain, counters_redis_url=URL, counters_prefix="wfx")
    assert isinstance(sign_in_limiter(shared), RedisSignInLimiter)
    assert isinstance(send_counter(shared), RedisSendCounter)


def test_the_setting_comes_from_the_environment(monkeypatch):
    from bot.staff.settings import load
    monkeypatch.delenv("WAYFINDER_COUNTERS_REDIS_URL", raising=False)
    assert load().counters_redis_url == ""
    monkeypatch.setenv("WAYFINDER_COUNTERS_REDIS_URL", URL)
    monkeypatch.setenv("WAYFINDER_COUNTERS_PREFIX", "wfx")
    assert (load().counters_redis_url, load().counters_prefix) == (URL, "wfx")


def test_every_rasa_instance_of_the_cluster_gets_the_counters_redis(monkeypatch, tmp_path):
    settings = replace(ClusterSettings(), instances=3, run_dir=tmp_path, redis_host="127.0.0.1",
                       redis_port=6390, redis_db=4, prefix="wfclu")
    monkeypatch.setattr(services, "redis_command", lambda s: (s, None))
    monkeypatch.setattr(services, "rabbitmq", lambda s: (["rabbitmq"], {"RABBITMQ_PID_FILE": "x"}))
    monkeypatch.setattr(nginx, "command", lambda s: ["nginx"])
    _, children = cluster_main.build(settings, "token")
    rasa = [c for c in children if c.name.startswith("rasa-")]
    assert len(rasa) == 3
    for child in rasa:
        assert child.env["WAYFINDER_COUNTERS_REDIS_URL"] == "redis://127.0.0.1:6390/4"
        assert child.env["WAYFINDER_COUNTERS_PREFIX"] == "wfclu"
        assert child.env["WAYFINDER_REDIS_PORT"] == "6390"  # the lock store's Redis
