"""Buttons as a numbered list, and replies mapped back to payloads."""

from __future__ import annotations

import pytest

from bot.sms.buttons import (
    Option,
    OptionsWording,
    chosen_number,
    match_reply,
    options_from_buttons,
    out_of_range_number,
    render_options,
)

WHO = [Option("Myself", "/i_am_self"), Option("Someone I care for", "/i_am_carer"),
       Option("I'm staff helping a caller", "/i_am_staff")]
NETWORK = [Option("None", '/inform_network{"network": "none"}'),
           Option("Some", '/inform_network{"network": "some"}'),
           Option("A lot", '/inform_network{"network": "strong"}')]
YES_NO = [Option("Yes", "/affirm"), Option("No", "/deny")]


def test_render_shows_titles_numbered_and_never_payloads() -> None:
    text = render_options(NETWORK)
    assert text == "Reply 1 for None, 2 for Some or 3 for A lot."
    assert "/" not in text and "{" not in text


def test_render_uses_the_wording_given() -> None:
    wording = OptionsWording(intro="Text {items}", item="{number}={title}", separator="; ",
                             last_separator="; ")
    assert render_options(YES_NO, wording) == "Text 1=Yes; 2=No"
    assert render_options([]) == ""


def test_options_from_rasa_buttons_normalise_titles_and_skip_empty_ones() -> None:
    options = options_from_buttons([{"title": "I’m staff", "payload": "/i_am_staff"},
                                    {"title": "", "payload": "/nothing"}, {"title": "Bare"}])
    assert options == [Option("I'm staff", "/i_am_staff"), Option("Bare", "Bare")]


@pytest.mark.parametrize("reply,number", [
    ("1", 1), ("1.", 1), (" 2 ", 2), ("(3)", 3), ("#2", 2), ("3)", 3), ("one", 1), ("Two", 2),
    ("THREE", 3), ("option 2", 2), ("number 1", 1), ("first", 1), ("12", 12), ("１", 1),
    ("yes", None), ("1 and 2", None), ("11 years", None), ("", None), ("one day", None),
])
def test_chosen_number(reply: str, number: int | None) -> None:
    assert chosen_number(reply) == number


@pytest.mark.parametrize("reply,payload", [
    ("1", "/i_am_self"), ("2.", "/i_am_carer"), ("three", "/i_am_staff"),
    ("myself", "/i_am_self"), ("Someone I care for", "/i_am_carer"),
    ("someone i care for!", "/i_am_carer"), ("care", "/i_am_carer"), ("staff", "/i_am_staff"),
    ("I’m staff helping a caller", "/i_am_staff"),
])
def test_match_reply_maps_to_the_payload(reply: str, payload: str) -> None:
    chosen = match_reply(reply, WHO)
    assert chosen is not None and chosen.payload == payload


@pytest.mark.parametrize("reply", [
    "4", "0", "I", "for", "my mum needs help", "a friend", "it is for my dad", "",
    "stop hurting me",
])
def test_match_reply_leaves_other_words_alone(reply: str) -> None:
    assert match_reply(reply, WHO) is None


def test_words_shared_by_several_titles_pick_nothing() -> None:
    options = [Option("Help at home", "/a"), Option("Help with money", "/b")]
    assert match_reply("help", options) is None
    assert match_reply("money", options) == options[1]


def test_short_titles_match_exactly() -> None:
    assert match_reply("none", NETWORK) == NETWORK[0]
    assert match_reply("Some", NETWORK) == NETWORK[1]
    assert match_reply("a lot", NETWORK) == NETWORK[2]
    assert match_reply("no", YES_NO) == YES_NO[1]
    assert match_reply("YES", YES_NO) == YES_NO[0]


def test_out_of_range_numbers() -> None:
    assert out_of_range_number("7", WHO) and out_of_range_number("0", WHO)
    assert not out_of_range_number("3", WHO) and not out_of_range_number("seven dwarfs", WHO)
    assert not out_of_range_number("7", [])


def test_a_title_that_starts_with_its_own_number_is_not_numbered_twice() -> None:
    options = options_from_buttons([{"title": "1 Finding out the money", "payload": "/s1"},
                                    {"title": "2 Making a support plan", "payload": "/s2"},
                                    {"title": "7 Checking how it works", "payload": "/s7"}])
    assert [o.title for o in options] == ["Finding out the money", "Making a support plan",
                                          "7 Checking how it works"]  # 7 is not its number
    assert render_options(options).startswith("Reply 1 for Finding out the money, 2 for Making")
    assert match_reply("making a support plan", options) == options[1]


def test_titles_with_commas_are_kept_apart_with_semicolons() -> None:
    options = options_from_buttons([{"title": "No one, or hardly anyone", "payload": "/n"},
                                    {"title": "Some help, but there are gaps", "payload": "/s"},
                                    {"title": "A lot, we mostly manage", "payload": "/a"}])
    assert render_options(options) == ("Reply 1 for No one, or hardly anyone; 2 for Some help, "
                                       "but there are gaps; or 3 for A lot, we mostly manage.")
    assert match_reply("some help", options) == options[1]
