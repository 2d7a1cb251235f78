"""urgent / check / none from the phrase rules, the learned model's score and the context."""

from __future__ import annotations

import pytest

from bot.safeguarding.context import softened
from bot.safeguarding.model import RiskScore
from bot.safeguarding.outcome import Thresholds, decide

T = Thresholds(urgent=0.6, check=0.35, suicide=0.4, rule_veto=0.15)


def _score(risk: float, kind: str = "fall_long_lie", suicide: float = 0.0) -> RiskScore:
    return RiskScore(risk=risk, kind=kind, kind_probability=0.9, suicide=suicide)


def test_a_rule_hit_the_model_agrees_with_is_urgent():
    decision = decide(("physical_abuse",), _score(0.9, "physical_abuse"), T)
    assert decision.outcome == "urgent" and decision.kinds[0] == "physical_abuse"


def test_a_rule_hit_the_model_finds_harmless_is_a_check_not_nothing():
    decision = decide(("immediate_danger",), _score(0.05, "threats_weapons"), T)
    assert decision.outcome == "check" and "immediate_danger" in decision.kinds


def test_a_suicide_rule_hit_is_never_downgraded():
    assert decide(("suicide_self_harm",), _score(0.01, "suicidal"), T).outcome == "urgent"


@pytest.mark.parametrize(("risk", "outcome"), [(0.95, "urgent"), (0.6, "urgent"), (0.5, "check"),
                                               (0.35, "check"), (0.2, "none"), (0.0, "none")])
def test_the_model_alone_by_threshold(risk, outcome):
    assert decide((), _score(risk), T).outcome == outcome


def test_a_suicide_hint_in_the_grey_zone_is_asked_directly():
    decision = decide((), _score(0.45, "suicidal", suicide=0.3), T)
    assert decision.outcome == "check" and decision.kinds == ("suicidal",)


def test_a_strong_suicide_signal_is_urgent():
    decision = decide((), _score(0.9, "suicidal", suicide=0.8), T)
    assert decision.outcome == "urgent" and decision.kinds == ("suicidal",)


def test_context_softens_urgent_to_a_check_but_not_for_suicide():
    assert decide((), _score(0.9), T, soft=True).outcome == "check"
    assert decide((), _score(0.9, "suicidal", suicide=0.8), T, soft=True).outcome == "urgent"
    assert decide((), _score(0.1), T, soft=True).outcome == "none"


def test_the_model_kind_leads_only_when_its_reply_has_the_rule_kinds_numbers():
    # stroke (999) can lead medical_emergency (999); financial_abuse (no 999) must not lead
    # domestic_abuse (999 and the helpline), although both are abuse.
    assert decide(("medical_emergency",), _score(0.9, "stroke"), T).kinds[0] == "stroke"
    assert decide(("domestic_abuse",), _score(0.9, "financial_abuse"), T).kinds[0] \
        == "domestic_abuse"


@pytest.mark.parametrize(("text", "soft"), [
    ("what are the signs of a stroke?", True),
    ("she fell last year but she's fine now", True),
    ("he used to hit me years ago, I left him", True),
    ("my mum has fallen and can't get up", False),
    ("she is fine now but was on the floor all night", False),
    ("he hit me last night", False),
    # Past and over, but something happening now as well: judged as it stands, not softened.
    ("she fell last year and was fine, but today she's fallen again and can't get up", False),
    ("he was fine ten minutes ago, now his face has dropped on one side", False),
    ("he took an overdose years ago and got help, but he has just sent me a goodbye text", False),
    ("i keep thinking of giving her all her pills at once so it's over for us both", False),
    # "again" inside a resolved phrase is not something happening now.
    ("he hit me once years ago and it never happened again, I'm fine now", True),
])
def test_context_words(text, soft):
    assert softened(text) is soft


def test_a_mental_health_rule_hit_the_model_doubts_is_asked_directly_not_999():
    veto = Thresholds(urgent=0.6, check=0.35, suicide=0.4, rule_veto=0.15, mental_health_veto=0.1)
    doubted = decide(("suicide_self_harm",), _score(0.05, "suicidal"), veto)
    assert doubted.outcome == "check" and doubted.kinds == ("suicidal",)  # Samaritans' question
    assert decide(("suicide_self_harm",), _score(0.2, "suicidal"), veto).outcome == "urgent"
    # Other kinds keep their own veto: a doubted fall is the general check, not the suicide one.
    fall = decide(("fall_long_lie",), _score(0.05), veto)
    assert fall.outcome == "check" and "suicidal" not in fall.kinds


def test_thresholds_from_the_detectors_settings():
    got = Thresholds.from_config({"urgent_threshold": 0.55, "check_threshold": "0.3",
                                  "suicide_threshold": 0.4, "rule_veto": 0.25})
    assert got == Thresholds(urgent=0.55, check=0.3, suicide=0.4, rule_veto=0.25,
                             mental_health_veto=0.0)
