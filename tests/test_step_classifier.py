"""The step classifier (bot/step_classifier.py) and how person_facts combines it with the step
patterns and cue words. Examples here are the developer's own, not from any held-out set."""

from __future__ import annotations

from pathlib import Path

import pytest

import bot.person_facts as pf
from bot import step_classifier as sc
from bot.person_facts import best_step


class _Doc:
    """Enough of a spaCy Doc for best_step: text and tokens with lemmas (here the words)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._tokens = [type("T", (), {"lemma_": w})() for w in text.lower().split()]

    def __iter__(self):
        return iter(self._tokens)


@pytest.mark.parametrize(("text", "step"), [
    ("waiting on someone from the council to come and assess my dad", 1),
    ("we know roughly what she'll get, now how do we write her support plan", 2),
    ("the panel turned the plan down, can someone speak up for us", 3),
    ("plan's signed off, should we get a direct payment or an ISF", 4),
    ("how do I go about hiring a personal assistant", 5),
    ("my carer can't come this weekend, who covers", 6),
    ("it's been a year and the support just isn't working, can we have a review", 7),
])
def test_clear_messages_get_their_step(text: str, step: int):
    got, confidence = sc.classify(text)
    assert got == step and confidence > 0.3
    assert best_step(_Doc(text)) == step


@pytest.mark.parametrize("text", [
    "my nan is lonely since grandad died",
    "what time do you close",
    "hello",
    "",
    "   ",
])
def test_messages_without_a_step_get_none(text: str):
    assert best_step(_Doc(text)) is None


def test_probabilities_cover_every_step_and_none():
    probs = sc.step_probabilities("can i use my hours to go swimming instead")
    assert set(probs) == {"1", "2", "3", "4", "5", "6", "7", sc.NONE}
    assert sum(probs.values()) == pytest.approx(1.0)


def test_normalise_makes_spelling_of_apostrophes_and_case_alike():
    assert sc.normalise("Mum’s PA!!  is OFF") == "mum's pa is off"


def test_training_file_has_enough_varied_sentences():
    texts, labels = sc.training_examples()
    for label in ("1", "2", "3", "4", "5", "6", "7"):
        assert labels.count(label) >= 40, label
    assert labels.count(sc.NONE) >= 60
    assert len(set(texts)) == len(texts), "a training sentence is written twice"


def test_a_broken_training_file_is_rejected(tmp_path: Path):
    bad = tmp_path / "steps.yml"
    bad.write_text("steps:\n  1: []\n", encoding="utf-8")
    with pytest.raises(sc.StepTrainingError):
        sc.training_examples(bad)
    bad.write_text("steps:\n  1:\n    - {oops: 1}\n", encoding="utf-8")
    with pytest.raises(sc.StepTrainingError):
        sc.training_examples(bad)
    bad.write_text("nothing: here\n", encoding="utf-8")
    with pytest.raises(sc.StepTrainingError):
        sc.training_examples(bad)


def test_off_topic_the_classifier_is_not_asked(monkeypatch):
    # "what time do you close" is not about money, plans or support: patterns and cues decide.
    def boom(text: str) -> dict:
        raise AssertionError("classifier asked about an off-topic message")

    monkeypatch.setattr(pf, "step_probabilities", boom)
    assert best_step(_Doc("what time do you close")) is None
    assert best_step(_Doc("what time do you close"), pattern_steps=[5]) == 5  # as before


def test_a_conversation_takes_a_classifier_step_only_when_sure(monkeypatch):
    text = "can we talk about the money side"
    unsure = {"1": 0.1, "2": 0.55, "3": 0.05, "4": 0.1, "5": 0.05, "6": 0.05, "7": 0.05,
              sc.NONE: 0.05}
    monkeypatch.setattr(pf, "step_probabilities", lambda t: unsure)
    assert pf.read_step(_Doc(text)) == (2, None)  # the reader's step; not taken mid-conversation
    sure = dict(unsure, **{"2": 0.8, "1": 0.0, "4": 0.0, sc.NONE: 0.0})
    monkeypatch.setattr(pf, "step_probabilities", lambda t: sure)
    assert pf.read_step(_Doc(text)) == (2, 2)


def test_a_conversation_keeps_the_patterns_step_when_they_give_one(monkeypatch):
    probs = {"1": 0.0, "2": 0.0, "3": 0.0, "4": 0.9, "5": 0.0, "6": 0.0, "7": 0.0, sc.NONE: 0.1}
    monkeypatch.setattr(pf, "step_probabilities", lambda t: probs)
    reader, taken = pf.read_step(_Doc("the panel turned down the plan"), pattern_steps=[3])
    assert reader == 4 and taken == 3
