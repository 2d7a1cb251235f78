"""Caring for a child is read only when someone is bringing up a child, not from a grown-up son or
daughter, an elderly parent or the word "school" on its own."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

CHILD = "caring_for_a_child"


def _areas(pipeline_nlp, need_extractor, text: str) -> list[str]:
    message = Message(data={"text": text})
    message.set("text_spacy_doc", pipeline_nlp(text.lower()))
    message.set("intent", {"name": "describe_needs", "confidence": 0.9})
    need_extractor.process([message])
    return [e["value"] for e in message.get("entities", []) if e["entity"] == "need_area"]


@pytest.mark.parametrize("text", [
    "I look after my elderly parent",
    "both my parents are in their nineties",
    "her grandchildren pop in after school",
    "she used to be a dinner lady at the school",
    "I look after my son, he is 34 and has a learning disability",
])
def test_not_about_bringing_up_a_child(pipeline_nlp, need_extractor, text: str):
    assert CHILD not in _areas(pipeline_nlp, need_extractor, text)


@pytest.mark.parametrize("text", [
    "I'm a single parent and my back is getting worse",
    "I can't manage the school run since my stroke",
    "I look after my young son on my own",
    "who helps with the baby when I'm in hospital",
])
def test_bringing_up_a_child(pipeline_nlp, need_extractor, text: str):
    assert CHILD in _areas(pipeline_nlp, need_extractor, text)
