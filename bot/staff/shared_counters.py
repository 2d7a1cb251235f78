"""The staff console's two counters in Redis, shared by every Rasa instance (`make cluster`).

Failed sign-ins per client address (bot/staff/ratelimit.py) and texts per call (SendCounter in
bot/staff/sms.py) count in each process's memory by default; with several instances each would
count alone, so a password guesser would get N times the attempts and a call N times the texts.
With WAYFINDER_COUNTERS_REDIS_URL set, these classes keep the counts in Redis instead, with the
same methods. Each step is one Lua script (atomic on the server), timed by the Redis server's
clock (instances need not agree on the time), and every key expires:

- `<prefix>:signin:<pseudonym>`: a sorted set of failure times, trimmed to the window and to
  max_failures entries, expiring one window after the last failure;
- `<prefix>:sms:<pseudonym>`: the call's number of texts, expiring a day after its last text.

Keys hold a keyed pseudonym (bot/privacy.py: HMAC-SHA256 with WAYFINDER_SECRET), never the
address or call id: a plain SHA-256 of an IPv4 address could be reversed by trying all 2^32.

Redis unreachable (a blip, a restart): refusing every sign-in would lock staff out, and not
limiting would give a guesser unlimited tries, so each process falls back to its own in-memory
counter, which it keeps up to date beside Redis all along (so an outage continues from the
counts this process has seen). It logs one warning (no address, no call id, no URL) and retries
Redis after RETRY_AFTER_S. During an outage each instance counts alone, as without Redis.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from typing import Any, Protocol

import redis

from bot.privacy import pseudonym
from bot.staff.ratelimit import SignInLimiter
from bot.staff.settings import StaffSettings
from bot.staff.sms import TEXTS_PER_CALL, SendCounter

log = logging.getLogger(__name__)
SOCKET_TIMEOUT_S = 0.5  # a sign-in waits at most about this long for a Redis that hangs
RETRY_AFTER_S = 5.0  # after a failure, count in process this long before trying Redis again
SEND_COUNT_TTL_S = 24 * 3600  # a call's count is forgotten a day after its last text

_NOW_MS = """
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""
# KEYS[1] address key; ARGV: window ms, unique member, max failures -> failures in the window
FAILED = _NOW_MS + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.call('ZCARD', KEYS[1])
"""
# KEYS[1] address key; ARGV: window ms -> failures in the window
COUNT = _NOW_MS + """
return redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf')
"""
# KEYS[1] call key; ARGV: texts per call, ttl s -> 1 taken, 0 refused
TAKE = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], n + 1, 'EX', ARGV[2])
return 1
"""
# KEYS[1] call key -> the count before (DECR keeps the expiry)
GIVE_BACK = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return n
"""


class AddressLimiter(Protocol):
    def blocked(self, address: str) -> bool: ...
    def failed(self, address: str) -> None: ...


class CallCounter(Protocol):
    def take(self, call_id: str) -> bool: ...
    def give_back(self, call_id: str) -> None: ...


class _Redis:
    """A Redis client that answers None while Redis cannot be reached (warned once an outage)."""

    def __init__(self, url: str, what: str) -> None:
        self.red = redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT_S,
                                        socket_connect_timeout=SOCKET_TIMEOUT_S)
        self.what = what
        self._retry_at = 0.0
        self._down = False
        self._guard = threading.Lock()

    def script(self, lua: str) -> Any:
        return self.red.register_script(lua)

    def run(self, script: Any, key: str, *args: object) -> int | None:
        if time.monotonic() < self._retry_at:
            return None
        try:
            answer = int(script(keys=[key], args=list(args)))
        except redis.RedisError as exc:
            with self._guard:
                self._retry_at = time.monotonic() + RETRY_AFTER_S
                first, self._down = not self._down, True
            if first:  # the class of error only: its text could name the host or a password
                log.warning("staff console: Redis for the %s counter unreachable (%s); counting "
                            "in this process until it answers", self.what,
                            exc.__class__.__name__)
            return None
        if self._down:
            with self._guard:
                self._down = False
            log.info("staff console: Redis for the %s counter answers again", self.what)
        return answer


class RedisSignInLimiter:
    """SignInLimiter's methods, counted in Redis for every instance."""

    def __init__(self, max_failures: int, window_s: float, url: str,
                 prefix: str = "wayfinder") -> None:
        self.max_failures, self.window_ms = max_failures, max(1, round(window_s * 1000))
        self.prefix = prefix
        self.local = SignInLimiter(max_failures, window_s)
        self.shared = _Redis(url, "sign-in")
        self._failed, self._count = self.shared.script(FAILED), self.shared.script(COUNT)

    def key(self, address: str) -> str:
        return f"{self.prefix}:signin:{pseudonym('signin:' + address)}"

    def blocked(self, address: str) -> bool:
        count = self.shared.run(self._count, self.key(address), self.window_ms)
        local = self.local.blocked(address)  # never fewer than this process has seen
        return local if count is None else local or count >= self.max_failures

    def failed(self, address: str) -> None:
        self.local.failed(address)
        self.shared.run(self._failed, self.key(address), self.window_ms,
                        secrets.token_hex(8), self.max_failures)


class RedisSendCounter:
    """SendCounter's methods, counted in Redis for every instance."""

    def __init__(self, url: str, prefix: str = "wayfinder",
                 ttl_s: int = SEND_COUNT_TTL_S) -> None:
        self.prefix, self.ttl_s = prefix, ttl_s
        self.local = SendCounter()
        self.shared = _Redis(url, "texts-per-call")
        self._take, self._give_back = self.shared.script(TAKE), self.shared.script(GIVE_BACK)

    def key(self, call_id: str) -> str:
        return f"{self.prefix}:sms:{pseudonym('call:' + call_id)}"

    def take(self, call_id: str) -> bool:
        taken = self.shared.run(self._take, self.key(call_id), TEXTS_PER_CALL, self.ttl_s)
        if taken is None:
            return self.local.take(call_id)
        if taken:
            self.local.take(call_id)  # kept beside Redis: an outage continues from here
        return bool(taken)

    def give_back(self, call_id: str) -> None:
        self.local.give_back(call_id)
        self.shared.run(self._give_back, self.key(call_id))


def sign_in_limiter(settings: StaffSettings) -> AddressLimiter:
    """In Redis when WAYFINDER_COUNTERS_REDIS_URL is set, else in this process."""
    window_s = settings.ip_window_minutes * 60.0
    if settings.counters_redis_url:
        return RedisSignInLimiter(settings.ip_max_failures, window_s,
                                  settings.counters_redis_url, settings.counters_prefix)
    return SignInLimiter(settings.ip_max_failures, window_s)


def send_counter(settings: StaffSettings) -> CallCounter:
    """In Redis when WAYFINDER_COUNTERS_REDIS_URL is set, else in this process."""
    if settings.counters_redis_url:
        return RedisSendCounter(settings.counters_redis_url, settings.counters_prefix)
    return SendCounter()
