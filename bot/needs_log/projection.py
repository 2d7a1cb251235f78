"""The needs log as a projection of Rasa's event stream: one Rasa event in, its facts applied once.

An event's identity is its conversation, type, timestamp, slot name and value: the same whether
it comes from the event broker (SQL or RabbitMQ) or is read back from the tracker store, so a
replay, a redelivery or a rebuild applies nothing twice. The identity is stored as a keyed hash
(bot.privacy's key), never the conversation id itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from bot import privacy
from bot.needs_log import facts as f
from bot.needs_log import validate as v
from bot.needs_log.facade import NeedsLog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Applied:
    """What one event did: skipped (not ours), duplicate (already applied) or facts applied."""

    relevant: bool
    duplicate: bool = False
    facts: int = 0
    rejected: int = 0


def facts_in(event: Mapping[str, Any]) -> list[Any] | None:
    """The facts an event carries, or None if it is not a `needs_record` SlotSet."""
    if event.get("event") != "slot" or event.get("name") != f.SLOT:
        return None
    value = event.get("value")
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def event_identity(sender_id: str, event: Mapping[str, Any]) -> str:
    """A keyed hash of what makes this event this event (64 hex characters)."""
    parts = [sender_id, str(event.get("event")), repr(float(event.get("timestamp") or 0.0)),
             str(event.get("name")), json.dumps(event.get("value"), sort_keys=True, default=str)]
    return hmac.new(privacy.secret_key(), "\x00".join(parts).encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()


def event_time(event: Mapping[str, Any]) -> datetime:
    stamp = event.get("timestamp")
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool) and stamp > 0:
        return v.utc_naive(datetime.fromtimestamp(stamp, tz=timezone.utc))
    return v.utc_naive(None)


class Projector:
    """Applies Rasa events to the needs log, each in one transaction with its identity."""

    def __init__(self, needs_log: NeedsLog) -> None:
        self.needs_log = needs_log

    def apply(self, sender_id: str, event: Mapping[str, Any]) -> Applied:
        found = facts_in(event)
        if found is None:
            return Applied(relevant=False)
        sender = v.sender_id(sender_id)
        when = event_time(event)
        identity = event_identity(sender, event)
        rejected = 0
        with self.needs_log.uow() as uow:
            if not uow.repo.claim_event(identity, when):
                return Applied(relevant=True, duplicate=True)
            contact_id = privacy.pseudonym(sender)
            if uow.repo.erased_since(contact_id, when):  # erased after this was said
                uow.commit()
                return Applied(relevant=True, duplicate=True)
            for fact in found:
                try:
                    f.apply_fact(uow.repo, contact_id, fact, when)
                except ValueError:  # a bad id is dropped (logged without personal data)
                    rejected += 1
                    log.warning("needs log: a fact with an unknown id was not recorded")
            uow.commit()
        return Applied(relevant=True, facts=len(found) - rejected, rejected=rejected)
