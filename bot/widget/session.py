"""Ending a widget conversation on the server ("clear this conversation"): its transcript (the
Rasa tracker events) is deleted. The needs log keeps only pseudonymous, aggregated facts."""

from __future__ import annotations

import logging
from functools import lru_cache

from bot.needs_log import NeedsLog
from bot.needs_log.tracker import erase_tracker

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _needs_log() -> NeedsLog:
    return NeedsLog()  # DATABASE_URL, the same database as the tracker store


def end_conversation(sender_id: str) -> int:
    """Deletes this conversation's transcript; returns the number of events deleted. Blocking:
    call it from a thread, never directly inside the event loop."""
    with _needs_log().uow() as uow:
        deleted = erase_tracker(uow.connection, [sender_id])
        uow.commit()
    log.info("widget conversation ended: %d events deleted", deleted)
    return deleted
