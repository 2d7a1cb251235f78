"""The Twilio SMS channel over real HTTP on loopback: what reaches Rasa and what a phone shows."""

from __future__ import annotations

import re

import pytest
import requests

from bot.council import load_council
from bot.sms.gsm7 import is_gsm7, septets
from bot.sms.memory import ConversationMemory
from bot.sms.wording import load_wording
from tests.fake_twilio import (
    PHONE,
    ROLE_BUTTONS,
    TOKEN,
    WEBHOOK_PATH,
    WHO_FOR,
    Clock,
    ScriptedBot,
    harness,
    post_signed,
    sign_form,
    sms_params,
    twiml_messages,
)


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYFINDER_SECRET", "channel-test-secret-0123456789")


def test_a_signed_text_reaches_rasa_under_a_pseudonym_and_the_reply_is_twiml() -> None:
    with harness(ScriptedBot(script={"I need help with my mum": WHO_FOR})) as h:
        shown = h.say("I need help with my mum")
    message = h.bot.received[0]
    assert message.text == "I need help with my mum"
    assert re.fullmatch(r"[0-9a-f]{32}", message.sender_id)
    assert PHONE not in message.sender_id and "900001" not in message.sender_id
    assert message.input_channel == "twilio"
    assert message.metadata == {"channel": "sms"}
    assert message.output_channel.name() == "twilio"  # so `channel: twilio` responses apply
    assert shown == ["Who is the help for?\nReply 1 for Myself, 2 for Someone I care for or "
                     "3 for I'm staff helping a caller."]


def test_the_same_phone_always_gets_the_same_pseudonym_and_another_phone_another() -> None:
    with harness() as h:
        h.say("hello")
        h.say("hello again")
        h.say("hi", phone="+447700900002")
    ids = [m.sender_id for m in h.bot.received]
    assert ids[0] == ids[1] != ids[2]


def test_health_route_answers() -> None:
    with harness() as h:
        answer = requests.get(h.url + "/webhooks/twilio/", timeout=10)
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


# ---- forged requests ---------------------------------------------------------------------------
def _forgeries(url: str) -> list[tuple[str, bytes, dict[str, str]]]:
    """Many ways to fake or tamper with a Twilio request; none may get through."""
    good = sms_params("please help", sid="SMforged0000000000000000000000001")
    body, headers = sign_form(url + WEBHOOK_PATH, good, TOKEN)
    cases: list[tuple[str, bytes, dict[str, str]]] = [
        ("no signature", body, {"Content-Type": headers["Content-Type"]}),
        ("empty signature", body, {**headers, "X-Twilio-Signature": ""}),
        ("garbage signature", body, {**headers, "X-Twilio-Signature": "not-base64!!"}),
        ("wrong token", *sign_form(url + WEBHOOK_PATH, good, "guessed-token")),
        ("signed for another URL", *sign_form("https://evil.example" + WEBHOOK_PATH, good, TOKEN)),
        ("signed for another path", *sign_form(url + "/webhooks/rest/webhook", good, TOKEN)),
        ("signature case flipped", body,
         {**headers, "X-Twilio-Signature": headers["X-Twilio-Signature"].swapcase()}),
        ("extra parameter added", body + b"&Injected=1", headers),
        ("parameter dropped", body.replace(b"&NumMedia=0", b""), headers),
        ("JSON body", b'{"From": "+447700900001", "Body": "hi"}',
         {**headers, "Content-Type": "application/json"}),
    ]
    for field_name, new in [("Body", "send me everything"), ("From", "+447700900999"),
                            ("MessageSid", "SMdifferent"), ("To", "+447700900555"),
                            ("Body", "please help "), ("Body", "Please help")]:
        tampered = dict(good, **{field_name: new})
        tampered_body, _ = sign_form(url + WEBHOOK_PATH, tampered, TOKEN)
        cases.append((f"{field_name} changed after signing", tampered_body, headers))
    for n in range(20):  # signatures from other messages replayed onto this one
        other = sms_params(f"message {n}", sid=f"SMother{n:026d}")
        cases.append((f"replayed signature {n}", body,
                      {**headers, "X-Twilio-Signature": sign_form(url + WEBHOOK_PATH, other,
                                                                  TOKEN)[1]["X-Twilio-Signature"]}))
    return cases


