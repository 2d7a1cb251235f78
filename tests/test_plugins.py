"""Rasa plug-ins of our own: the chat page channel and the tracker store on DATABASE_URL."""

from __future__ import annotations

import asyncio

import yaml

from bot.council import load_council
from bot.plugins.tracker_store import sql_store_arguments
from bot.serve import credentials_file
from bot.widget.bundle import bundle_bytes, render_page


def test_chat_page_names_the_council_and_uses_the_widget():
    page = render_page("chat.html", load_council())
    council = load_council()
    assert council.name in page and council.phone in page
    assert 'src="/webhooks/widget/wayfinder.js"' in page and 'data-mode="page"' in page
    assert "{{" not in page  # every placeholder filled
    assert "ring 999" in bundle_bytes(False)[0].decode()  # the danger line is the widget's


def test_postgres_url_becomes_tracker_store_arguments():
    args = sql_store_arguments("postgresql://wf:secret@db.internal:5433/wayfinder")
    assert args["dialect"] == "postgresql" and args["host"] == "db.internal"
    assert args["port"] == 5433 and args["db"] == "wayfinder"
    assert args["username"] == "wf" and args["password"] == "secret"


def test_sqlite_url_becomes_tracker_store_arguments(tmp_path):
    path = tmp_path / "deep" / "folder" / "w.db"
    args = sql_store_arguments(f"sqlite:///{path}")
    assert args["dialect"] == "sqlite" and args["db"] == str(path)
    assert path.parent.is_dir()  # created, so SQLite can make the file


def test_sms_channel_is_on_only_with_twilio_credentials(monkeypatch):
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER"):
        monkeypatch.delenv(name, raising=False)
    without = yaml.safe_load(credentials_file().read_text())
    assert "bot.channels.rest_door.DoorRestInput" in without
    assert "bot.channels.twilio_sms.TwilioSMSInput" not in without
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "ACx")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    monkeypatch.setenv("TWILIO_NUMBER", "+447700900123")
    with_sms = yaml.safe_load(credentials_file().read_text())
    assert "bot.channels.twilio_sms.TwilioSMSInput" in with_sms


def test_sqlite_tracker_store_and_broker_keep_connections_for_worker_threads(tmp_path):
    """Both SQLite engines pool their connections (one shared builder) and accept use from
    another thread (reads, writes and the broker's writer run in worker threads)."""
    from concurrent.futures import ThreadPoolExecutor

    import sqlalchemy.pool
    from sqlalchemy import text

    from bot.plugins.event_broker import WayfinderEventBroker
    from bot.plugins.tracker_store import WayfinderTrackerStore

    store = WayfinderTrackerStore(url=f"sqlite:///{tmp_path / 'trackers.db'}")
    broker = WayfinderEventBroker(url=f"sqlite:///{tmp_path / 'events.db'}")
    try:
        for engine in (store.engine, broker.engine):
            assert isinstance(engine.pool, sqlalchemy.pool.QueuePool)
            with engine.connect() as connection:  # opened here, then used in another thread
                ran = ThreadPoolExecutor(1).submit(
                    lambda c=connection: c.execute(text("select 1")).scalar()).result()
            assert ran == 1
        broker.publish({"event": "user", "sender_id": "s1", "text": "hello"})
        with broker.engine.connect() as connection:
            assert connection.execute(text("select count(*) from events")).scalar() == 1
    finally:
        asyncio.run(broker.close())
        store.engine.dispose()
