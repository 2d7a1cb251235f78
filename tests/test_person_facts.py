"""Facts from one message with Wayfinder's own spaCy pipeline: the step (classifier blended with
patterns and cues) alongside age and relationship. The developer's own examples."""

from __future__ import annotations

import pytest

from bot.nlu.spacy_builder import build
from bot.person_facts import fact_entities, facts_in


@pytest.fixture(scope="module")
def nlp():
    return build()


@pytest.mark.parametrize(("text", "step"), [
    ("my dad is 86 and nobody from the council has been to assess him yet", 1),
    ("mum's plan went to panel and they turned it down", 3),
    ("now the plan is signed off we're choosing between a direct payment and an ISF", 4),
    ("I need to recruit a PA, where do I advertise", 5),
    ("our PA is off sick, who can cover this week", 6),
    ("the support isn't working any more, can we have a review", 7),
    ("my mum is 86 and lonely", None),
])
def test_the_step_is_read_with_the_real_pipeline(nlp, text: str, step: int | None):
    assert facts_in(nlp(text)).step == step


def test_step_comes_with_the_other_facts(nlp):
    facts = facts_in(nlp("my dad is 86 and nobody from the council has been to assess him yet"))
    assert facts.age == 86 and facts.relationship == "parent" and facts.step == 1
    entities = {e["entity"]: e["value"] for e in fact_entities(nlp("our PA is off sick, who can "
                                                                     "cover this week"))}
    assert entities.get("sds_step") == "6"


@pytest.mark.parametrize(("text", "group"), [
    ("Dad was diagnosed with Parkinson’s last year", "parkinsons"),
    ("MUM HAS ALZHEIMER'S", "dementia"),
    ("Autistic son, 19, needs help to get out", "autism"),
    ("my husband has PTSD since the army", "mental_health"),
    ("She's Partially Sighted and lives alone", "sight_loss"),
    ("he can’t hear the doorbell", "hearing_loss"),
])
def test_names_and_capitals_are_read(nlp, text: str, group: str):
    assert group in facts_in(nlp(text)).groups


@pytest.mark.parametrize(("text", "group"), [
    ("she hasn't got dementia, she's just frail", "dementia"),
    ("no memory problems but she can't cook", "dementia"),
    ("he's not autistic, he's just shy", "autism"),
    ("it isn't Parkinson's, the doctor said", "parkinsons"),
])
def test_a_condition_said_not_to_be_there_is_not_counted(nlp, text: str, group: str):
    assert group not in facts_in(nlp(text)).groups


def test_a_negation_does_not_reach_past_a_new_clause(nlp):
    facts = facts_in(nlp("no help from anyone, and he has dementia"))
    assert "dementia" in facts.groups


def test_being_confused_alone_is_not_dementia(nlp):
    assert "dementia" not in facts_in(nlp("mum gets confused with her tablets")).groups


@pytest.mark.parametrize("text", ["the surgery is 20 minutes away",
                                  "we've been married now 40 years", "she is 30 miles from me"])
def test_a_number_with_a_unit_is_not_an_age(nlp, text: str):
    assert facts_in(nlp(text)).age is None


def test_an_age_is_still_read(nlp):
    assert facts_in(nlp("she's 90 and he is 20 years old")).ages == (90, 20)
