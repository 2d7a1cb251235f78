"""The staff console's settings, read from the environment here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

from bot import settings as wayfinder_settings


def _int(name: str, default: int, low: int) -> int:
    raw = wayfinder_settings.text(name)
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < low:
        raise ValueError(f"{name} must be a whole number of at least {low}")
    return int(raw)


@dataclass(frozen=True)
class StaffSettings:
    idle_minutes: int  # a session unused this long is over
    max_hours: int  # a session is over this long after sign-in, however busy
    max_failures: int  # wrong passwords in a row before the account is locked
    lockout_minutes: int
    secure_cookie: bool  # set the Secure flag even on plain http (behind a TLS proxy)
    ip_max_failures: int = 20  # failed sign-ins from one address (any accounts) in the window
    ip_window_minutes: int = 15
    counters_redis_url: str = ""  # set: both counters live in this Redis, shared by instances
    counters_prefix: str = "wayfinder"  # their keys' namespace there


def load() -> StaffSettings:
    return StaffSettings(
        idle_minutes=_int("WAYFINDER_STAFF_IDLE_MINUTES", 30, 1),
        max_hours=_int("WAYFINDER_STAFF_MAX_HOURS", 10, 1),
        max_failures=_int("WAYFINDER_STAFF_MAX_FAILURES", 5, 1),
        lockout_minutes=_int("WAYFINDER_STAFF_LOCKOUT_MINUTES", 15, 1),
        secure_cookie=wayfinder_settings.text("WAYFINDER_STAFF_SECURE_COOKIE") == "1",
        ip_max_failures=_int("WAYFINDER_STAFF_IP_MAX_FAILURES", 20, 1),
        ip_window_minutes=_int("WAYFINDER_STAFF_IP_WINDOW_MINUTES", 15, 1),
        counters_redis_url=wayfinder_settings.counters_redis_url(),
        counters_prefix=wayfinder_settings.counters_prefix(),
    )
