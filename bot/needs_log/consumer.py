"""The needs-log consumer: reads Rasa's event stream and builds the needs log from it.

  python -m bot needs-consumer                    Rasa's SQL event broker (WAYFINDER_BROKER_URL)
  python -m bot needs-consumer --amqp-url URL     Rasa's Pika broker: a durable RabbitMQ queue
  python -m bot needs-consumer --rebuild          re-read every conversation in the tracker store
Every event is applied at most once (bot.needs_log.projection), so redelivery after a crash, a
RabbitMQ restart or a rebuild over a live log adds nothing twice. An event is acknowledged (or
deleted from the SQL broker's table) only after its facts are committed, so none is lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot import settings
from bot.needs_log.db import default_broker_url, make_engine
from bot.needs_log.facade import NeedsLog
from bot.needs_log.projection import Projector

QUEUE_ENV = "WAYFINDER_EVENTS_QUEUE"
DEFAULT_QUEUE = "wayfinder_events"  # the queue named in cluster/endpoints.yml
BROKER_TABLE = "events"  # rasa.core.brokers.sql.SQLEventBroker.SQLBrokerEvent
BATCH = 500
log = logging.getLogger(__name__)


@dataclass
class Counts:
    events: int = 0
    applied: int = 0
    duplicates: int = 0
    facts: int = 0
    errors: int = 0
    started: float = field(default_factory=time.monotonic)

    def line(self) -> str:
        return (f"needs-consumer: events={self.events} applied={self.applied} "
                f"duplicates={self.duplicates} facts={self.facts} errors={self.errors}")


class Consumer:
    """Applies events one at a time; never raises for one bad event."""

    def __init__(self, needs_log: NeedsLog) -> None:
        self.projector = Projector(needs_log)
        self.counts = Counts()

    def handle(self, sender_id: str | None, event: Any) -> bool:
        """True when the event is dealt with (applied, duplicate, irrelevant or unusable);
        False when the database failed and the event must be delivered again."""
        self.counts.events += 1
        if not isinstance(event, dict):
            self.counts.errors += 1
            return True
        sender = sender_id or event.get("sender_id")
        try:
            result = self.projector.apply(str(sender or ""), event)
        except ValueError:
            self.counts.errors += 1  # no sender id: nothing to attach the facts to
            return True
        except Exception as exc:  # noqa: BLE001 - the database: keep the event, try again
            log.error("needs-consumer: could not apply an event (%s)", exc.__class__.__name__)
            return False
        if result.relevant:
            self.counts.duplicates += result.duplicate
            self.counts.applied += not result.duplicate
            self.counts.facts += result.facts
        return True


# -- Rasa's SQL event broker (single machine) --------------------------------------------------
def _broker_rows(engine: Engine, after: int) -> list[tuple[int, str | None, str]]:
    with engine.connect().execution_options(sqlite_begin="DEFERRED") as connection:
        if not engine.dialect.has_table(connection, BROKER_TABLE):
            return []
        return [tuple(row) for row in connection.execute(text(
            f"SELECT id, sender_id, data FROM {BROKER_TABLE} WHERE id > :after "  # noqa: S608
            "ORDER BY id LIMIT :n"), {"after": after, "n": BATCH})]


def drain_sql_broker(consumer: Consumer, engine: Engine) -> int:
    """Applies every waiting event, deleting each batch once applied; returns how many."""
    done = 0
    while True:
        rows = _broker_rows(engine, 0)
        if not rows:
            return done
        handled = []
        for row_id, sender, data in rows:
            try:
                event = json.loads(data)
            except (TypeError, ValueError):
                event = None
            if not consumer.handle(sender, event):
                break  # database trouble: keep this and later rows for the next round
            handled.append(row_id)
        if handled:
            with engine.begin() as connection:
                connection.execute(text(f"DELETE FROM {BROKER_TABLE} WHERE id <= :last"),  # noqa: S608
                                   {"last": handled[-1]})
        done += len(handled)
        if len(handled) < len(rows):
            return done


def run_sql_broker(consumer: Consumer, url: str, once: bool, poll_seconds: float,
                   reconciler: Reconciler | None = None) -> None:
    engine = make_engine(url)
    try:
        while True:
            drain_sql_broker(consumer, engine)
            if reconciler is not None:
                reconciler.maybe_run()
            if once:
                return
            time.sleep(poll_seconds)
    finally:
        engine.dispose()


# -- Rasa's Pika broker (RabbitMQ, the cluster) -------------------------------------------------
async def run_rabbitmq(consumer: Consumer, amqp_url: str, queue_name: str,
                       idle_exit_seconds: float | None = None,
                       reconciler: Reconciler | None = None) -> None:
    """Consumes the durable queue Rasa publishes to; acks only after the commit. The connection
    is aio_pika's robust one: after a RabbitMQ restart it reconnects and consumes again."""
    import aio_pika

    connection = await aio_pika.connect_robust(amqp_url)
    last_seen = time.monotonic()

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        nonlocal last_seen
        last_seen = time.monotonic()
        try:
            event = json.loads(message.body)
        except ValueError:
            event = None
        sender = event.get("sender_id") if isinstance(event, dict) else None
        if await asyncio.to_thread(consumer.handle, sender, event):
            await message.ack()
        else:
            await asyncio.sleep(1)
            await message.nack(requeue=True)

    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=1)  # one at a time: a conversation's order is kept
        queue = await channel.declare_queue(queue_name, durable=True)
        await queue.consume(on_message)
        while idle_exit_seconds is None or time.monotonic() - last_seen < idle_exit_seconds:
            if reconciler is not None:
                await asyncio.to_thread(reconciler.maybe_run)
            await asyncio.sleep(0.5)


