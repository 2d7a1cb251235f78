"""Two staff-console servers (two processes, one database, as two Rasa instances of `make
cluster`) with WAYFINDER_COUNTERS_REDIS_URL set count failed sign-ins from one address together,
through the real sign-in route. Needs Redis on loopback; db 13, only this test's keys deleted."""

from __future__ import annotations

import uuid

import pytest
import redis

from tests.staff import server as staff_server
from tests.staff.http import Browser

URL = "redis://127.0.0.1:6379/13"
PASSWORD = "plum-orchard-47-lantern"


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    prefix = f"wftest{uuid.uuid4().hex[:12]}"
    env = {"WAYFINDER_STAFF_IP_MAX_FAILURES": "3", "WAYFINDER_COUNTERS_REDIS_URL": URL,
           "WAYFINDER_COUNTERS_PREFIX": prefix}
    one, info_one = staff_server.start(tmp_path_factory.mktemp("one"), {"erin": PASSWORD}, env)
    two, info_two = staff_server.start(tmp_path_factory.mktemp("two"), {},
                                       {**env, "DATABASE_URL": info_one["url"]})
    yield info_one, info_two, prefix
    for process in (one, two):
        staff_server.stop(process)
    red = redis.Redis.from_url(URL)
    for key in red.scan_iter(f"{prefix}:*"):
        red.delete(key)


def test_failed_sign_ins_on_two_servers_add_up(two_servers):
    one, two, prefix = two_servers
    assert Browser(two["base"]).sign_in("erin", PASSWORD).status == 303  # the shared accounts
    for server, name in ((one, "dan"), (two, "erin"), (one, "frank")):  # 3 guesses, 2 servers
        assert Browser(server["base"]).sign_in(name, "wrong password here").status == 401
    for server in (one, two):  # each saw fewer than 3, but both refuse the right password now
        reply = Browser(server["base"]).sign_in("erin", PASSWORD)
        assert reply.status == 429 and "Too many wrong sign-ins" in reply.body
    keys = [k.decode() for k in redis.Redis.from_url(URL).scan_iter(f"{prefix}:*")]
    assert len(keys) == 1 and keys[0].startswith(f"{prefix}:signin:")
    assert "127.0.0.1" not in keys[0]
    for server in (one, two):
        assert "127.0.0.1" not in server["log"].read_text()
