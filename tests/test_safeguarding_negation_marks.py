"""What the risk model's word features see around a denial (bot/safeguarding/negation_marks.py)."""

from __future__ import annotations

import pytest

from bot.safeguarding.config import word_lists
from bot.safeguarding.negation_marks import negation_marked


@pytest.mark.parametrize(("text", "marked"), [
    ("he never hits me", "he never not_hits not_me"),
    ("He doesn\u2019t hit me but he shouts", "he doesn't not_hit not_me but he shouts"),
    ("she cant breathe", "she cant not_breathe"),
    ("mum hasnt eaten, she is weak", "mum hasnt not_eaten , she is weak"),
])
def test_words_a_denial_reaches_are_marked(text, marked):
    assert negation_marked(text) == marked


@pytest.mark.parametrize("text", [
    "no he hits me",  # "no" as an answer, then a disclosure
    "I'm not sure he hits her",  # doubt, not denial
    "i dont want to live anymore",  # "want" starts a new thought
])
def test_an_answer_doubt_or_new_thought_is_not_a_denial(text):
    assert "not_" not in negation_marked(text)


def test_a_denial_stops_at_punctuation_and_a_new_clause():
    assert negation_marked("I can't sleep, he hits me") == "i can't not_sleep , he hits me"
    assert negation_marked("nothing wrong and he hits me").endswith("and he hits me")


def test_a_denial_reaches_only_a_few_words():
    reach = word_lists().window
    marked = negation_marked("not " + " ".join(f"w{i}" for i in range(reach + 2))).split()
    assert sum(w.startswith("not_") for w in marked) == reach
    assert marked[-1] == f"w{reach + 1}" and marked[-2] == f"w{reach}"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "\u0000\ufffd", "\U0001F600 " * 50, "x" * 5000])
def test_odd_input_does_not_crash(text):
    assert isinstance(negation_marked(text), str)
