"""REST reply mode: replies go out through the official twilio client to a fake API on loopback."""

from __future__ import annotations

import logging

import pytest

from bot.sms.wording import load_wording
from tests.fake_twilio import (
    PHONE,
    TOKEN,
    WHO_FOR,
    FakeTwilioAPI,
    ScriptedBot,
    SentMessage,
    harness,
)

SID = "ACtest"
NUMBER = "+447700900123"


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYFINDER_SECRET", "channel-test-secret-0123456789")


def rest(api: FakeTwilioAPI, bot: ScriptedBot | None = None):  # noqa: ANN201 - a context manager
    return harness(bot, reply_mode="rest", account_sid=SID, twilio_number=NUMBER,
                   api_base_url=api.url)


def test_replies_are_sent_through_the_api_to_the_phone_and_the_webhook_answer_is_empty() -> None:
    with FakeTwilioAPI(SID, TOKEN) as api, rest(api, ScriptedBot(script={"hi": WHO_FOR})) as h:
        shown = h.say("hi")
        h.say("2")
    assert shown == []  # nothing in the TwiML: the API carried it
    assert api.sent[0] == SentMessage(SID, PHONE, NUMBER, "Who is the help for?\nReply 1 for "
                                      "Myself, 2 for Someone I care for or 3 for I'm staff "
                                      "helping a caller.")
    assert api.sent[1] == SentMessage(SID, PHONE, NUMBER, "Thanks, noted.")
    assert h.bot.texts() == ["hi", "/i_am_carer"]
    assert api.rejected_auth == 0
    assert all(PHONE not in m.sender_id for m in h.bot.received)


def test_a_long_turn_goes_out_as_up_to_three_messages_in_order() -> None:
    sentences = [f"Sentence {n} tells you something useful about support." for n in range(12)]
    bot = ScriptedBot(default=[{"text": " ".join(sentences)}])
    with FakeTwilioAPI(SID, TOKEN) as api, rest(api, bot) as h:
        h.say("tell me")
    bodies = [m.body for m in api.sent]
    assert 2 <= len(bodies) <= 3
    assert " ".join(bodies) == " ".join(sentences)


def test_stop_confirmation_is_sent_then_nothing_more() -> None:
    with FakeTwilioAPI(SID, TOKEN) as api, rest(api) as h:
        h.say("STOP")
        h.say("are you there")
    assert [m.body for m in api.sent] == [load_wording().opted_out]
    assert h.bot.texts() == ["are you there"]


def test_api_failures_are_logged_without_the_number_and_the_webhook_still_answers(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeTwilioAPI(SID, TOKEN) as api, rest(api) as h:
        api.fail_with = (400, 21610, f"Attempt to send to unsubscribed recipient {PHONE}")
        answer = h.send("hello")
    assert answer.status_code == 200
    assert "twilio_sms.send_failed status=400 code=21610" in caplog.text
    assert PHONE not in caplog.text and "900001" not in caplog.text


def test_wrong_api_credentials_are_refused_by_the_fake_api() -> None:
    with FakeTwilioAPI(SID, "another-token") as api, rest(api) as h:
        answer = h.send("hello")
    assert answer.status_code == 200 and api.sent == [] and api.rejected_auth == 1
