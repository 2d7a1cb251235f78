"""REST reply mode: failed sends are retried with backoff, and never dropped silently."""

from __future__ import annotations

import logging

import pytest

from tests.fake_twilio import FakeTwilioAPI, twiml_messages
from tests.test_twilio_channel_rest import SID, rest

pytestmark = pytest.mark.usefixtures("_secret")


@pytest.fixture
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYFINDER_SECRET", "channel-test-secret-0123456789")


def test_a_send_that_fails_once_is_retried_and_arrives_by_the_api() -> None:
    with FakeTwilioAPI(SID, "test-auth-token") as api, rest(api) as h:
        api.fail_with, api.fail_times = (503, 20500, "Service unavailable"), 1
        answer = h.send("hello")
    assert answer.status_code == 200
    assert api.failed == 1 and len(api.sent) >= 1
    assert twiml_messages(answer.text) == []


def test_a_send_that_keeps_failing_goes_back_in_the_webhook_answer(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with FakeTwilioAPI(SID, "test-auth-token") as api, rest(api) as h:
        api.fail_with = (503, 20500, "Service unavailable")
        answer = h.send("hello")
    assert answer.status_code == 200
    assert api.failed == 3 and api.sent == []  # three tries, then TwiML
    assert twiml_messages(answer.text), "the reply was dropped"
    assert "twilio_sms.send_fell_back_to_twiml" in caplog.text


def test_a_phone_that_cannot_get_texts_is_not_retried_and_is_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    with FakeTwilioAPI(SID, "test-auth-token") as api, rest(api) as h:
        api.fail_with = (400, 21610, "Attempt to send to unsubscribed recipient")
        h.send("hello")
    assert api.failed == 1
    assert "twilio_sms.send_gave_up" in caplog.text