# -- rebuilding from the tracker store ---------------------------------------------------------
def tracker_events(engine: Engine, after: int = -1
                   ) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Every `needs_record` SlotSet kept in Rasa's SQL tracker store after row `after`, oldest
    first (read in pages, so the log, in the same database or not, can be written between)."""
    last = after
    while True:
        with engine.connect().execution_options(sqlite_begin="DEFERRED") as connection:
            if not engine.dialect.has_table(connection, "events"):
                return
            page = list(connection.execute(text(
                "SELECT id, sender_id, data FROM events WHERE type_name = 'slot' AND id > :last "
                "AND data LIKE :pattern ORDER BY id LIMIT :n"),
                {"pattern": '%"needs_record"%', "last": last, "n": BATCH}))
        if not page:
            return
        last = page[-1][0]
        for row_id, sender, data in page:
            try:
                yield row_id, sender, json.loads(data)
            except ValueError:
                continue


def rebuild(consumer: Consumer, tracker_url: str, after: int = -1) -> int:
    """Applies every needs_record event in the tracker store after row `after` (already applied
    ones are skipped by identity); returns the last row seen, for the next round."""
    engine = make_engine(tracker_url)
    last = after
    try:
        for row_id, sender, event in tracker_events(engine, after):
            if not consumer.handle(sender, event):
                break  # database trouble: start from here next round
            last = row_id
    finally:
        engine.dispose()
    return last


class Reconciler:
    """The safety net under the broker: Rasa's Pika broker publishes from a background task, so
    an instance killed (kill -9) just after saving a turn has stored events RabbitMQ never got.
    Every `every` seconds the consumer re-reads the tracker store's new needs_record events;
    identity makes this free of duplicates."""

    def __init__(self, consumer: Consumer, tracker_url: str, every: float) -> None:
        self.consumer, self.tracker_url, self.every = consumer, tracker_url, every
        self.after = -1
        self.due = 0.0

    def maybe_run(self) -> None:
        if self.every <= 0 or time.monotonic() < self.due:
            return
        try:
            self.after = rebuild(self.consumer, self.tracker_url, self.after)
        except Exception as exc:  # noqa: BLE001 - next round; the broker still flows
            log.error("needs-consumer: tracker store check failed (%s)", exc.__class__.__name__)
        self.due = time.monotonic() + self.every


def main(database_url: str, amqp_url: str | None, broker_url: str | None, rebuild_only: bool,
         once: bool, poll_seconds: float = 0.5, reconcile_seconds: float = 30.0) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    needs_log = NeedsLog(database_url)
    consumer = Consumer(needs_log)
    try:
        if rebuild_only:
            rebuild(consumer, database_url)
        elif amqp_url:
            queue = settings.text(QUEUE_ENV, DEFAULT_QUEUE)
            reconciler = Reconciler(consumer, database_url, reconcile_seconds)
            asyncio.run(run_rabbitmq(consumer, amqp_url, queue, 5.0 if once else None,
                                     reconciler))
        else:
            reconciler = Reconciler(consumer, database_url, reconcile_seconds)
            run_sql_broker(consumer, broker_url or default_broker_url(), once, poll_seconds,
                           reconciler)
    except KeyboardInterrupt:
        pass
    finally:
        print(consumer.counts.line(), flush=True)
        needs_log.dispose()
    return 0 if consumer.counts.errors == 0 else 1
