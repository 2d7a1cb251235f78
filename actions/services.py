"""Shared, lazily created services for the actions (no database or file work at import)."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker

from bot.directory import Directory
from bot.directory import default as default_directory
from bot.needs_log import NeedsLog
from bot.needs_log.facts import SLOT as NEEDS_RECORD

log = logging.getLogger(__name__)
CHANNEL_NAMES = {"twilio": "sms", "socketio": "web", "rest": "web", "chat": "web"}


@lru_cache(maxsize=1)
def needs_log() -> NeedsLog:
    return NeedsLog()


def directory() -> Directory:
    """The council's services directory (WAYFINDER_DIRECTORY, else the sample); loaded once."""
    return default_directory()


def channel_of(tracker: Tracker) -> str:
    """The needs-log channel id for the channel this person is using."""
    return CHANNEL_NAMES.get(tracker.get_latest_input_channel() or "", "web")


def event_key(tracker: Tracker, what: str) -> str:
    """A key that is the same when the same message is replayed, so logging stays idempotent."""
    latest = tracker.latest_message or {}
    stamp = next((e.get("timestamp") for e in reversed(tracker.events) if e.get("event") == "user"),
                 None)
    return f"{what}:{latest.get('message_id') or stamp or len(tracker.events)}"


def record(*facts: dict[str, Any]) -> dict[str, Any]:
    """Needs-log facts as a slot value: Rasa carries them (tracker and event broker) to the
    needs-log consumer, so no action writes to the database while a person waits."""
    return {NEEDS_RECORD: list(facts)}


def safely(what: str, call: Any, *args: Any, **kwargs: Any) -> Any:
    """Runs a logging call; a database problem must never stop the person getting an answer."""
    try:
        return call(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - logged without personal data, conversation goes on
        log.error("needs log: %s failed (%s)", what, exc.__class__.__name__)
        return None
