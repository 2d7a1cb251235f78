"""Composing a bot turn for a phone, and cleaning what a phone sends."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sms.compose import MAX_INBOUND_CHARS, clean_inbound, compose_turn
from bot.sms.gsm7 import is_gsm7, septets

BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def test_a_turn_becomes_one_text_with_numbered_options() -> None:
    turn = compose_turn([{"text": "Thanks."}, {"text": "Any risk?", "buttons": BUTTONS}])
    assert turn.bodies == ("Thanks.\nAny risk?\nReply 1 for Yes or 2 for No.",)
    assert [o.payload for o in turn.options] == ["/affirm", "/deny"]


def test_the_last_set_of_buttons_wins_and_no_payload_is_shown() -> None:
    turn = compose_turn([{"text": "A?", "buttons": [{"title": "Old", "payload": "/old"}]},
                         {"text": "B?", "buttons": BUTTONS}])
    assert turn.bodies == ("A?\nB?\nReply 1 for Yes or 2 for No.",)
    assert "/" not in turn.bodies[0]


def test_notes_come_first_and_an_empty_turn_sends_nothing() -> None:
    assert compose_turn([], notes=["Note."]).bodies == ("Note.",)
    assert compose_turn([]).bodies == ()
    assert compose_turn([{"image": "https://x.invalid/a.png"}]).bodies == ()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries({"text": st.text(max_size=300)}), max_size=6))
def test_any_turn_is_gsm7_and_at_most_three_texts(messages: list[dict]) -> None:
    turn = compose_turn(messages + [{"text": "Which?", "buttons": BUTTONS}])
    assert 1 <= len(turn.bodies) <= 3
    assert all(is_gsm7(b) for b in turn.bodies)
    assert all(septets(b) <= 306 for b in turn.bodies[:-1])


def test_clean_inbound() -> None:
    assert clean_inbound("  hello\x00there \u202e\ufeff ").text == "hello there"
    assert clean_inbound("a\r\nb").text == "a\nb"
    assert clean_inbound("e\u0301").text == "\u00e9"  # NFC
    short = clean_inbound("x" * MAX_INBOUND_CHARS)
    assert not short.truncated and len(short.text) == MAX_INBOUND_CHARS


def test_over_long_inbound_is_cut_at_a_word_boundary() -> None:
    text = "help " * 400
    cleaned = clean_inbound(text)
    assert cleaned.truncated and len(cleaned.text) <= MAX_INBOUND_CHARS
    assert cleaned.text.endswith("help") and text.startswith(cleaned.text)


def test_a_typed_payload_is_read_as_words_not_as_an_intent() -> None:
    assert clean_inbound("/i_am_staff").text == "i_am_staff"
    assert clean_inbound('  //inform_step{"sds_step": "7"}').text == 'inform_step{"sds_step": "7"}'
    assert clean_inbound("/").text == ""
