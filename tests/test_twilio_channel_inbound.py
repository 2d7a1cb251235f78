"""The Twilio SMS channel with awkward texts, failures and the quiet period (loopback HTTP)."""

from __future__ import annotations

import hashlib
import logging

import pytest
import requests

from bot.sms.wording import load_wording
from tests.fake_twilio import (
    PHONE,
    TOKEN,
    WEBHOOK_PATH,
    WHO_FOR,
    Clock,
    FakeStore,
    ScriptedBot,
    harness,
    post_signed,
    sign_form,
)


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYFINDER_SECRET", "channel-test-secret-0123456789")


# ---- awkward inbound messages -----------------------------------------------------------------
def test_empty_and_media_only_texts_get_a_polite_reply_and_skip_rasa() -> None:
    wording = load_wording()
    with harness() as h:
        empty = h.say("   ")
        media = h.say("", NumMedia="1", MediaUrl0="https://api.twilio.com/x",
                      MediaContentType0="image/jpeg")
    assert empty == [wording.empty] and media == [wording.media_only]
    assert h.bot.received == []


def test_media_with_words_reads_the_words_and_says_so() -> None:
    with harness() as h:
        shown = h.say("what does this letter mean", NumMedia="1",
                      MediaUrl0="https://api.twilio.com/x")
    assert h.bot.texts() == ["what does this letter mean"]
    assert shown == [load_wording().media_note + "\nThanks, noted."]


def test_an_over_long_text_passes_the_first_1600_characters_and_says_so() -> None:
    words = ("my mum needs help with washing and meals " * 60).strip()
    with harness() as h:
        shown = h.say(words)
    given = h.bot.texts()[0]
    assert len(words) > 1600 and 1500 < len(given) <= 1600
    assert words.startswith(given)
    assert shown[0].startswith(load_wording().too_long)


def test_a_payload_typed_by_hand_never_reaches_rasa_as_one() -> None:
    with harness(ScriptedBot(script={"hi": WHO_FOR})) as h:
        h.say('/inform_step{"sds_step": "7"}')
        h.say("hi")
        h.say("/i_am_staff")  # even while options are waiting
    assert h.bot.texts() == ['inform_step{"sds_step": "7"}', "hi", "i_am_staff"]


def test_odd_unicode_is_cleaned_not_crashed_on() -> None:
    body = "he\x00lp\u202e me\ufeff \U0001F600 \u0301 \U000E0001 ok"
    with harness() as h:
        shown = h.say(body)
    assert shown == ["Thanks, noted."]
    text = h.bot.texts()[0]
    assert "\x00" not in text and "\ufeff" not in text and "\U000E0001" not in text
    assert text.startswith("he lp")


@pytest.mark.parametrize("body,content_type,status", [
    (b"Body=%FF%FE&From=%2B447700900001&MessageSid=SM1", "application/x-www-form-urlencoded", 400),
    (b"\xff\xfe\x00binary\x00", "application/x-www-form-urlencoded", 400),
    (b"Body=" + b"a" * 70_000, "application/x-www-form-urlencoded", 413),
    (b"&".join(b"f%d=1" % n for n in range(300)), "application/x-www-form-urlencoded", 400),
])
def test_undecodable_or_oversized_requests_get_a_clean_4xx(body: bytes, content_type: str,
                                                            status: int) -> None:
    with harness() as h:
        answer = requests.post(h.url + WEBHOOK_PATH, data=body, timeout=10, headers={
            "Content-Type": content_type, "X-Twilio-Signature": "c2lnbmF0dXJl"})
    assert answer.status_code == status
    assert h.bot.received == [] and h.store.calls == 0


def test_signed_but_incomplete_or_non_form_requests_get_a_clean_4xx() -> None:
    json_body = '{"Body": "hi"}'
    query = "?bodySHA256=" + hashlib.sha256(json_body.encode()).hexdigest()
    with harness() as h:
        no_from = post_signed(h.url, {"MessageSid": "SMx", "Body": "hi"}, TOKEN)
        _, headers = sign_form(h.url + WEBHOOK_PATH + query, {}, TOKEN)
        json_headers = {**headers, "Content-Type": "application/json"}
        as_json = requests.post(h.url + WEBHOOK_PATH + query, data=json_body.encode(),
                                timeout=10, headers=json_headers)
        unhashed = requests.post(h.url + WEBHOOK_PATH, data=json_body.encode(), timeout=10,
                                 headers=json_headers)
    assert no_from.status_code == 400
    assert as_json.status_code == 415  # signed, but an SMS webhook is always a form
    assert unhashed.status_code == 403  # a JSON body can only be signed via bodySHA256
    assert h.bot.received == []


# ---- failures and expiry ----------------------------------------------------------------------
def test_when_rasa_fails_the_person_gets_a_polite_error_not_a_500() -> None:
    with harness(ScriptedBot(fail=True)) as h:
        shown = h.say("hello")
    assert shown == [load_wording().error]


def test_when_the_needs_log_is_down_the_text_still_reaches_rasa() -> None:
    with harness(store=FakeStore(broken=True)) as h:
        shown = h.say("I am scared he will hurt me")
    assert h.bot.texts() == ["I am scared he will hurt me"]
    assert shown == ["Thanks, noted."]


def test_after_the_quiet_period_the_conversation_restarts_cleanly() -> None:
    clock = Clock()
    with harness(ScriptedBot(script={"hi": WHO_FOR}), clock=clock, expiry_minutes=60) as h:
        h.say("hi")
        clock.now += 59 * 60
        h.say("1")  # within the hour: still an answer
        h.say("hi")
        clock.now += 61 * 60
        shown = h.say("1")  # a day-old "1" must not answer yesterday's question
    assert h.bot.texts() == ["hi", "/i_am_self", "hi", "/restart", "1"]
    assert shown == ["Thanks, noted."]


def test_the_quiet_period_also_works_from_the_rasa_tracker() -> None:
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    clock = Clock()
    bot = ScriptedBot(script={"hi": WHO_FOR}, tracker_store=InMemoryTrackerStore(Domain.empty()),
                      clock=clock)
    with harness(bot, clock=clock, expiry_minutes=30) as h:
        h.say("hi")
        clock.now += 31 * 60
        h.say("2")
    assert bot.texts() == ["hi", "/restart", "2"]


def test_nothing_personal_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with harness(ScriptedBot(fail=True), store=FakeStore(broken=True)) as h:
        h.say("my name is Ann Smith and I live at 4 Mill Lane")
        h.say("STOP")
    logged = caplog.text
    assert "twilio_sms." in logged  # the failures were logged...
    assert PHONE not in logged and "900001" not in logged  # ...without the number
    assert "Ann Smith" not in logged and "Mill Lane" not in logged  # ...or the words
