"""The FAQ answer is picked only for messages classified faq; every other message keeps the parse
data's shape (the retrieval intents listed, no selection) without running the selector's model."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.faq_selector import FaqResponseSelector


@pytest.fixture
def selector(tmp_path: Path) -> FaqResponseSelector:
    config = {**ResponseSelector.get_default_config(), "retrieval_intent": "faq"}
    made = FaqResponseSelector.create(config, LocalModelStorage(tmp_path), Resource("faq"),
                                      ExecutionContext(graph_schema=None))
    made.all_retrieval_intents = ["faq"]
    return made


def message(text: str, intent: str) -> Message:
    return Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9}})


def test_only_faq_messages_reach_the_selector(selector: FaqResponseSelector,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def pretend(self: ResponseSelector, messages: list[Message]) -> list[Message]:
        for m in messages:
            seen.append(m.get("text"))
            m.set("response_selector", {"all_retrieval_intents": ["faq"],
                                        "faq": {"response": {"intent_response_key": "faq/dp"}}},
                  add_to_output=True)
        return messages

    monkeypatch.setattr(ResponseSelector, "process", pretend)
    asked = message("what is a direct payment", "faq")
    other = message("my mum can't wash any more", "inform_need")
    out = selector.process([asked, other])
    assert seen == ["what is a direct payment"]
    assert out[0].get("response_selector")["faq"]["response"]["intent_response_key"] == "faq/dp"
    assert out[1].get("response_selector") == {"all_retrieval_intents": ["faq"]}
    assert "response_selector" in out[1].as_dict(only_output_properties=True)


def test_a_message_with_no_intent_is_not_a_question(selector: FaqResponseSelector) -> None:
    bare = Message(data={"text": "hello"})
    assert not selector.is_retrieval_question(bare)
    selector.process([bare])
    assert bare.get("response_selector") == {"all_retrieval_intents": ["faq"]}
