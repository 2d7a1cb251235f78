"""The needs log as a projection of Rasa's events: through Rasa's own SQL broker and tracker
store, applied once per event, never resurrecting an erased person."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from bot.needs_log import NeedsLog
from bot.needs_log import facts as f
from bot.needs_log.consumer import Consumer, drain_sql_broker, rebuild
from bot.needs_log.db import make_engine
from bot.plugins.event_broker import WayfinderEventBroker
from bot.privacy import pseudonym

ANSWER = [f.contact("web", "carer", "NM3"), f.needs(["nutrition", "home_safety"]), f.step(2),
          f.recommendation(["community"], ["svc-1"], "recommend:m1"),
          f.unmet("home_safety", "community", "no_service", "recommend:m1:home_safety"),
          f.outcome("recommendation_given")]


@pytest.fixture()
def log(sqlite_url):
    needs = NeedsLog(sqlite_url)
    yield needs
    needs.dispose()


def rows(log: NeedsLog, sql: str) -> list[tuple]:
    with log.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql))]


def published(broker: WayfinderEventBroker, sender: str, event) -> None:
    """What Rasa's tracker store does for each new event (rasa.core.tracker_store)."""
    broker.publish({"sender_id": sender, **event.as_dict()})


def test_events_through_rasas_sql_broker_build_the_log_once(log, tmp_path):
    url = f"sqlite:///{tmp_path / 'events.db'}"
    broker = WayfinderEventBroker(url)
    answer = SlotSet(f.SLOT, ANSWER, timestamp=time.time())
    published(broker, "person-1", UserUttered("my dad can't cook", timestamp=time.time()))
    published(broker, "person-1", answer)
    published(broker, "person-1", answer)  # redelivered: same event, same identity
    published(broker, "person-1", ActionExecuted("action_listen"))
    consumer = Consumer(log)
    engine = make_engine(url)
    assert drain_sql_broker(consumer, engine) == 4
    who = pseudonym("person-1")
    assert rows(log, "select need_area from wf_need order by need_area") == [
        ("home_safety",), ("nutrition",)]
    assert rows(log, "select furthest_step, postcode_district, role from wf_contact") == [
        (2, "NM3", "carer")]
    assert rows(log, f"select tier from wf_recommended_tier where contact_id='{who}'") == [
        ("community",)]
    assert rows(log, "select count(*) from wf_unmet_need") == [(1,)]
    assert consumer.counts.applied == 1 and consumer.counts.duplicates == 1
    with engine.connect() as connection:  # drained: the broker's table is a queue
        assert connection.execute(text("select count(*) from events")).scalar() == 0
    published(broker, "person-1", answer)  # and again, after a consumer restart
    drain_sql_broker(Consumer(log), engine)
    assert rows(log, "select count(*) from wf_recommended_tier") == [(1,)]
    engine.dispose()


def test_safeguarding_fact_flags_the_contact_for_staff(log, tmp_path):
    consumer = Consumer(log)
    event = SlotSet(f.SLOT, [f.contact("sms"), f.safeguarding(["neglect", "not-a-kind"], "s:1")],
                    timestamp=time.time())
    assert consumer.handle("person-2", {"sender_id": "person-2", **event.as_dict()})
    assert rows(log, "select kind from wf_safeguarding order by kind") == [
        ("neglect",), ("unspecified_risk",)]
    assert log.needs_staff_attention("person-2")
    assert rows(log, "select outcome from wf_outcome") == [("safeguarding",)]


def test_a_fact_with_an_unknown_id_is_dropped_and_the_rest_kept(log):
    consumer = Consumer(log)
    event = SlotSet(f.SLOT, [f.needs(["not-an-area"]), f.step(3), {"fact": "nonsense"}],
                    timestamp=time.time())
    assert consumer.handle("person-3", event.as_dict())
    assert rows(log, "select furthest_step from wf_contact") == [(3,)]
    assert rows(log, "select count(*) from wf_need") == [(0,)]


def test_rebuild_from_rasas_tracker_store_adds_nothing_twice(log, sqlite_url):
    store = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite",
                            db=sqlite_url.removeprefix("sqlite:///"))
    tracker = DialogueStateTracker.from_events("person-4", [
        UserUttered("mum needs meals", timestamp=time.time()),
        SlotSet(f.SLOT, ANSWER, timestamp=time.time())])
    asyncio.run(store.save(tracker))
    rebuild(Consumer(log), sqlite_url)
    first = rows(log, "select * from wf_recommended_tier")
    second = Consumer(log)
    rebuild(second, sqlite_url)
    assert second.counts.duplicates == 1 and second.counts.applied == 0
    assert rows(log, "select * from wf_recommended_tier") == first and len(first) == 1


def test_events_arriving_after_an_erasure_do_not_bring_the_person_back(log):
    said = time.time()
    consumer = Consumer(log)
    consumer.handle("person-5", SlotSet(f.SLOT, ANSWER[:2], timestamp=said).as_dict())
    assert rows(log, "select count(*) from wf_contact") == [(1,)]
    log.erase_sender("person-5")
    late = SlotSet(f.SLOT, ANSWER, timestamp=said + 0.001)  # was queued before the erasure
    consumer.handle("person-5", late.as_dict())
    assert rows(log, "select count(*) from wf_contact") == [(0,)]
    assert rows(log, "select count(*) from wf_need") == [(0,)]
    consumer.handle("person-5", SlotSet(f.SLOT, ANSWER[:1], timestamp=time.time() + 5).as_dict())
    assert rows(log, "select count(*) from wf_contact") == [(1,)]  # a new conversation later


