"""Shared, lazily created services for the actions (no database or file work at import)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.types import DomainDict

from bot.directory import Directory
from bot.directory import default as default_directory
from bot.needs_log.facts import SLOT as NEEDS_RECORD
from bot.nlu.domain_builder import build_domain

CHANNEL_NAMES = {"twilio": "sms", "socketio": "web", "rest": "web", "chat": "web", "staff": "staff"}


@lru_cache(maxsize=1)
def training_domain() -> DomainDict:
    """The domain Rasa is trained with (domain.yml + data/domain/, as `make domain` builds it),
    read once. Rasa does not send its 46 KB domain with every call (endpoints.yml
    enable_selective_domain): the validation actions read the slots and the form from here."""
    return build_domain()


def domain_or_ours(domain: DomainDict) -> DomainDict:
    """The domain Rasa sent, or ours when it sent none."""
    return domain if domain else training_domain()


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
