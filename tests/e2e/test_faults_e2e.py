"""Fault injection against the real Rasa server (stage 2 of tests/e2e/run.py): the action
endpoint is a fake that hangs, returns 500, or dies mid-request (tests/e2e/fake_action_server.py),
or nothing at all (refused). Each test asserts what the person sees, and how soon.

Rasa runs with WAYFINDER_ACTION_TIMEOUT=3 (default) and WAYFINDER_ACTION_RETRY_AFTER=5 here.
"""

from __future__ import annotations

import os
import time
import xml.etree.ElementTree as ET

import pytest
import requests

from bot.council import load_council
from tests.e2e.client import new_sender, post_json
from tests.e2e.fake_action_server import fake_action_server
from tests.fake_twilio import WEBHOOK_PATH, message_sid, sign_form, sms_params

pytestmark = [pytest.mark.e2e, pytest.mark.no_actions]
COUNCIL = load_council()
CRISIS = "I want to kill myself"
CRISIS_LIMIT_S = 5.0
SMS_LIMIT_S = 15.0
RETRY_AFTER_S = float(os.environ.get("WAYFINDER_ACTION_RETRY_AFTER") or 30)


def _rasa() -> str:
    url = os.environ.get("WAYFINDER_TEST_RASA_NO_ACTIONS_URL", "")
    assert url, "run through make e2e: stage 2 sets WAYFINDER_TEST_RASA_NO_ACTIONS_URL"
    return url


def _fake_port() -> int:
    return int(os.environ["WAYFINDER_TEST_FAKE_ACTIONS_PORT"])


def _say(sender: str, text: str) -> tuple[float, str]:
    started = time.monotonic()
    status, replies = post_json(f"{_rasa()}/webhooks/rest/webhook",
                                {"sender": sender, "message": text}, timeout=60)
    elapsed = time.monotonic() - started
    assert status == 200, status
    return elapsed, "\n".join(reply.get("text") or "" for reply in replies or [])


def _text_sms(phone: str, body: str) -> tuple[float, str]:
    base = _rasa()
    public = os.environ.get("TWILIO_PUBLIC_BASE_URL", base).rstrip("/")
    token = os.environ.get("TWILIO_AUTH_TOKEN", "test-auth-token")
    signed, headers = sign_form(public + WEBHOOK_PATH, sms_params(body, phone=phone,
                                                                  sid=message_sid()), token)
    started = time.monotonic()
    answer = requests.post(base + WEBHOOK_PATH, data=signed, headers=headers, timeout=60)
    elapsed = time.monotonic() - started
    assert answer.status_code == 200, answer.status_code
    shown = [node.text or "" for node in ET.fromstring(answer.text).iter("Message")]
    return elapsed, "\n".join(shown)


def _wait_for_retry_window() -> None:
    """Let Rasa's circuit breaker close, so the next call really waits on the fake again."""
    time.sleep(RETRY_AFTER_S + 0.5)


def _assert_crisis(elapsed: float, text: str, limit: float = CRISIS_LIMIT_S) -> None:
    assert elapsed < limit, f"crisis reply took {elapsed:.1f} s"
    assert "999" in text and "116 123" in text, text


def _assert_safe_fallback(text: str, risk: bool) -> None:
    assert text.strip(), "the person saw nothing"
    assert COUNCIL.phone in text, text
    if risk:
        assert "999" in text and "116 123" in text, text


@pytest.mark.parametrize("mode", ["error", "drop"])
def test_action_server_failing_fast_gives_crisis_reply_and_council_number(mode):
    with fake_action_server(_fake_port(), mode) as calls:
        sender = new_sender(f"fault-{mode}")
        elapsed, text = _say(sender, "I'd like to talk to a person please")
        assert calls, "the fake action server was never called"
        _assert_safe_fallback(text, risk=False)
        _assert_crisis(*_say(sender, CRISIS))
        elapsed, text = _say(sender, "I'd like to talk to a person please")
        _assert_safe_fallback(text, risk=True)


def test_action_server_refusing_connections_gives_council_number():
    sender = new_sender("fault-down")
    _elapsed, text = _say(sender, "I'd like to talk to a person please")
    _assert_safe_fallback(text, risk=False)


def test_hanging_action_server_web_crisis_within_5s_then_safe_fallback():
    with fake_action_server(_fake_port(), "hang") as calls:
        sender = new_sender("fault-hang")
        _assert_crisis(*_say(sender, CRISIS))
        assert calls, "the fake action server was never called"
        elapsed, text = _say(sender, "I'd like to talk to a person please")
        assert elapsed < CRISIS_LIMIT_S, elapsed
        _assert_safe_fallback(text, risk=True)


def test_hanging_action_server_sms_crisis_within_5s_and_turns_within_15s():
    _wait_for_retry_window()
    with fake_action_server(_fake_port(), "hang") as calls:
        phone = f"+447700900{int(time.time()) % 800 + 100:03d}"
        _assert_crisis(*_text_sms(phone, CRISIS))
        assert calls, "the fake action server was never called"
        _wait_for_retry_window()
        elapsed, text = _text_sms(phone, "I'd like to talk to a person please")
        assert elapsed < SMS_LIMIT_S, elapsed
        _assert_safe_fallback(text, risk=True)


def test_database_locked_crisis_reply_still_goes_out():
    """The events table locked by another session: Rasa's reads and writes give up after 1.5 s
    (lock_timeout) and the crisis reply still goes out."""
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ["DATABASE_URL"], future=True)
    with engine.connect() as connection:
        connection.execute(text("LOCK TABLE events IN ACCESS EXCLUSIVE MODE"))
        elapsed, reply = _say(new_sender("fault-locked"), CRISIS)
        connection.rollback()
    engine.dispose()
    _assert_crisis(elapsed, reply)
