"""The step read by the NLU extractor: set from a message about the person's situation, never
from an FAQ question or a navigation message (they are asked mid-form)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.need_area_extractor import NO_STEP_INTENTS


def _steps(pipeline_nlp, need_extractor, text: str, intent: str) -> list[str]:
    message = Message(data={"text": text})
    message.set("text_spacy_doc", pipeline_nlp(text))
    message.set("intent", {"name": intent, "confidence": 0.9})
    need_extractor.process([message])
    return [e["value"] for e in message.get("entities", []) if e["entity"] == "sds_step"]


@pytest.mark.parametrize(("text", "step"), [
    ("our PA rang in sick and nobody can cover her shift tomorrow", "6"),
    ("we're still waiting to hear if the council will sign off his plan", "3"),
    ("do we go for a direct payment or let the council arrange it now the plan is agreed", "4"),
])
def test_a_message_about_the_situation_sets_the_step(pipeline_nlp, need_extractor, text: str,
                                                      step: str):
    assert _steps(pipeline_nlp, need_extractor, text, "describe_needs") == [step]


@pytest.mark.parametrize("intent", sorted(NO_STEP_INTENTS))
def test_faq_and_navigation_never_set_the_step(pipeline_nlp, need_extractor, intent: str):
    text = "do we go for a direct payment or let the council arrange it now the plan is agreed"
    assert _steps(pipeline_nlp, need_extractor, text, intent) == []


def test_a_question_about_words_sets_no_step(pipeline_nlp, need_extractor):
    assert _steps(pipeline_nlp, need_extractor, "what is a direct payment?", "faq") == []
    assert _steps(pipeline_nlp, need_extractor, "I want to change an answer", "change_answer") == []
