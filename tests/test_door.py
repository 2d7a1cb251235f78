"""bot/channels/door.py: what every chat channel does with a message before Rasa sees it."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.door import clean, guard, offered_payloads, read_slash, wording
from bot.council import load_council

OFFERED = [BotUttered("Who is the help for?", data={"buttons": [
    {"title": "Me", "payload": "/i_am_self"},
    {"title": "Some", "payload": '/inform_network{"network":"some"}'}]})]


def _agent(events=OFFERED, fail: bool = False) -> SimpleNamespace:
    async def retrieve(sender: str):
        if fail:
            raise OSError("database is locked")
        return DialogueStateTracker.from_events(sender, list(events))
    return SimpleNamespace(tracker_store=SimpleNamespace(retrieve=retrieve))


def _turn(text, agent=None, handler=None) -> tuple[list[str], list[str]]:
    """(what reached Rasa, what the person saw)."""
    reached: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        reached.append(message.text)
        if handler:
            await handler(message)

    out = CollectingOutputChannel()
    asyncio.run(guard(on_new_message, lambda: agent)(UserMessage(text, out, "door-test")))
    return reached, [m.get("text", "") for m in out.messages]


def test_control_and_invisible_characters_are_stripped():
    assert clean("help\x00 me\r\n\tplease\u202e\u200b\ud800 ") == "help me please"


def test_a_leading_slash_is_read_as_words_unless_it_was_offered():
    assert read_slash("/ I want to kill myself", set()) == "I want to kill myself"
    assert read_slash("/i_am_self", {"/i_am_self"}) == "/i_am_self"
    assert read_slash('/inform_step{"sds_step":"99"}', {"/i_am_self"}) == \
        'inform_step{"sds_step":"99"}'


def test_offered_payloads_are_every_button_the_conversation_showed():
    tracker = DialogueStateTracker.from_events("x", list(OFFERED))
    assert offered_payloads(tracker) == {"/i_am_self", '/inform_network{"network":"some"}'}


def test_slash_crisis_text_reaches_rasa_as_words():
    reached, _seen = _turn("/ I want to kill myself", _agent())
    assert reached == ["I want to kill myself"]


def test_an_offered_button_payload_reaches_rasa_unchanged():
    assert _turn('/inform_network{"network":"some"}', _agent())[0] == [
        '/inform_network{"network":"some"}']


def test_a_forged_payload_reaches_rasa_as_words():
    assert _turn('/inform_network{"network":"none"}', _agent())[0] == [
        'inform_network{"network":"none"}']


def test_when_the_tracker_cannot_be_read_a_payload_is_read_as_words():
    assert _turn("/change_slot", _agent(fail=True))[0] == ["change_slot"]


def test_too_long_is_refused_with_a_clear_reply_and_never_reaches_rasa():
    reached, seen = _turn("word " * 2000, _agent())
    assert reached == [] and seen == [wording().too_long]
    assert load_council().phone in seen[0]


def test_just_under_the_limit_is_taken():
    assert _turn("a" * 8000, _agent())[0] == ["a" * 8000]


def test_empty_or_invisible_messages_get_a_clear_reply():
    for text in ("", "   ", "\x00\u200b", "/", None):
        reached, seen = _turn(text, _agent())
        assert reached == [] and seen == [wording().empty], repr(text)


def test_when_rasa_fails_on_a_turn_the_person_gets_999_and_the_council_number():
    async def locked(_message):
        raise OSError("database is locked")

    reached, seen = _turn("my dad has fallen", _agent(), locked)
    assert reached == ["my dad has fallen"]
    assert seen == [wording().trouble]
    assert "999" in seen[0] and "116 123" in seen[0] and load_council().phone in seen[0]


def test_opening_payloads_are_taken_before_anything_was_offered():
    assert _turn("/greet", _agent(events=[]))[0] == ["/greet"]
    assert _turn("/i_am_carer", _agent(events=[]))[0] == ["/i_am_carer"]
    assert _turn('/inform_network{"network":"none"}', _agent(events=[]))[0] == [
        'inform_network{"network":"none"}']