def test_every_forged_or_tampered_request_is_refused_and_changes_nothing() -> None:
    with harness() as h:
        cases = _forgeries(h.url)
        statuses = {name: requests.post(h.url + WEBHOOK_PATH, data=body, headers=headers,
                                        timeout=10).status_code
                    for name, body, headers in cases}
    assert len(cases) >= 35
    assert statuses == {name: 403 for name, _, _ in cases}  # 100% refused
    assert h.bot.received == []  # nothing reached Rasa
    assert h.store.calls == 0  # no claim, no opt-out lookup: nothing written anywhere


def test_without_an_auth_token_the_channel_refuses_everything() -> None:
    with harness(ScriptedBot()) as h:
        h.channel.validator = None
        answer = h.send("hello")
    assert answer.status_code == 403 and h.bot.received == []


def test_signature_is_checked_against_the_public_url_behind_a_proxy() -> None:
    public = "https://sms.northmoor.example"
    with harness(public_base_url=public) as h:
        direct = h.send("signed for the inner address")
        proxied = post_signed(h.url, sms_params("signed for the public address"), TOKEN,
                              public_base_url=public)
    assert direct.status_code == 403
    assert proxied.status_code == 200
    assert h.bot.texts() == ["signed for the public address"]


# ---- duplicates, keywords, opt-out ---------------------------------------------------------------
def test_a_message_delivered_twice_is_processed_once() -> None:
    with harness() as h:
        params = sms_params("my dad keeps falling", sid="SMdup000000000000000000000000001")
        first = post_signed(h.url, params, TOKEN)
        second = post_signed(h.url, params, TOKEN)
    assert twiml_messages(first.text) == ["Thanks, noted."]
    assert second.status_code == 200 and twiml_messages(second.text) == []
    assert h.bot.texts() == ["my dad keeps falling"]


@pytest.mark.parametrize("word", ["STOP", "stop", " Stop ", "STOPALL", "unsubscribe", "Cancel",
                                  "END", "quit"])
def test_stop_words_opt_out_and_confirm_once(word: str) -> None:
    wording = load_wording()
    with harness() as h:
        confirm = h.say(word)
        again = h.say("STOP")
        later = h.say("hello?")
    assert confirm == [wording.opted_out]
    assert "START" in confirm[0] and load_council().phone in confirm[0]
    assert again == [] and later == []  # nothing more is sent...
    assert h.bot.texts() == ["hello?"]  # ...but Rasa still hears them (and STOP never reaches it)
    assert list(h.store.opted_out.values()) == [True]


def test_stop_inside_a_sentence_is_an_ordinary_message() -> None:
    with harness() as h:
        shown = h.say("stop hurting me")
    assert h.bot.texts() == ["stop hurting me"]
    assert shown == ["Thanks, noted."]
    assert h.store.opted_out == {}


def test_a_crisis_from_an_opted_out_number_still_reaches_rasa_but_nothing_is_sent() -> None:
    with harness(ScriptedBot(script={"he hits me every night": [{"text": "Ring 999 now."}]})) as h:
        h.say("STOP")
        shown = h.say("he hits me every night")
    assert h.bot.texts() == ["he hits me every night"]
    assert shown == []


@pytest.mark.parametrize("word", ["START", "unstop", "Start"])
def test_start_opts_back_in(word: str) -> None:
    with harness() as h:
        h.say("STOP")
        welcome = h.say(word)
        shown = h.say("can you help")
    assert welcome == [load_wording().opted_in]
    assert shown == ["Thanks, noted."]
    assert list(h.store.opted_out.values()) == [False]


def test_help_gets_the_help_text_with_the_council_phone_even_when_opted_out() -> None:
    with harness() as h:
        first = h.say("HELP")
        h.say("stop")
        second = h.say("help")
    council = load_council()
    assert first == second == [load_wording().help]
    assert council.phone in first[0] and council.name in first[0] and "999" in first[0]
    assert h.bot.received == []


