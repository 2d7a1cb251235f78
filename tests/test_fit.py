"""Eligibility-aware matching: who a service is for, ranking by fit, the step steering the help,
rights never cut, honest nothing-fits (bot/directory/fit.py, bot/help_places.py, bot/advice.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.advice import build_answer
from bot.directory import default
from bot.directory.fit import Person, eligible, fitting
from bot.vocab import GROUPS, NEED_AREAS, SDS_STEPS, step_help_kinds

DIRECTORY = default()
BY_ID = {entry.listing.id: entry.listing for entry in DIRECTORY.entries}
DISTRICTS = [None, "NM1", "NM2", "NM3", "NM4", "NM5", "NM6", "NM7", "NM8"]


def shown(answer) -> list:
    return [BY_ID[i] for i in answer.service_ids]


def names(answer) -> list[str]:
    return [values["name"] for name, values in answer.messages if name == "utter_service"]


def said(answer, response: str) -> list[dict]:
    return [values for name, values in answer.messages if name == response]


def test_eligibility_rules():
    assert eligible([], [])
    assert eligible(["dementia"], ["dementia", "older_people"])
    assert not eligible(["autism"], ["older_people"])
    assert eligible(["sight_loss", "hearing_loss"], ["hearing_loss"])
    assert not eligible(["carers"], ["dementia"])  # a carers' service is for carers
    assert eligible(["carers", "dementia"], ["carers", "dementia"])
    assert not eligible(["carers", "dementia"], ["carers", "stroke"])


def test_the_sample_covers_every_tier_step_function_and_group():
    kinds = {k for entry in DIRECTORY.entries for k in entry.listing.kinds}
    groups = {g for entry in DIRECTORY.entries for g in entry.listing.groups}
    assert len(DIRECTORY) >= 120
    assert {entry.tier for entry in DIRECTORY.entries} == {
        "information", "peer", "community", "provider", "professional"}
    for step in SDS_STEPS:
        assert kinds & set(step_help_kinds(step)), step
    assert groups == set(GROUPS)


@settings(max_examples=300, deadline=None)
@given(role=st.sampled_from(["self", "carer", "staff"]),
       needs=st.lists(st.sampled_from(NEED_AREAS), max_size=4, unique=True),
       groups=st.lists(st.sampled_from([g for g in GROUPS if g != "carers"]), max_size=3,
                       unique=True),
       age=st.one_of(st.none(), st.integers(16, 105)),
       step=st.one_of(st.none(), st.sampled_from(SDS_STEPS)),
       budget=st.sampled_from([None, "yes", "no", "unsure"]),
       network=st.sampled_from(["none", "some", "strong"]),
       district=st.sampled_from(DISTRICTS),
       channel=st.sampled_from([None, "twilio", "socketio"]),
       at_risk=st.booleans())
def test_a_group_specific_service_is_never_shown_outside_its_group(
        role, needs, groups, age, step, budget, network, district, channel, at_risk):
    slots = {"person_role": role, "need_areas": needs, "person_groups": groups,
             "person_age": age, "sds_step": step, "has_budget": budget, "network": network,
             "postcode_district": district, "risk_check": at_risk}
    answer = build_answer(slots, DIRECTORY, channel)
    have = set(groups) | ({"carers"} if role == "carer" else set())
    if age is not None and age >= 65:
        have.add("older_people")
    if age is not None and 18 <= age <= 25:
        have.add("young_adults")
    for listing in shown(answer):
        assert eligible(listing.groups, have), (listing.name, listing.groups, have)
        if district and listing.areas:
            assert district in listing.areas
    # rights are never cut by the limits
    if role == "carer":
        assert any("carer's assessment" in r["rights"] for r in said(answer, "utter_your_rights"))


def test_isolated_older_person_gets_company_not_other_groups_services():
    answer = build_answer({"person_role": "self", "need_areas": ["relationships"],
                           "network": "none", "has_budget": "no", "sds_step": 1,
                           "person_age": 79, "postcode_district": "NM3"}, DIRECTORY)
    kinds = {k for listing in shown(answer) for k in listing.kinds}
    assert kinds & {"befriending", "social_group"}
    assert not kinds & {"domestic_abuse_support", "carers_group", "condition_peer_group"}
    assert "Autistic Adults Meet-up" not in names(answer)
    assert answer.unmet == []  # no peer group for loneliness is not a gap in the borough


def test_dementia_carer_gets_home_care_and_carers_help_not_other_conditions():
    answer = build_answer({"person_role": "carer", "need_areas": ["personal_hygiene"],
                           "network": "some", "has_budget": "no", "sds_step": 1,
                           "person_age": 84, "person_groups": ["dementia"]}, DIRECTORY)
    kinds = {k for listing in shown(answer) for k in listing.kinds}
    assert {"home_care", "carers_group"} <= kinds
    assert "Hearing Voices Peer Group" not in names(answer)
    assert any("carer's assessment" in r["rights"] for r in said(answer, "utter_your_rights"))


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5, 6, 7])
def test_the_step_changes_the_places_and_brings_its_brokerage_function(step):
    answer = build_answer({"person_role": "self", "need_areas": ["money_and_budget"],
                           "network": "some", "has_budget": "yes", "sds_step": step}, DIRECTORY)
    first = said(answer, "utter_step_help")
    assert first and first[0]["step_number"] == step
    step_place = shown(answer)[0]
    assert set(step_place.kinds) & set(step_help_kinds(step)), (step, step_place.name)


def test_steps_give_different_places_for_the_same_need():
    seen = set()
    for step in (1, 2, 3, 6, 7):
        answer = build_answer({"person_role": "self", "need_areas": ["personal_hygiene"],
                               "network": "some", "has_budget": "yes", "sds_step": step},
                              DIRECTORY)
        seen.add(tuple(answer.service_ids))
    assert len(seen) == 5


def test_step_4_states_the_isf_facts():
    answer = build_answer({"person_role": "self", "need_areas": ["personal_hygiene"],
                           "network": "some", "has_budget": "yes", "sds_step": 4}, DIRECTORY)
    facts = said(answer, "utter_isf_facts")[0]["isf_facts"]
    assert "10 to 15%" in facts and "month" in facts and "only be spent on your support" in facts
    sms = build_answer({"person_role": "self", "need_areas": ["personal_hygiene"],
                        "has_budget": "yes", "sds_step": 4}, DIRECTORY, "twilio")
    assert "10-15%" in said(sms, "utter_isf_facts")[0]["isf_facts"]


@pytest.mark.parametrize("channel", [None, "twilio"])
def test_rights_line_for_care_needs_without_assessment_on_every_channel(channel):
    answer = build_answer({"person_role": "self", "need_areas": ["personal_hygiene"],
                           "network": "some", "has_budget": "no", "sds_step": 1}, DIRECTORY,
                          channel)
    rights = said(answer, "utter_your_rights")
    assert rights and "needs assessment" in rights[0]["rights"]
    assert "s9" in rights[0]["rights"] or "section 9" in rights[0]["rights"]
    with_plan = build_answer({"person_role": "self", "need_areas": ["personal_hygiene"],
                              "has_budget": "yes", "sds_step": 6}, DIRECTORY, channel)
    assert not said(with_plan, "utter_your_rights")


def test_group_specific_places_rank_first_for_their_group():
    person = Person(need_areas=("relationships",), groups=frozenset({"parkinsons"}))
    found = fitting(DIRECTORY, person, tier="peer", limit=1)
    assert found and found[0].name == "Parkinson's Friends"


def test_nothing_fits_is_said_honestly():
    person = Person(need_areas=("caring_for_a_child",), district="NM8")
    assert fitting(DIRECTORY, person, tier="provider") == []
    answer = build_answer({"person_role": "self", "need_areas": ["caring_for_a_child"],
                           "has_budget": "yes", "sds_step": 6, "network": "strong"},
                          DIRECTORY)
    assert answer.service_ids or said(answer, "utter_nothing_fits")


def test_staff_are_told_about_the_caller_not_addressed_as_the_person():
    slots = {"person_role": "staff", "need_areas": ["relationships"], "network": "none",
             "has_budget": "no", "sds_step": 1, "person_age": 84}
    reasons = [v["reason"] for v in said(build_answer(slots, DIRECTORY), "utter_tier")]
    assert reasons and not any(r.startswith("You said") for r in reasons)
    assert any("person you are calling about" in r or "caller" in r for r in reasons)
    rights = said(build_answer(slots, DIRECTORY), "utter_your_rights")[0]["rights"]
    assert rights.startswith("The person you are calling about")
