"""Tier engine: vignettes, principles (hypothesis), explanations and step wording."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.routing import (
    Situation,
    SituationError,
    explain,
    load_rules,
    route,
    sds_step_info,
)
from bot.vocab import NEED_AREAS, ROLES, SDS_STEPS, TIERS

VIGNETTES = yaml.safe_load((Path(__file__).parent / "routing_vignettes.yml").read_text("utf-8"))
RULES = load_rules()


def _situation(raw: dict) -> Situation:
    fields = dict(raw)
    fields["need_areas"] = tuple(fields.get("need_areas", ()))
    return Situation(**fields)


def test_there_are_at_least_40_vignettes() -> None:
    assert len(VIGNETTES) >= 40
    assert len({v["name"] for v in VIGNETTES}) == len(VIGNETTES)


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["name"] for v in VIGNETTES])
def test_vignette_tier_order(vignette: dict) -> None:
    advice = route(_situation(vignette["situation"]), RULES)
    assert [a.tier for a in advice] == vignette["tiers"]
    assert advice[0].urgency == vignette["urgency_first"]


situations = st.builds(
    Situation,
    role=st.sampled_from(ROLES),
    need_areas=st.lists(st.sampled_from(NEED_AREAS), max_size=8).map(tuple),
    network=st.sampled_from(("none", "some", "strong")),
    isolated=st.booleans(),
    fluctuating=st.booleans(),
    has_budget=st.sampled_from((None, True, False)),
    sds_step=st.one_of(st.none(), st.sampled_from(SDS_STEPS)),
    prefers_person=st.booleans(),
    at_risk=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(situations)
def test_risk_means_professional_first_right_now(situation: Situation) -> None:
    advice = route(situation, RULES)
    if situation.at_risk:
        assert advice[0].tier == "professional"
        assert advice[0].urgency == "now"
        assert "999" in advice[0].reason


@settings(max_examples=300, deadline=None)
@given(situations)
def test_without_risk_there_is_always_a_tier_below_professional(situation: Situation) -> None:
    advice = route(situation, RULES)
    tiers = [a.tier for a in advice]
    assert any(TIERS.index(t) < TIERS.index("professional") for t in tiers)
    assert len(tiers) == len(set(tiers)), "a tier must not be offered twice"


@settings(max_examples=300, deadline=None)
@given(situations)
def test_professional_first_only_for_the_small_group(situation: Situation) -> None:
    first = route(situation, RULES)[0].tier
    small_group = (
        situation.at_risk
        or (situation.isolated and situation.network == "none")
        or (situation.need_count >= 4 and situation.fluctuating)
        or situation.prefers_person
    )
    assert (first == "professional") == small_group


@settings(max_examples=200, deadline=None)
@given(situations)
def test_peer_support_is_offered_to_everyone(situation: Situation) -> None:
    tiers = [a.tier for a in route(situation, RULES)]
    assert "peer" in tiers and "information" in tiers
    # Early: never later than straight after the person's own-capacity (information) tier.
    assert tiers.index("peer") <= tiers.index("information") + 1


@settings(max_examples=200, deadline=None)
@given(situations)
def test_same_input_same_output(situation: Situation) -> None:
    again = Situation(**{f: getattr(situation, f) for f in situation.__dataclass_fields__})
    assert route(situation, RULES) == route(again, RULES) == route(situation)
    assert explain(situation, RULES) == explain(again, RULES)


@settings(max_examples=200, deadline=None)
@given(situations)
def test_every_recommendation_is_explained_by_a_row(situation: Situation) -> None:
    advice = route(situation, RULES)
    lines = explain(situation, RULES)
    used = {line.split(":")[0] for line in lines if line.endswith("[used]")}
    assert used == {a.rule_id for a in advice}
    rows = {rule.id: rule for rule in RULES.rules}
    for item in advice:
        row = rows[item.rule_id]
        assert row.tier == item.tier and row.reason == item.reason and row.matches(situation)


def test_advice_carries_table_wording_and_step_function() -> None:
    advice = route(Situation(need_areas=("dressing",), has_budget=True, sds_step=4), RULES)
    provider = next(a for a in advice if a.tier == "provider")
    assert provider.urgency_text == "This week"
    assert provider.strengths == RULES.tiers["provider"].strengths
    assert "cost more" in provider.weaknesses
    assert provider.brokerage_function.startswith("Organising and setting up")
    assert "personal budget" in provider.reason


def test_unknown_step_uses_step_one_or_six_with_a_budget() -> None:
    without = route(Situation(), RULES)[0]
    with_budget = route(Situation(has_budget=True), RULES)[0]
    assert without.brokerage_function.startswith("Informing and connecting")
    assert with_budget.brokerage_function.startswith("Managing and improving")


def test_explain_names_outranked_rows() -> None:
    lines = explain(Situation(isolated=True, network="none"), RULES)
    assert lines[0].startswith("cut_off: when isolated=yes, network=none -> professional")
    assert any(line.startswith("peer_everyone") and line.endswith("[outranked]") for line in lines)


@pytest.mark.parametrize("bad, message", [
    (Situation(role="doctor"), "role 'doctor'"),
    (Situation(network="lots"), "network 'lots'"),
    (Situation(need_areas=("flying",)), "need area 'flying'"),
    (Situation(need_areas=["dressing"]), "tuple"),  # type: ignore[arg-type]
    (Situation(sds_step=8), "sds_step 8"),
    (Situation(sds_step=True), "sds_step True"),  # type: ignore[arg-type]
    (Situation(at_risk="yes"), "at_risk"),  # type: ignore[arg-type]
    (Situation(has_budget="no"), "has_budget"),  # type: ignore[arg-type]
    ("not a situation", "needs a Situation"),
])
def test_odd_situations_are_refused_cleanly(bad: object, message: str) -> None:
    with pytest.raises(SituationError, match=message):
        route(bad, RULES)  # type: ignore[arg-type]


@pytest.mark.parametrize("step", SDS_STEPS)
def test_every_step_has_plain_wording(step: int) -> None:
    info = sds_step_info(step)
    assert info.number == step
    for text in (info.name, info.what_you_do, info.what_comes_next, info.brokerage_function):
        assert text and len(text) < 400
        longest = max(len(sentence.split()) for sentence in text.split(". "))
        assert longest <= 30, f"step {step} has a very long sentence"


def test_step_wording_names_the_ways_to_hold_a_budget() -> None:
    text = sds_step_info(4).what_you_do
    assert "direct payment" in text and "Individual Service Fund" in text


@pytest.mark.parametrize("step", [0, 8, -1, None, "3", True])
def test_bad_step_numbers_are_refused(step: object) -> None:
    with pytest.raises(ValueError):
        sds_step_info(step)  # type: ignore[arg-type]


def test_rule_wording_is_plain() -> None:
    texts = [rule.reason for rule in RULES.rules]
    texts += [t for tier in RULES.tiers.values() for t in (tier.strengths, tier.weaknesses)]
    for text in texts:
        for sentence in text.replace("?", ".").split(". "):
            assert len(sentence.split()) <= 25, f"long sentence: {sentence}"
    assert "hold your money for you (an Individual Service Fund)" in " ".join(texts)
    assert "personal budget (money from the council for your support)" in " ".join(texts)
