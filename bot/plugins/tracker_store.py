"""Rasa's SQL tracker store, pointed at the same database as the needs log (DATABASE_URL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.needs_log.db import default_database_url


def sql_store_arguments(url: str) -> dict[str, Any]:
    """DATABASE_URL split into SQLTrackerStore's keyword arguments (dialect, host, db, ...)."""
    parsed = make_url(url)
    arguments: dict[str, Any] = {
        "dialect": parsed.drivername,
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
        "query": dict(parsed.query) or None,
    }
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return arguments


class WayfinderTrackerStore(SQLTrackerStore):
    """Conversations are kept in DATABASE_URL (default: the project's SQLite file)."""

    def __init__(self, domain: Domain | None = None, event_broker: EventBroker | None = None,
                 **kwargs: Any) -> None:
        url = kwargs.pop("url", None) or default_database_url()
        super().__init__(domain=domain, event_broker=event_broker, **sql_store_arguments(url))
        if self.engine.dialect.name == "sqlite":  # WAL: one fsync per turn, readers never wait
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode = WAL")

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, publishing exactly the events it stores, after they are stored.

        Rasa's own save first loads the whole stored tracker again to work out which events
        are new for the broker (a second read per turn), then counts them again to store them.
        Here the count is done once: the broker gets what was committed, never more."""
        with self.session_scope() as session:
            events = list(self._additional_events(session, tracker))
            for event in events:
                data = event.as_dict()
                intent = (data.get("parse_data") or {}).get("intent", {}).get("name")
                session.add(self.SQLEvent(sender_id=tracker.sender_id, type_name=event.type_name,
                                          timestamp=data.get("timestamp"), intent_name=intent,
                                          action_name=data.get("name"), data=json.dumps(data)))
            session.commit()
        if self.event_broker is not None:
            bodies = [{"sender_id": tracker.sender_id, **event.as_dict()} for event in events]
            if hasattr(self.event_broker, "publish_many"):  # ours: one transaction per turn
                self.event_broker.publish_many(bodies)
            else:
                for body in bodies:
                    self.event_broker.publish(body)
