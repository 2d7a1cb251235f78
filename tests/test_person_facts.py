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
