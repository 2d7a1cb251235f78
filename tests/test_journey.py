"""The guided questions: reading typed answers, going back, and choosing an answer to change."""

from __future__ import annotations

import pytest

from bot.journey import (
    QUESTIONS,
    classify_network,
    classify_role,
    classify_step,
    classify_yes_no,
    clean_text,
    normalise_step,
    previous_question,
    slot_from_choice,
    slots_to_clear,
)


@pytest.mark.parametrize("text, role", [
    ("it's for my mum", "carer"),
    ("I look after my husband", "carer"),
    ("I've a caller on the line", "staff"),
    ("it's for me", "self"),
    ("Myself", "self"),
    ("banana", None),
])
def test_role_from_typed_answer(text, role):
    assert classify_role(text) == role


@pytest.mark.parametrize("text, network", [
    ("nobody really", "none"),
    ("it's just me doing everything", "none"),
    ("my daughter pops in at weekends", "some"),
    ("we manage most things ourselves", "strong"),
    ("purple", None),
])
def test_network_from_typed_answer(text, network):
    assert classify_network(text) == network


@pytest.mark.parametrize("text, answer", [
    ("yes", "yes"), ("Yeah we do", "yes"), ("no", "no"), ("nope", "no"),
    ("not sure", "unsure"), ("dunno", "unsure"), ("I don't know", "unsure"), ("sausages", None),
])
def test_yes_no_unsure(text, answer):
    assert classify_yes_no(text) == answer


@pytest.mark.parametrize("text, step", [
    ("3", 3), ("step 5", 5), ("we're making a support plan", 2), ("we had a review", 7),
    ("waiting for the plan to be signed off", 3), ("12", None), ("no idea", None),
])
def test_step_from_typed_answer(text, step):
    assert classify_step(text) == step


@pytest.mark.parametrize("value, step", [(3, 3), (3.0, 3), ("4", 4), (0, None), (8, None),
                                         (True, None), (None, None), ("abc", None)])
def test_normalise_step(value, step):
    assert normalise_step(value) == step


@pytest.mark.parametrize("raw", [None, 42, b"\x00\xff", "", "   ", "\u200b\u200b"])
def test_clean_text_never_crashes_on_odd_input(raw):
    assert isinstance(clean_text(raw), str)
    assert clean_text(raw).strip() == clean_text(raw)


def test_clean_text_caps_huge_input_and_drops_control_characters():
    assert len(clean_text("a" * 100_000)) == 2000
    assert clean_text("hi\x00\x07 there") == "hi there"
    assert clean_text("ｆｕｌｌ width") == "full width"


def test_go_back_from_network_returns_to_what_matters():
    slots = {"person_role": "carer", "what_matters": "cooking"}
    assert previous_question(slots, "network") == "what_matters"


def test_go_back_skips_the_step_question_that_was_never_asked():
    slots = {"person_role": "self", "what_matters": "x", "network": "some", "has_budget": "no",
             "sds_step": 1}
    assert previous_question(slots, "risk_check") == "has_budget"
    assert slots_to_clear("has_budget") == ["has_budget", "sds_step"]


def test_go_back_after_the_answer_reopens_the_last_question():
    slots = dict.fromkeys(QUESTIONS, "x") | {"has_budget": "yes", "sds_step": 4,
                                             "risk_check": False}
    assert previous_question(slots, None) == "risk_check"


def test_nothing_to_go_back_to_at_the_first_question():
    assert previous_question({}, "person_role") is None


@pytest.mark.parametrize("choice, slot", [
    ("network", "network"), ("Help from family and friends", "network"),
    ("the personal budget one", "has_budget"), ("who it's for", "person_role"),
    ("what matters", "what_matters"), ("elephant", None),
])
def test_choosing_an_answer_to_change(choice, slot):
    assert slot_from_choice(choice) == slot
