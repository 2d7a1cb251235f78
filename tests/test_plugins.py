"""Rasa plug-ins of our own: the chat page channel and the tracker store on DATABASE_URL."""

from __future__ import annotations

import yaml

from bot.channels.webchat import render_page
from bot.council import load_council
from bot.plugins.tracker_store import sql_store_arguments
from bot.serve import credentials_file


def test_chat_page_names_the_council_and_uses_the_rest_channel():
    page = render_page()
    council = load_council()
    assert council.name in page and council.phone in page
    assert "/webhooks/rest/webhook" in page
    assert "{{" not in page  # every placeholder filled
    assert "ring 999" in page


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
    assert "bot.channels.rest_once.RestOnceInput" in without  # Rasa's REST channel + message ids
    assert "bot.channels.twilio_sms.TwilioSMSInput" not in without
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "ACx")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    monkeypatch.setenv("TWILIO_NUMBER", "+447700900123")
    with_sms = yaml.safe_load(credentials_file().read_text())
    assert "bot.channels.twilio_sms.TwilioSMSInput" in with_sms
