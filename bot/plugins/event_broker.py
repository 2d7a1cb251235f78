"""Rasa's SQL event broker, pointed at WAYFINDER_BROKER_URL (default data/local/events.db).

The single-machine default: every event Rasa stores is also written here, and the needs-log
consumer (python -m bot needs-consumer) turns it into the needs log. A cluster uses Rasa's Pika
broker to RabbitMQ instead (cluster/endpoints.yml).

The tracker store hands each saved turn's events to publish_later(), after the save, so the
person's reply never waits for this database: one worker thread writes them in the order they
came (a conversation's events stay in order), and close() (Rasa calls it when it stops) waits
for what is queued. Events lost with a killed process are found in the tracker store by the
consumer's reconciler.
"""

from __future__ import annotations

import asyncio
import json
import logging
from asyncio import AbstractEventLoop
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy
import sqlalchemy.orm
from rasa.core.brokers.sql import SQLEventBroker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import event

from bot.needs_log.db import default_broker_url
from bot.plugins.tracker_store import pooled_sqlite_engine, sql_store_arguments

logger = logging.getLogger(__name__)


def _no_sync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()


class WayfinderEventBroker(SQLEventBroker):
    """SQLEventBroker with its database taken from the environment."""

    def __init__(self, url: str | None = None, **_: Any) -> None:
        arguments = sql_store_arguments(url or default_broker_url())
        arguments.pop("query", None)
        super().__init__(**arguments)
        if self.engine.dialect.name == "sqlite":  # connections kept, not one per event
            self.engine.dispose()
            # Written from the writer thread below: connections kept in a small pool.
            self.engine = pooled_sqlite_engine(self.engine.url)
            self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)
            # No fsync per commit: after a power cut the last events may be missing here, and
            # the consumer finds them in the tracker store instead.
            event.listen(self.engine, "connect", _no_sync)
            with self.engine.connect() as connection:  # readers (the consumer) never block Rasa
                connection.exec_driver_sql("PRAGMA journal_mode = WAL")
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="event-broker")

    def publish_later(self, events: list[dict[str, Any]]) -> None:
        """Queues a turn's events for publish_many in the writer thread and returns at once."""
        if not events:
            return
        try:
            self._writer.submit(self._publish_logged, events)
        except RuntimeError:  # closed (Rasa is stopping): written here rather than lost
            self._publish_logged(events)

    def _publish_logged(self, events: list[dict[str, Any]]) -> None:
        try:
            self.publish_many(events)
        except Exception as error:  # noqa: BLE001 - the consumer reconciles from the store
            logger.error("event_broker.publish_failed %s", type(error).__name__)

    def flush(self) -> None:
        """Waits until everything queued so far is written (blocking: not on the event loop)."""
        self._writer.submit(lambda: None).result()

    def publish_many(self, events: list[dict[str, Any]]) -> None:
        """One transaction and one multi-row insert for a turn's events, in order (Rasa's publish
        commits each event alone on the event loop: the profile of one journey spent 43% of
        Rasa's time there)."""
        if not events:
            return
        with self.session_scope() as session:
            session.execute(self.SQLBrokerEvent.__table__.insert(), [
                {"sender_id": e.get("sender_id"), "data": json.dumps(e)} for e in events])
            session.commit()

    async def close(self) -> None:
        """Waits for the queued turns to be written (Rasa calls this when it stops)."""
        await asyncio.to_thread(self._writer.shutdown, wait=True)
        await super().close()

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig,
                                   event_loop: AbstractEventLoop | None = None
                                   ) -> WayfinderEventBroker:
        return cls(**broker_config.kwargs)
