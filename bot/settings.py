"""The one place that reads Wayfinder's settings from the environment.

Every other module asks this one (so a reader can see every knob in one file). Values are read
when asked for, not at import, so tests and the launcher can change the environment first.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def environ() -> Mapping[str, str]:
    """The whole environment, for parsers that take a mapping (bot/sms/settings.py)."""
    return os.environ


def raw(name: str) -> str:
    """A setting exactly as given (secrets are not stripped)."""
    return os.environ.get(name, "")


def text(name: str, default: str = "") -> str:
    """A setting as stripped text ("" counts as not set)."""
    return os.environ.get(name, "").strip() or default


def number(name: str, default: float, minimum: float = 0.0) -> float:
    """A positive number; a missing or malformed value falls back to the default."""
    raw = text(name)
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > minimum else default


def flag(name: str, default: bool = False) -> bool:
    raw = text(name).lower()
    return default if not raw else raw in {"1", "true", "yes", "on"}


# --- network and secrets -------------------------------------------------------------------

def bind_host() -> str:
    """Where Rasa and the action server listen: loopback unless WAYFINDER_HOST says otherwise."""
    return text("WAYFINDER_HOST", "127.0.0.1")


def _secret(name: str) -> str:
    """A secret from NAME, or else from the file that NAME_FILE names (never a command line)."""
    value = text(name)
    path = text(f"{name}_FILE")
    if not value and path:
        value = Path(path).read_text(encoding="utf-8").strip()
    return value


def rasa_token() -> str:
    """Rasa's HTTP API token: RASA_TOKEN, or the first line of the file RASA_TOKEN_FILE names."""
    return _secret("RASA_TOKEN")


def action_secret() -> str:
    """Shared secret Rasa sends to the action server (WAYFINDER_ACTION_SECRET or ..._FILE)."""
    return _secret("WAYFINDER_ACTION_SECRET")


# --- time limits ---------------------------------------------------------------------------

def action_timeout() -> float:
    """Seconds Rasa waits for the action server (crisis replies must go out within 5 s)."""
    return number("WAYFINDER_ACTION_TIMEOUT", 3.0)


def action_retry_after() -> float:
    """After a timeout, calls fail at once for this many seconds instead of waiting again."""
    return number("WAYFINDER_ACTION_RETRY_AFTER", 30.0)


# --- input ---------------------------------------------------------------------------------

def max_message_chars() -> int:
    """Longest message accepted at the door (about 8 KB of text)."""
    return int(number("WAYFINDER_MAX_MESSAGE_CHARS", 8000))


# --- storage -------------------------------------------------------------------------------

def database_url() -> str:
    return text("DATABASE_URL")


def tracker_retention_days() -> int:
    """Days conversations are kept (shorter than the needs log's WAYFINDER_RETENTION_DAYS)."""
    return int(number("WAYFINDER_TRACKER_RETENTION_DAYS", 30))


def counters_redis_url() -> str:
    """Redis for the staff console's counters (sign-ins per address, texts per call) shared by
    every instance, e.g. redis://127.0.0.1:6379/1; unset: each process counts in memory."""
    return text("WAYFINDER_COUNTERS_REDIS_URL")


def counters_prefix() -> str:
    """The counters' key namespace in that Redis (several Wayfinders can share one Redis)."""
    return text("WAYFINDER_COUNTERS_PREFIX", "wayfinder")


def purge_every_hours() -> float:
    """How often the running service purges old data."""
    return number("WAYFINDER_PURGE_EVERY_HOURS", 24.0)
