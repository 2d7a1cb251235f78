"""The tracker store keeps no identifiers, keeps conversations 30 days, and its files private."""

from __future__ import annotations

import asyncio
import stat
import time
from datetime import datetime, timedelta, timezone

from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from bot.needs_log import NeedsLog
from bot.plugins.tracker_store import WayfinderTrackerStore

CANARIES = ["Joan Smith", "07700 900123", "joan.smith@example.com", "NM3 4AB", "943 476 5919",
            "12/03/1950"]
TYPED = ("Hello, my name is Joan Smith, my number is 07700 900123, email "
         "joan.smith@example.com, I live at NM3 4AB, NHS number 943 476 5919, born 12/03/1950")


def _store(tmp_path, monkeypatch):
    monkeypatch.setenv("WAYFINDER_PURGE_EVERY_HOURS", "1000")
    url = f"sqlite:///{tmp_path / 'private' / 'wayfinder.db'}"
    return WayfinderTrackerStore(url=url), url


def _stored(url: str) -> str:
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(text("select data from events")).scalars().all()
    engine.dispose()
    return "\n".join(rows)


def test_identifiers_never_reach_the_events_table(tmp_path, monkeypatch):
    store, url = _store(tmp_path, monkeypatch)
    tracker = DialogueStateTracker.from_events("canary", [
        UserUttered(TYPED, intent={"name": "inform", "confidence": 0.9},
                    parse_data={"text": TYPED, "intent": {"name": "inform"},
                                "entities": [{"entity": "postcode", "value": "NM3 4AB"}]},
                    metadata={"note": "call Joan Smith on 07700 900123"}),
        SlotSet("what_matters", TYPED)])
    asyncio.run(store.save(tracker))
    stored = _stored(url)
    assert "[PHONE]" in stored and "[EMAIL]" in stored  # it was stored, redacted
    assert [c for c in CANARIES if c in stored] == []
    again = asyncio.run(store.retrieve("canary"))
    slots = [e.value for e in again.events if isinstance(e, SlotSet)]
    assert slots and all("Joan" not in value for value in slots)


def test_the_sqlite_file_is_0600_in_a_0700_folder(tmp_path, monkeypatch):
    store, _url = _store(tmp_path, monkeypatch)
    asyncio.run(store.save(DialogueStateTracker.from_events("x", [UserUttered("hi")])))
    path = tmp_path / "private" / "wayfinder.db"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_conversations_are_purged_after_30_days_and_the_needs_log_later(tmp_path, monkeypatch):
    store, url = _store(tmp_path, monkeypatch)
    monkeypatch.setattr("bot.plugins.tracker_store.purge_now", lambda url: None)  # by hand here
    log = NeedsLog(url)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    log.record_contact("forty-days", "web", at=now - timedelta(days=40))
    old = UserUttered("hello", timestamp=time.time() - 40 * 86400)
    recent = UserUttered("hello again", timestamp=time.time() - 86400)
    asyncio.run(store.save(DialogueStateTracker.from_events("forty-days", [old, recent])))
    counts = log.purge(now=now)
    assert counts["events"] == 1 and counts["wf_contact"] == 0
    assert "hello again" in _stored(url) and '"hello"' not in _stored(url)


def test_the_running_store_schedules_a_purge(tmp_path, monkeypatch):
    store, _url = _store(tmp_path, monkeypatch)
    calls = []
    monkeypatch.setattr("bot.plugins.tracker_store.purge_now", lambda url: calls.append(url))

    async def two_saves() -> None:
        await store.save(DialogueStateTracker.from_events("p", [UserUttered("hi")]))
        await store.save(DialogueStateTracker.from_events("p", [UserUttered("hi")]))
        await asyncio.sleep(0.2)

    asyncio.run(two_saves())
    assert len(calls) == 1  # once at start, then once per period


def test_sqlite_file_is_wal_private_and_every_saved_turn_is_seen_by_another_connection(
        tmp_path, monkeypatch):
    """Pooled connections and synchronous = NORMAL: WAL mode (NORMAL is only safe there), the
    -wal file as private as the database, and each commit visible to a new reader at once."""
    store, url = _store(tmp_path, monkeypatch)
    tracker = DialogueStateTracker.from_events("wal", [UserUttered("hi")])
    for turn in range(3):
        asyncio.run(store.save(tracker))
        assert _stored(url).count('"event": "user"') == turn + 1
        tracker.update(UserUttered(f"turn {turn}"))
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
    wal = tmp_path / "private" / "wayfinder.db-wal"
    assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
