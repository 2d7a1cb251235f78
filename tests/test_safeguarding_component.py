"""SafeguardingDetector on real Rasa messages: rules + learned model -> urgent / check / none."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safeguarding_component import SafeguardingDetector
from bot.nlu.spacy_builder import build
from bot.safeguarding.model import RiskScore


@pytest.fixture(scope="module")
def nlp():
    return build()


@pytest.fixture()
def detector(tmp_path):
    return SafeguardingDetector.create(
        {}, LocalModelStorage(tmp_path), Resource("sg"),
        ExecutionContext(graph_schema=None),
    )


def _message(nlp, text: str, intent: str = "describe_needs", confidence: float = 0.9,
             with_doc: bool = True) -> Message:
    message = Message(data={"text": text})
    if with_doc:
        message.set("text_spacy_doc", nlp(text.lower()))
    second = "chitchat" if intent != "chitchat" else "greet"
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence},
                                   {"name": second, "confidence": round(1 - confidence, 3)}])
    message.set("entities", [{"entity": "need_area", "value": "nutrition", "extractor": "X"}])
    return message


def _risk_kinds(message: Message) -> list[str]:
    return [e["value"] for e in message.get("entities") if e["entity"] == "risk_kind"]


def test_rules_turn_a_missed_disclosure_into_disclose_harm(nlp, detector):
    message = _message(nlp, "I need help with cooking, also my husband hits me", "describe_needs")
    detector.process([message])
    assert message.get("intent") == {"name": "disclose_harm", "confidence": 1.0}
    ranking = message.get("intent_ranking")
    assert ranking[0] == {"name": "disclose_harm", "confidence": 1.0}
    assert all(item["confidence"] == 0.0 for item in ranking[1:])
    assert {"name": "describe_needs", "confidence": 0.0} in ranking
    assert "domestic_abuse" in _risk_kinds(message)
    need = {"entity": "need_area", "value": "nutrition", "extractor": "X"}
    assert need in message.get("entities")
    risk = [e for e in message.get("entities") if e["entity"] == "risk_kind"]
    assert all(e["extractor"] == "SafeguardingDetector" for e in risk)


def _outcome(message: Message) -> str | None:
    found = [e["value"] for e in message.get("entities") if e["entity"] == "risk_outcome"]
    return found[0] if found else None


def test_confident_classifier_alone_is_nothing_by_default(nlp, detector):
    # Issue 9: DIET's disclose_harm had become the catch-all for anything unfamiliar.
    message = _message(nlp, "qwv zzkx plorb", "disclose_harm", 0.99)
    detector.process([message])
    assert message.get("intent")["name"] != "disclose_harm"
    assert _outcome(message) is None


def test_when_enabled_the_classifier_alone_is_at_most_a_check_never_urgent(nlp, tmp_path):
    detector = SafeguardingDetector.create(
        {"classifier_check_threshold": 0.9}, LocalModelStorage(tmp_path), Resource("sg"),
        ExecutionContext(graph_schema=None))
    message = _message(nlp, "qwv zzkx plorb", "disclose_harm", 0.95)
    detector.process([message])
    assert message.get("intent")["name"] != "disclose_harm"
    assert _outcome(message) == "check"
    assert _risk_kinds(message) == ["unspecified_risk"]


def test_less_sure_classifier_alone_is_nothing(nlp, detector):
    message = _message(nlp, "qwv zzkx plorb", "disclose_harm", 0.69)
    detector.process([message])
    assert message.get("intent")["name"] != "disclose_harm"
    assert _outcome(message) is None


@pytest.mark.parametrize("payload", ['/inform_role{"role":"carer"}', "/not_an_intent",
                                     '/inform_role{"role": "self"} /extra'])
def test_a_payload_for_an_intent_that_does_not_exist_never_reaches_the_crisis_path(
        nlp, detector, payload):
    message = _message(nlp, payload, "disclose_harm", 0.69)
    detector.process([message])
    assert message.get("intent")["name"] != "disclose_harm"
    assert _risk_kinds(message) == [] and _outcome(message) is None


@pytest.mark.parametrize(("text", "kind"), [
    ("my dad has been on the kitchen floor since last night and he can't get up", "fall_long_lie"),
    ("mum's face has dropped on one side and her words are slurred", "stroke"),
    ("she has had no heating for a week in this freezing weather and she is 91", "cold_home"),
])
def test_the_learned_model_makes_missed_kinds_urgent(nlp, detector, text, kind):
    message = _message(nlp, text, "describe_needs", 0.9)
    detector.process([message])
    assert message.get("intent") == {"name": "disclose_harm", "confidence": 1.0}
    assert _outcome(message) == "urgent"
    assert kind in _risk_kinds(message)


def test_unsure_classifier_without_rules_gives_way_to_the_next_intent(nlp, detector):
    message = _message(nlp, "many thanks", "disclose_harm", 0.41)
    detector.process([message])
    # The policy acts on the intent alone: a weak guess must not reach it as disclose_harm.
    assert message.get("intent") == {"name": "chitchat", "confidence": 0.59}
    assert _risk_kinds(message) == []


def test_unsure_classifier_with_no_likely_alternative_becomes_fallback(nlp, detector):
    message = _message(nlp, "things are a bit rubbish", "disclose_harm", 0.3)
    message.set("intent_ranking", [{"name": "disclose_harm", "confidence": 0.3},
                                   {"name": "chitchat", "confidence": 0.1}])
    detector.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert _risk_kinds(message) == []


@pytest.mark.parametrize("text", ["I'm dying for a cuppa", "he doesn't hit me",
                                  "my aunt is 90 and wants to keep riding her bike"])
def test_near_misses_keep_the_classifier_answer(nlp, detector, text):
    message = _message(nlp, text, "chitchat", 0.7)
    detector.process([message])
    assert message.get("intent") == {"name": "chitchat", "confidence": 0.7}
    assert _risk_kinds(message) == []


def test_kinds_are_given_most_urgent_first(nlp, detector):
    message = _message(nlp, "my son takes my money and I want to kill myself")
    detector.process([message])
    assert _risk_kinds(message)[0] in ("suicidal", "suicide_self_harm")
    assert "financial_abuse" in _risk_kinds(message)


def test_works_without_a_spacy_doc_on_the_message(nlp, detector):
    message = _message(nlp, "Someone is abusing my mum", with_doc=False)
    detector.process([message])
    assert message.get("intent")["name"] == "disclose_harm"


@pytest.mark.parametrize(
    "text", ["", "   ", "/continue_journey", '/inform_network{"network":"some"}'])
def test_empty_messages_and_button_payloads_pass_through(nlp, detector, text):
    message = _message(nlp, text, "continue_journey", 1.0)
    detector.process([message])
    assert message.get("intent") == {"name": "continue_journey", "confidence": 1.0}


def test_fallback_classifier_after_it_keeps_the_disclosure(nlp, detector, tmp_path):
    # DIET said describe_needs 0.97: next to 1.0 for disclose_harm that would look "ambiguous".
    message = _message(nlp, "my carer hits me", "describe_needs", 0.97)
    detector.process([message])
    fallback = FallbackClassifier.create(
        {**FallbackClassifier.get_default_config(), "threshold": 0.4,
         "ambiguity_threshold": 0.05},
        LocalModelStorage(tmp_path), Resource("fb"), ExecutionContext(graph_schema=None),
    )
    fallback.process([message])
    assert message.get("intent")["name"] == "disclose_harm"


def test_a_disclosure_far_into_a_huge_message_is_found(nlp, detector):
    text = "we need help with the garden and the shopping. " * 400 + "my son hits me"
    message = _message(nlp, text)
    detector.process([message])
    assert "physical_abuse" in _risk_kinds(message)


def test_after_fallback_classifier_a_sure_but_ambiguous_disclosure_still_counts(nlp, detector,
                                                                                tmp_path):
    # The lead's config runs FallbackClassifier first: 0.52 vs 0.48 is "ambiguous" there.
    message = _message(nlp, "my husband hits me when he drinks", "disclose_harm", 0.52)
    fallback = FallbackClassifier.create(
        {**FallbackClassifier.get_default_config(), "threshold": 0.4,
         "ambiguity_threshold": 0.05},
        LocalModelStorage(tmp_path), Resource("fb"), ExecutionContext(graph_schema=None),
    )
    fallback.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"
    detector.process([message])
    assert message.get("intent") == {"name": "disclose_harm", "confidence": 1.0}
    assert "domestic_abuse" in _risk_kinds(message)


def test_after_fallback_classifier_an_unsure_guess_is_left_as_fallback(nlp, detector, tmp_path):
    message = _message(nlp, "things are a bit rubbish", "disclose_harm", 0.35)
    fallback = FallbackClassifier.create(
        {**FallbackClassifier.get_default_config(), "threshold": 0.4},
        LocalModelStorage(tmp_path), Resource("fb"), ExecutionContext(graph_schema=None),
    )
    fallback.process([message])
    detector.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert _risk_kinds(message) == []


class _AlarmedModel:
    """A risk model that hears danger in everything, to show what the detector asks it."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def score(self, text: str) -> RiskScore:
        self.asked.append(text)
        return RiskScore(0.9, "immediate_danger", 0.9, 0.0)


@pytest.mark.parametrize("text", ["no", "No.", "yes", "nope", "not really"])
def test_a_bare_yes_or_no_is_never_scored_by_the_model(nlp, detector, text):
    detector._model = model = _AlarmedModel()
    message = _message(nlp, text, "deny")
    detector.process([message])
    assert model.asked == []
    assert _outcome(message) is None and message.get("intent")["name"] == "deny"


def test_a_no_with_more_words_is_still_scored(nlp, detector):
    detector._model = model = _AlarmedModel()
    message = _message(nlp, "no, someone is trying to get in", "deny")
    detector.process([message])
    assert model.asked == ["no, someone is trying to get in"]
    assert _outcome(message) == "urgent"
