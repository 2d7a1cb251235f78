"""Caring for a child is read only when someone is bringing up a child, not from a grown-up son or
daughter, an elderly parent or the word "school" on its own."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.need_area_extractor import NeedAreaExtractor
from bot.nlu.spacy_builder import build

CHILD = "caring_for_a_child"


@pytest.fixture(scope="module")
def nlp():
    return build()


@pytest.fixture()
def extractor(tmp_path):
    return NeedAreaExtractor.create({}, LocalModelStorage(tmp_path), Resource("needs"),
                                    ExecutionContext(graph_schema=None))


def _areas(nlp, extractor, text: str) -> list[str]:
    message = Message(data={"text": text})
    message.set("text_spacy_doc", nlp(text.lower()))
    message.set("intent", {"name": "describe_needs", "confidence": 0.9})
    extractor.process([message])
    return [e["value"] for e in message.get("entities", []) if e["entity"] == "need_area"]


@pytest.mark.parametrize("text", [
    "I look after my elderly parent",
    "both my parents are in their nineties",
    "her grandchildren pop in after school",
    "she used to be a dinner lady at the school",
    "I look after my son, he is 34 and has a learning disability",
])
def test_not_about_bringing_up_a_child(nlp, extractor, text: str):
    assert CHILD not in _areas(nlp, extractor, text)


@pytest.mark.parametrize("text", [
    "I'm a single parent and my back is getting worse",
    "I can't manage the school run since my stroke",
    "I look after my young son on my own",
    "who helps with the baby when I'm in hospital",
])
def test_bringing_up_a_child(nlp, extractor, text: str):
    assert CHILD in _areas(nlp, extractor, text)
