"""The safeguarding rule layer alone: every disclosure found, near-misses and denials left alone."""

from __future__ import annotations

import pytest

from bot.nlu.spacy_builder import build
from bot.safeguarding import KINDS, detect
from tests.safeguarding.corpus import disclosures, near_misses, positive_risk

NEAR_MISS_LIMIT = 0.05


@pytest.fixture(scope="module")
def nlp():
    return build()


def _found(nlp, text: str):
    return detect(nlp(text.lower()))  # SpacyNLP lower-cases messages before spaCy sees them


def test_every_disclosure_is_found_with_its_kinds(nlp):
    missed = []
    for item in disclosures():
        for text in (item["text"], item["text"].lower()):
            found = detect(nlp(text))
            if found is None or not set(item["kinds"]) <= set(found.kinds):
                missed.append((text, item["kinds"], found and found.kinds))
    assert missed == []


def test_at_most_five_percent_of_near_misses_are_alerts(nlp):
    items = near_misses()
    alerts = [item["text"] for item in items if _found(nlp, item["text"])]
    assert len(alerts) <= NEAR_MISS_LIMIT * len(items), alerts


def test_positive_risk_taking_is_not_an_alert(nlp):
    alerts = [item["text"] for item in positive_risk() if _found(nlp, item["text"])]
    assert alerts == []


@pytest.mark.parametrize("text", [
    "he doesn't hit me",
    "he doesnt hit me",
    "my husband doesn't hit me",
    "no one is hurting me",
    "nobody is hurting me",
    "I'm not suicidal",
    "im not suicidal",
    "I've never been abused",
    "nobody takes my money",
    "she isn't being neglected",
    "I don't want to die without seeing the sea again",
    "I would never kill myself",
    "no, nobody is at risk",
    "I'm not in any danger",
])
def test_denials_are_not_alerts(nlp, text):
    assert _found(nlp, text) is None


@pytest.mark.parametrize(("text", "kind"), [
    ("I don't want to live any more", "suicide_self_harm"),
    ("i dont want to live anymore", "suicide_self_harm"),
    ("I can't go on", "suicide_self_harm"),
    ("I don't feel safe", "unspecified_risk"),
    ("nobody feeds my grandad", "neglect"),
    ("no he hits me", "physical_abuse"),
    ("no, he hits me", "physical_abuse"),
    ("I'm not sure but I think my neighbour hits his wife", "physical_abuse"),
    ("I don't want him to hit me again", "physical_abuse"),
    ("I can't sleep, he hits me", "physical_abuse"),
    ("i cant do this anymore i want to die", "suicide_self_harm"),
    ("I don't know what to do, my son takes my money", "financial_abuse"),
])
def test_negative_words_that_do_not_deny_the_harm(nlp, text, kind):
    found = _found(nlp, text)
    assert found is not None and kind in found.kinds


@pytest.mark.parametrize(("text", "kind"), [
    ("im feeling sucidal", "suicide_self_harm"),
    ("thinking about suiside", "suicide_self_harm"),
    ("i selfharm", "suicide_self_harm"),
    ("i keep cuttin myself", "suicide_self_harm"),
    ("gonna kms", "suicide_self_harm"),
    ("my husband hitts me", "domestic_abuse"),
    ("im bein abused", "unspecified_risk"),
    ("i got scamed", "financial_abuse"),
    ("found her unconcious", "medical_emergency"),
    ("i was sexualy abused", "sexual_abuse"),
    ("MY WIFE HITS ME", "domestic_abuse"),
    # "'s" is not lemmatised to "be": these had no rule hit before the seventh session.
    ("she's choking", "medical_emergency"),
    ("hes choking on a boiled sweet", "medical_emergency"),
    ("grandad's choking and can't speak", "medical_emergency"),
])
def test_typos_text_speak_and_shouting(nlp, text, kind):
    found = detect(nlp(text))
    assert found is not None and kind in found.kinds


def test_a_child_mentioned_with_abuse_adds_child_at_risk(nlp):
    found = _found(nlp, "my husband hits me in front of the kids")
    assert found.kinds[:1] != () and "child_at_risk" in found.kinds
    assert "domestic_abuse" in found.kinds
    assert "child_mentioned" in found.evidence_ids
    aged = _found(nlp, "my 8 year old is being hit by his stepdad")
    assert "child_at_risk" in aged.kinds
    adult = _found(nlp, "my 40 year old son hits me")
    assert "child_at_risk" not in adult.kinds


def test_kinds_come_most_urgent_first_and_evidence_holds_ids_not_text(nlp):
    text = "my wife hits me and I want to kill myself"
    found = _found(nlp, text)
    assert found.kinds[0] == "suicide_self_harm"
    assert list(found.kinds) == sorted(found.kinds, key=KINDS_ORDER.index)
    for ident in found.evidence_ids:
        assert ident.isidentifier() and ident not in text


KINDS_ORDER = ["immediate_danger", "medical_emergency", "suicide_self_harm", "mental_health_crisis",
               "child_at_risk", "domestic_abuse", "sexual_abuse", "physical_abuse", "neglect",
               "financial_abuse", "unspecified_risk"]


def _rule_kinds() -> set[str]:
    from bot.nlu.spacy_builder import PATTERNS_DIR, load_pattern_file

    return set(load_pattern_file(PATTERNS_DIR / "risk.yml"))


def test_rule_kinds_are_vocabulary_kinds_in_the_same_urgency_order():
    # The rules report the broad kinds; data/vocabulary.yml also lists the model's specific ones.
    assert sorted(KINDS_ORDER) == sorted(_rule_kinds())
    assert set(KINDS_ORDER) <= set(KINDS)
    assert KINDS_ORDER == sorted(KINDS_ORDER, key=list(KINDS).index)


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "🙂🙂🙂", "?!?!", "a" * 20000,
                                  "ÿ\u202e\u200bhello", "/continue_journey"])
def test_odd_input_is_handled_without_a_crash(nlp, text):
    assert _found(nlp, text) is None


def test_a_disclosure_inside_a_very_long_message_is_found(nlp):
    text = "I need help with shopping. " * 300 + "My son hits me."
    assert "physical_abuse" in _found(nlp, text).kinds


def test_every_rule_kind_has_disclosures_in_the_corpus():
    seen = {kind for item in disclosures() for kind in item["kinds"]}
    assert seen == _rule_kinds()
