"""Rasa's SQL tracker store, pointed at the same database as the needs log (DATABASE_URL).

On top of Rasa's SQLTrackerStore:
- identifiers are removed from what the person typed (text, parse data, metadata, free-text
  slots) before anything is stored (bot/stored_text.py, using bot/redact.py);
- every database wait has a limit (PostgreSQL lock and statement timeouts, SQLite busy timeout);
- a SQLite file's connections are kept in a small pool (SQLAlchemy 1.4 opens and closes one per
  read or write, and closing one ran a WAL checkpoint: 30% of the write's time in py-spy);
- a SQLite file is in WAL mode (as the needs log sets it) with synchronous = NORMAL: a commit
  is not fsynced, so a killed Rasa loses nothing, but a power cut or OS crash may lose the last
  turns written (the file stays consistent). PostgreSQL (the cluster) is unchanged;
- a SQLite file is created 0600 in a 0700 folder;
- the running service purges old data itself, at most every WAYFINDER_PURGE_EVERY_HOURS
  (conversations after WAYFINDER_TRACKER_RETENTION_DAYS, 30 by default; the needs log after
  WAYFINDER_RETENTION_DAYS), in a worker thread so the event loop never waits for it;
- reads and writes run in worker threads too (Rasa's own do blocking work inside async def);
- the event broker gets exactly the redacted events stored, once, after the commit (Rasa's
  save reads the whole conversation again to find them); our SQL broker queues them
  (publish_later: its own writer thread, in order) so the reply does not wait for it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

import sqlalchemy
import sqlalchemy.orm
import sqlalchemy.pool
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bot import settings
from bot.needs_log.db import default_database_url, secure_sqlite_file
from bot.stored_text import redact_event

logger = logging.getLogger(__name__)
# Lock waits end in 1.5 s (a turn reads once and writes once): a crisis reply within 5 s.
POSTGRES_TIMEOUTS = ("SET lock_timeout = '1500ms'", "SET statement_timeout = '10s'")
SQLITE_BUSY_TIMEOUT_MS = 3000


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
        secure_sqlite_file(Path(parsed.database).expanduser())
    return arguments


def pooled_sqlite_engine(url: sqlalchemy.engine.URL) -> sqlalchemy.engine.Engine:
    """An engine for a SQLite file whose connections are kept for reuse by worker threads
    (SQLAlchemy 1.4's SQLite file default opens and closes a connection per use). Each session
    still ends its transaction before its connection goes back to the pool."""
    return sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.QueuePool, pool_size=2,
                                    max_overflow=6, connect_args={"check_same_thread": False})


def _limit_waits(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        # No fsync per turn; safe from corruption only in WAL mode, so WAL is set here too.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    else:
        for statement in POSTGRES_TIMEOUTS:
            cursor.execute(statement)
        dbapi_connection.commit()  # else the pool's rollback undoes the SETs
    cursor.close()


class WayfinderTrackerStore(SQLTrackerStore):
    """Conversations are kept in DATABASE_URL (default: the project's SQLite file), redacted."""

    def __init__(self, domain: Domain | None = None, event_broker: EventBroker | None = None,
                 **kwargs: Any) -> None:
        url = kwargs.pop("url", None) or default_database_url()
        super().__init__(domain=domain, event_broker=event_broker, **sql_store_arguments(url))
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "",
                                                                                     ":memory:"):
            self._pool_sqlite_connections()
        event.listen(self.engine, "connect", _limit_waits)
        self.engine.dispose()  # connections made before the listener get the limits too
        self._url = url
        self._last_purge = 0.0

    def _pool_sqlite_connections(self) -> None:
        """Connections to the SQLite file kept for reuse by the worker threads."""
        self.engine.dispose()
        self.engine = pooled_sqlite_engine(self.engine.url)
        self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool
                        ) -> DialogueStateTracker | None:
        """Rasa's read (synchronous work in an async def), run in a worker thread."""
        return await asyncio.to_thread(self._read, sender_id, fetch_events_from_all_sessions)

    def _read(self, sender_id: str, fetch_events_from_all_sessions: bool
              ) -> DialogueStateTracker | None:
        """SQLTrackerStore._retrieve's body, synchronous (no event loop made per read)."""
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id,
                                     fetch_events_from_all_sessions=fetch_events_from_all_sessions
                                     ).all()
            events = [json.loads(row.data) for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, with each event redacted, written from a worker thread; the event broker
        gets exactly the (redacted) events stored, after they are stored.

        Rasa's own save first loads the whole stored tracker again to work out which events are
        new for the broker (a second read per turn). Our SQL broker is handed a turn's events to
        write in its own thread (one transaction, in order) and the reply goes out without
        waiting for it; another broker (Pika) is handed them one by one here."""
        stored = await asyncio.to_thread(self._write, tracker)
        if stored and self.event_broker is not None:
            publish_later = getattr(self.event_broker, "publish_later", None)
            if publish_later is not None:
                publish_later(stored)
            else:
                for body in stored:
                    self.event_broker.publish(body)
        self._schedule_purge()

    def _write(self, tracker: DialogueStateTracker) -> list[dict[str, Any]]:
        stored, rows = [], []
        with self.session_scope() as session:
            for item in self._additional_events(session, tracker):
                data = redact_event(item.as_dict())
                stored.append({"sender_id": tracker.sender_id, **data})
                rows.append({"sender_id": tracker.sender_id, "type_name": item.type_name,
                             "timestamp": data.get("timestamp"),
                             "intent_name": (data.get("parse_data") or {}).get("intent", {}).get(
                                 INTENT_NAME_KEY),
                             "action_name": data.get("name"), "data": json.dumps(data)})
            if rows:
                # One multi-row INSERT, in order, instead of an ORM object per event (the ORM's
                # unit of work was about half of each write: py-spy, issue 14).
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()
        return stored

    def _schedule_purge(self) -> None:
        now = time.monotonic()
        if self._last_purge and now - self._last_purge < settings.purge_every_hours() * 3600:
            return
        self._last_purge = now
        task = asyncio.get_running_loop().run_in_executor(None, purge_now, self._url)
        task.add_done_callback(lambda done: done.exception())  # logged inside purge_now


def purge_now(url: str) -> dict[str, int]:
    """Deletes what is past its retention period (called from a worker thread)."""
    from bot.needs_log import NeedsLog

    try:
        counts = NeedsLog(url).purge()
    except Exception as error:  # noqa: BLE001 - tried again at the next period
        logger.error("tracker_store.purge_failed %s", type(error).__name__)
        return {}
    logger.info("tracker_store.purged %s", counts)
    return counts
