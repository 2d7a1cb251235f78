"""Erase and purge in Rasa's SQL tracker store (table `events`), by reflection, without Rasa."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import MetaData, Table, delete, inspect
from sqlalchemy.engine import Connection, make_url

TRACKER_TABLE = "events"  # rasa.core.tracker_store.SQLTrackerStore.SQLEvent.__tablename__
log = logging.getLogger(__name__)


def _events_table(connection: Connection) -> Table | None:
    """The tracker table if it exists and looks like Rasa's (sender_id and timestamp columns)."""
    if not inspect(connection).has_table(TRACKER_TABLE):
        return None
    table = Table(TRACKER_TABLE, MetaData(), autoload_with=connection)
    if "sender_id" not in table.c or "timestamp" not in table.c:
        log.warning("table %r has no sender_id/timestamp column: not Rasa's tracker; left alone",
                    TRACKER_TABLE)
        return None
    return table


def erase_tracker(connection: Connection, sender_ids: Sequence[str]) -> int:
    """Deletes every tracker event of these conversation ids; returns the number deleted."""
    table = _events_table(connection)
    if table is None or not sender_ids:
        return 0
    return connection.execute(delete(table).where(table.c.sender_id.in_(list(sender_ids)))).rowcount


def purge_tracker(connection: Connection, cutoff: datetime) -> int:
    """Deletes tracker events older than cutoff (Rasa stores a Unix timestamp as a float)."""
    table = _events_table(connection)
    if table is None:
        return 0
    if cutoff.tzinfo is None:
        cutoff = cutoff.replace(tzinfo=timezone.utc)
    return connection.execute(delete(table).where(table.c.timestamp < cutoff.timestamp())).rowcount


def erase_broker_events(sender_ids: Sequence[str], url: str | None = None) -> int:
    """Deletes events of these conversations still waiting in Rasa's SQL event broker (the
    single-machine default; RabbitMQ's are dropped by the consumer, see wf_erasure)."""
    from bot.needs_log.db import default_broker_url, make_engine

    url = url or default_broker_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return 0  # no broker file: nothing waiting
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            if not inspect(connection).has_table(TRACKER_TABLE) or not sender_ids:
                return 0
            table = Table(TRACKER_TABLE, MetaData(), autoload_with=connection)
            if "sender_id" not in table.c or "data" not in table.c:
                return 0
            return connection.execute(delete(table).where(
                table.c.sender_id.in_(list(sender_ids)))).rowcount
    finally:
        engine.dispose()