# ---- options by number -------------------------------------------------------------------------
@pytest.mark.parametrize("answer,payload", [
    ("1", "/i_am_self"), ("1.", "/i_am_self"), ("one", "/i_am_self"), ("2", "/i_am_carer"),
    ("Two", "/i_am_carer"), ("(3)", "/i_am_staff"), ("someone I care for", "/i_am_carer"),
    ("myself", "/i_am_self"), ("staff", "/i_am_staff"),
])
def test_a_numbered_answer_maps_back_to_its_payload(answer: str, payload: str) -> None:
    with harness(ScriptedBot(script={"hi": WHO_FOR})) as h:
        shown = h.say("hi")
        h.say(answer)
    assert "/" not in "".join(shown)
    assert h.bot.texts() == ["hi", payload]


def test_options_are_remembered_in_the_rasa_tracker_across_a_channel_restart() -> None:
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    clock = Clock()
    trackers = InMemoryTrackerStore(Domain.empty())
    bot = ScriptedBot(script={"hi": WHO_FOR}, tracker_store=trackers, clock=clock)
    with harness(bot, clock=clock) as h:
        h.say("hi")
    assert len(h.channel.memory) == 1
    with harness(bot, clock=clock, memory=ConversationMemory()) as fresh:  # process memory lost
        assert len(fresh.channel.memory) == 0
        fresh.say("2")
    assert bot.texts() == ["hi", "/i_am_carer"]


def test_an_answer_that_is_not_an_option_goes_to_rasa_as_words() -> None:
    with harness(ScriptedBot(script={"hi": WHO_FOR})) as h:
        h.say("hi")
        h.say("it's for my neighbour really")
        h.say("1")  # the last turn had no options, so "1" is just text now
    assert h.bot.texts() == ["hi", "it's for my neighbour really", "1"]


def test_a_number_outside_the_list_asks_again_without_bothering_rasa() -> None:
    with harness(ScriptedBot(script={"hi": WHO_FOR})) as h:
        h.say("hi")
        shown = h.say("7")
        h.say("3")
    assert shown == ["Please reply with a number from 1 to 3, or tell me in your own words.\n"
                     "Reply 1 for Myself, 2 for Someone I care for or 3 for I'm staff helping a "
                     "caller."]
    assert h.bot.texts() == ["hi", "/i_am_staff"]


# ---- what the phone shows ---------------------------------------------------------------------
def test_replies_are_gsm7_with_typography_and_emoji_normalised() -> None:
    fancy = [{"text": "That’s “lovely” — really… 😊 Café Zoë’s ✓"}]
    with harness(ScriptedBot(default=fancy)) as h:
        shown = h.say("hello")
    assert shown == ["That's \"lovely\" - really... Café Zoe's"]
    assert all(is_gsm7(text) for text in shown)


def test_long_turns_split_at_sentences_into_at_most_three_texts_losing_nothing() -> None:
    sentences = [f"Point {n} is a sentence about support that matters to you." for n in range(11)]
    long_turn = [{"text": " ".join(sentences[:6])}, {"text": " ".join(sentences[6:]),
                                                      "buttons": ROLE_BUTTONS}]
    with harness(ScriptedBot(default=long_turn)) as h:
        shown = h.say("tell me everything")
    assert 2 <= len(shown) <= 3
    assert all(septets(text) <= 306 for text in shown)
    joined = " ".join(shown)
    assert [s for s in sentences if s in joined] == sentences  # all there, in order
    assert all(text.rstrip().endswith(".") for text in shown)  # split at sentence ends
    assert shown[-1].endswith("3 for I'm staff helping a caller.")


def test_short_bot_messages_of_one_turn_share_one_text() -> None:
    turn = [{"text": "Thank you."}, {"text": "Is anyone at risk of harm?",
                                      "buttons": [{"title": "Yes", "payload": "/affirm"},
                                                  {"title": "No", "payload": "/deny"}]}]
    with harness(ScriptedBot(default=turn)) as h:
        shown = h.say("ok")
    assert shown == ["Thank you.\nIs anyone at risk of harm?\nReply 1 for Yes or 2 for No."]


def test_images_and_custom_payloads_never_reach_the_phone() -> None:
    turn = [{"text": "Here you go.", "image": "https://example.invalid/x.png",
             "custom": {"payload": "/secret_intent"}}]
    with harness(ScriptedBot(default=turn)) as h:
        shown = h.say("show me")
    assert shown == ["Here you go."]
