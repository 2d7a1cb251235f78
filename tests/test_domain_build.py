"""The domain Rasa trains on: council facts come from data/council.yml, fragments merge cleanly."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from bot.council import CouncilConfigError, load_council, parse_council
from bot.nlu.domain_builder import DomainMergeError, build_domain, merge

PROJECT = Path(__file__).resolve().parent.parent


def test_council_numbers_become_slot_initial_values():
    domain = build_domain()
    council = load_council()
    assert domain["slots"]["council_phone"]["initial_value"] == council.phone
    assert domain["slots"]["safeguarding_phone"]["initial_value"] == council.safeguarding_phone
    assert domain["slots"]["council_name"]["initial_value"] == "Northmoor Borough Council"


def test_another_council_file_changes_what_people_are_told(tmp_path):
    data = yaml.safe_load((PROJECT / "data" / "council.yml").read_text())
    data["council"]["name"] = "Elsewhere District Council"
    data["council"]["contact_centre"]["phone"] = "0113 496 0000"
    other = tmp_path / "council.yml"
    other.write_text(yaml.safe_dump(data))
    load_council.cache_clear()
    try:
        domain = build_domain(council_file=str(other))
    finally:
        load_council.cache_clear()
    assert domain["slots"]["council_name"]["initial_value"] == "Elsewhere District Council"
    assert domain["slots"]["council_phone"]["initial_value"] == "0113 496 0000"


def test_a_council_file_missing_the_safeguarding_line_is_refused():
    data = yaml.safe_load((PROJECT / "data" / "council.yml").read_text())
    del data["council"]["safeguarding_line"]
    with pytest.raises(CouncilConfigError, match="safeguarding_line"):
        parse_council(data)


def test_fragments_are_merged_and_yes_no_stay_strings():
    domain = build_domain()
    assert "utter_faq/direct_payment" in domain["responses"]
    assert domain["slots"]["has_budget"]["values"] == ["yes", "no", "unsure"]
    assert "guide_form" in domain["forms"]


def test_a_name_defined_twice_differently_is_an_error():
    base = {"responses": {"utter_x": [{"text": "one"}]}, "intents": ["a"]}
    with pytest.raises(DomainMergeError, match="utter_x"):
        merge(base, {"responses": {"utter_x": [{"text": "two"}]}}, "frag.yml")


def test_lists_are_unioned_without_duplicates():
    base = {"intents": ["a", "b"]}
    merged = merge(base, yaml.safe_load(textwrap.dedent("""
        intents: [b, c]
        entities: [e]
    """)), "frag.yml")
    assert merged["intents"] == ["a", "b", "c"]
    assert merged["entities"] == ["e"]


def test_every_guided_question_says_where_the_person_is():
    responses = build_domain()["responses"]
    for slot in ["person_role", "what_matters", "network", "has_budget", "sds_step",
                 "risk_check"]:
        for variant in responses[f"utter_ask_{slot}"]:  # "Question n of m: " (bot/journey.py)
            assert variant["text"].startswith("{question_progress}"), slot
