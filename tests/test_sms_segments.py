"""Splitting a bot turn into texts: <= 306 septets each, sentence boundaries, at most three."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sms.gsm7 import normalise, septets
from bot.sms.segments import TWILIO_MAX_BODY, split_turn

SENTENCE = "This sentence is about the help you can get near you."  # 53 characters


def test_a_short_turn_is_one_text_unchanged() -> None:
    assert split_turn("Hello. How are you?") == ["Hello. How are you?"]


def test_the_tail_always_ends_the_last_text() -> None:
    texts = split_turn(" ".join([SENTENCE] * 8), tail="Reply 1 for Yes or 2 for No.")
    assert texts[-1].endswith("\nReply 1 for Yes or 2 for No.")
    assert all(septets(t) <= 306 for t in texts)


def test_texts_break_at_sentence_ends() -> None:
    sentences = [f"Sentence {n} says one useful thing about care." for n in range(15)]
    texts = split_turn(" ".join(sentences))
    assert 2 <= len(texts) <= 3
    assert all(t.endswith(".") and t[0].isupper() for t in texts)
    assert all(septets(t) <= 306 for t in texts)


def test_a_giant_sentence_is_broken_at_spaces() -> None:
    words = " ".join(["word"] * 120)  # one 599-character sentence with no full stop
    texts = split_turn(words)
    assert len(texts) == 2 and all(septets(t) <= 306 for t in texts)
    assert " ".join(texts) == words


def test_more_than_three_texts_worth_goes_into_the_third_without_loss() -> None:
    sentences = [f"{SENTENCE[:-1]} number {n}." for n in range(30)]  # about 1,900 characters
    texts = split_turn(" ".join(sentences[:20]), tail="Reply 1 for Yes or 2 for No.")
    assert len(texts) == 3
    assert septets(texts[0]) <= 306 and septets(texts[1]) <= 306
    joined = " ".join(texts)
    assert all(s in joined for s in sentences[:20])  # nothing dropped below Twilio's limit
    assert texts[-1].endswith("Reply 1 for Yes or 2 for No.")


def test_only_beyond_twilios_limit_is_content_cut_and_never_the_options() -> None:
    text = " ".join([SENTENCE] * 100)  # 5,400 characters
    texts = split_turn(text, tail="Reply 1 for Yes or 2 for No.")
    assert len(texts) == 3
    assert len(texts[-1]) <= TWILIO_MAX_BODY
    assert texts[-1].endswith("...\nReply 1 for Yes or 2 for No.")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=120), max_size=15))
def test_any_turn_fits_the_rules(parts: list[str]) -> None:
    text = normalise(" ".join(parts))
    texts = split_turn(text, tail="Reply 1 for A or 2 for B.")
    assert 1 <= len(texts) <= 3
    assert all(septets(t) <= 306 for t in texts[:-1])
    assert all(len(t) <= TWILIO_MAX_BODY for t in texts)
    if septets(text) <= 250:
        assert len(texts) == 1  # short content always fits in one text
    # Nothing is lost when it fits Twilio's limit: every word arrives, in order.
    if len(text) < 900:
        assert " ".join(texts).split() == (text + " Reply 1 for A or 2 for B.").split()
