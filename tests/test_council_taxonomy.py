"""A council's own Open Referral UK feed, whose services use LGA-style service types and
eligibility wording instead of Wayfinder's help kinds, still gives places that fit
(data/directory/taxonomy_map.yml `council_terms`). The feed is tests/data/council_oruk_feed.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.advice import build_answer
from bot.directory import Directory, DirectoryError
from bot.directory.config import parse_taxonomy_map, term_key
from bot.directory.fit import Person, fitting

FEED = Path(__file__).resolve().parent / "data" / "council_oruk_feed.json"


@pytest.fixture(scope="module")
def council() -> Directory:
    return Directory.load(str(FEED), strict=True)


def _names(directory: Directory, ids: list[str]) -> list[str]:
    by_id = {e.listing.id: e.listing.name for e in directory.entries}
    return [by_id[i] for i in ids]


def test_service_types_become_kinds_of_help_and_groups(council: Directory):
    kinds = {e.listing.name: (e.listing.kinds, e.listing.groups) for e in council.entries}
    assert kinds["Moorside Meals on Wheels"] == (("meals_service",), ("older_people",))
    assert kinds["Moorside Home Support"] == (("home_care",), ())
    assert kinds["Forget-me-not Dementia Café"] == (("condition_peer_group",), ("dementia",))
    assert kinds["Moorside Carers Centre"][1] == ("carers",)
    assert kinds["Moorside Golf Club"] == ((), ())  # a type the map does not know: never shown


def test_a_whole_answer_from_the_council_feed_has_places_that_fit(council: Directory):
    slots = {"person_role": "carer", "person_relationship": "parent", "person_age": 84,
             "need_areas": ["nutrition", "home_safety"], "network": "some", "has_budget": "no",
             "sds_step": 1, "postcode_district": "NM3", "risk_check": False}
    shown = _names(council, build_answer(slots, council, channel="rest").service_ids)
    assert "Moorside Meals on Wheels" in shown or "Moorside Home Support" in shown
    assert "Moorside Community Alarms" in shown
    assert "Moorside Golf Club" not in shown
    assert "Forget-me-not Dementia Café" not in shown  # she has no dementia


def test_a_group_service_in_the_council_feed_is_only_for_its_group(council: Directory):
    lonely = Person(need_areas=("relationships",), groups=frozenset({"older_people"}),
                    district="NM3")
    with_dementia = Person(need_areas=("relationships",),
                           groups=frozenset({"older_people", "dementia"}), district="NM3")
    assert "Forget-me-not Dementia Café" not in [s.name for s in fitting(council, lonely)]
    assert "Forget-me-not Dementia Café" in [s.name for s in fitting(council, with_dementia)]


def test_meals_for_older_people_are_not_shown_to_a_younger_adult(council: Directory):
    young = Person(need_areas=("nutrition",), groups=frozenset({"young_adults"}), district="NM3")
    older = Person(need_areas=("nutrition",), groups=frozenset({"older_people"}), district="NM3")
    assert "Moorside Meals on Wheels" not in [s.name for s in fitting(council, young)]
    assert "Moorside Meals on Wheels" in [s.name for s in fitting(council, older)]


def test_terms_match_ignoring_case_hyphens_and_punctuation():
    assert term_key("Meals-on-Wheels") == term_key("meals on wheels") == "meals on wheels"
    assert term_key("Carers' Support & Breaks") == "carers support and breaks"


def test_council_rows_are_checked_against_the_vocabulary():
    with pytest.raises(DirectoryError, match="help_kinds"):
        parse_taxonomy_map({"terms": {}, "council_terms": {"x": {"help_kinds": ["golf"]}}})
    with pytest.raises(DirectoryError, match="groups"):
        parse_taxonomy_map({"terms": {}, "council_terms": {"x": {"groups": ["golfers"]}}})
    mapped = parse_taxonomy_map({"terms": {}, "council_terms": {
        "Meals on Wheels": {"help_kinds": ["meals_service"]}}})
    assert mapped.help_kinds(["meals-on-wheels"]) == ("meals_service",)
    assert mapped.classify(["meals-on-wheels"], council=True)[1] == ("nutrition",)


def test_the_sample_directory_ignores_council_rows():
    # Services with Wayfinder's own help kinds are matched exactly, as before.
    mapped = parse_taxonomy_map({"terms": {"home-care": {"tier": "provider",
                                                         "need_areas": ["dressing"]}}})
    assert mapped.classify(["Home care"]) == (None, (), False)
    assert mapped.classify(["Home care"], council=True) == ("provider", ("dressing",), False)