def test_purge_forgets_old_event_identities(log):
    consumer = Consumer(log)
    consumer.handle("person-6", SlotSet(f.SLOT, [f.step(1)], timestamp=time.time()).as_dict())
    assert rows(log, "select count(*) from wf_projected_event") == [(1,)]
    counts = log.purge(older_than_days=1, now=None)
    assert counts["wf_projected_event"] == 0
    from datetime import datetime, timedelta
    counts = log.purge(older_than_days=1, now=datetime.utcnow() + timedelta(days=3))
    assert counts["wf_projected_event"] == 1


def test_events_the_broker_never_carried_are_found_in_the_tracker_store(log, sqlite_url, tmp_path):
    """An instance killed after saving a turn but before publishing it: the reconciler finds it."""
    from bot.needs_log.consumer import Reconciler, run_sql_broker

    store = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite",
                            db=sqlite_url.removeprefix("sqlite:///"))
    tracker = DialogueStateTracker.from_events("person-7", [
        UserUttered("dad can't cook", timestamp=time.time()),
        SlotSet(f.SLOT, ANSWER, timestamp=time.time())])
    asyncio.run(store.save(tracker))  # no broker: nothing was published
    consumer = Consumer(log)
    run_sql_broker(consumer, f"sqlite:///{tmp_path / 'events.db'}", once=True, poll_seconds=0,
                   reconciler=Reconciler(consumer, sqlite_url, every=1))
    assert rows(log, "select count(*) from wf_recommended_tier") == [(1,)]
    assert consumer.counts.applied == 1


def test_tracker_store_publishes_exactly_the_events_it_stores(sqlite_url):
    from bot.plugins.tracker_store import WayfinderTrackerStore

    class Broker:
        def __init__(self) -> None:
            self.published: list[dict] = []

        def publish(self, event: dict) -> None:
            self.published.append(event)

    broker = Broker()
    store = WayfinderTrackerStore(domain=Domain.empty(), event_broker=broker, url=sqlite_url)
    tracker = DialogueStateTracker.from_events("person-8", [UserUttered("hi")])
    asyncio.run(store.save(tracker))
    tracker.update(SlotSet(f.SLOT, [f.step(2)]))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    assert [e["event"] for e in broker.published] == ["user", "slot", "action"]
    assert all(e["sender_id"] == "person-8" for e in broker.published)
    stored = asyncio.run(store.retrieve("person-8"))
    assert [e.as_dict() for e in stored.events] == [
        {k: v for k, v in e.items() if k != "sender_id"} for e in broker.published]


def test_a_turn_saved_by_the_tracker_store_reaches_the_log_through_the_sql_broker(
        log, sqlite_url, tmp_path):
    """The single-machine path end to end: tracker store -> Rasa's SQL broker (one transaction
    per turn) -> consumer -> needs log."""
    from bot.plugins.tracker_store import WayfinderTrackerStore

    broker_url = f"sqlite:///{tmp_path / 'events.db'}"
    broker = WayfinderEventBroker(broker_url)
    store = WayfinderTrackerStore(domain=Domain.empty(), event_broker=broker, url=sqlite_url)
    tracker = DialogueStateTracker.from_events("person-9", [
        UserUttered("mum can't cook", timestamp=time.time()),
        SlotSet(f.SLOT, ANSWER, timestamp=time.time()), ActionExecuted("action_listen")])
    asyncio.run(store.save(tracker))
    broker.flush()  # written after the save returned, by the broker's own thread
    engine = make_engine(broker_url)
    consumer = Consumer(log)
    assert drain_sql_broker(consumer, engine) == 3
    engine.dispose()
    assert consumer.counts.applied == 1
    assert rows(log, "select need_area from wf_need order by need_area") == [
        ("home_safety",), ("nutrition",)]


def test_the_sql_broker_writes_after_the_save_in_order_and_close_waits(sqlite_url, tmp_path):
    """The reply does not wait for the broker: turns are queued, written in the order saved,
    and Rasa's close() at shutdown waits for what is queued."""
    from bot.plugins.tracker_store import WayfinderTrackerStore

    broker_url = f"sqlite:///{tmp_path / 'events.db'}"
    broker = WayfinderEventBroker(broker_url)
    store = WayfinderTrackerStore(domain=Domain.empty(), event_broker=broker, url=sqlite_url)
    tracker = DialogueStateTracker.from_events("person-10", [UserUttered("hi")])
    for turn in range(20):
        tracker.update(SlotSet(f.SLOT, [f.step(turn % 7 + 1)]))
        tracker.update(ActionExecuted("action_listen"))
        asyncio.run(store.save(tracker))
    asyncio.run(broker.close())
    tracker.update(ActionExecuted("action_listen"))  # a save after Rasa closed the broker
    asyncio.run(store.save(tracker))
    engine = make_engine(broker_url)
    with engine.connect() as connection:
        data = [row[0] for row in connection.execute(text("select data from events order by id"))]
    engine.dispose()
    stored = asyncio.run(store.retrieve("person-10"))
    assert [json.loads(d)["timestamp"] for d in data] == [e.timestamp for e in stored.events]


def test_a_failed_broker_write_is_logged_without_what_was_said(tmp_path, caplog):
    broker = WayfinderEventBroker(f"sqlite:///{tmp_path / 'events.db'}")

    def fail(events: list) -> None:
        raise RuntimeError(f"cannot write {events}")

    broker.publish_many = fail  # type: ignore[method-assign]
    with caplog.at_level("ERROR"):
        broker.publish_later([{"sender_id": "person-11", "event": "user", "text": "mum fell"}])
        broker.flush()
    assert "event_broker.publish_failed RuntimeError" in caplog.text
    assert "mum fell" not in caplog.text and "person-11" not in caplog.text
    asyncio.run(broker.close())
