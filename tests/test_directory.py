"""The sample Northmoor directory and searching it."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone

import pytest
from jsonschema import Draft202012Validator

from bot.directory import Directory, DirectoryError, UnknownPlaceError, default
from bot.directory.sample_builder import TARGET, build
from bot.directory.schema import SCHEMA_PATH
from bot.vocab import NEED_AREAS, TIERS

TODAY = date(2026, 11, 28)
WED_NOON = datetime(2026, 11, 25, 12, 30)  # a Wednesday
SUN_3AM = datetime(2026, 11, 29, 3, 0)
SAMPLE = json.loads(TARGET.read_text(encoding="utf-8"))
DRAMA_NUMBER = re.compile(r"^(0113 496 0\d{3}|020 7946 0\d{3}|0113 496 0\d{3})$")


@pytest.fixture(scope="module")
def directory() -> Directory:
    return default()


def test_sample_is_valid_against_the_oruk_schema() -> None:
    validator = Draft202012Validator(json.loads(SCHEMA_PATH.read_text("utf-8")),
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    services = SAMPLE["contents"]
    assert len(services) >= 60
    for service in services:
        errors = [e.message for e in validator.iter_errors(service)]
        assert errors == [], service["name"]
    assert len({s["id"] for s in services}) == len(services)


def test_schema_copy_keeps_its_attribution() -> None:
    notes = (SCHEMA_PATH.parent / "ATTRIBUTION.md").read_text("utf-8")
    assert "CC BY-SA 4.0" in notes and "Open Referral" in notes
    assert "ShareAlike" in (SCHEMA_PATH.parent / "LICENSE").read_text("utf-8")


def test_committed_sample_matches_its_source() -> None:
    assert build() == SAMPLE, "run: python -m bot.directory.sample_builder"


def test_sample_covers_every_tier_and_need_area(directory: Directory) -> None:
    assert len(directory) >= 60 and directory.problems == []
    for tier in TIERS:
        assert directory.search(tier=tier, today=TODAY), tier
    for need in NEED_AREAS:
        found = directory.search(need_areas=[need], today=TODAY, limit=20)
        assert any(len(o.need_areas) < len(NEED_AREAS) for o in found), need


def test_sample_contacts_are_fictional_and_safe() -> None:
    for service in SAMPLE["contents"]:
        for contact in service["contacts"]:
            for phone in contact["phones"]:
                assert DRAMA_NUMBER.match(phone["number"]), phone["number"]
        assert service["email"].endswith(".example")
        assert re.match(r"^https://www\.[a-z-]+\.example/", service["url"])
        for sal in service.get("service_at_locations", []):
            postcode = sal["location"]["addresses"][0]["postal_code"]
            assert re.match(r"^NM[1-8] \d[A-Z]{2}$", postcode)
            assert 53.6 < sal["location"]["latitude"] < 53.8


def test_search_by_need_area_and_tier(directory: Directory) -> None:
    found = directory.search(need_areas=["nutrition"], tier="community", today=TODAY, limit=10)
    names = {o.name for o in found}
    assert {"Eastfield Lunch Club", "Riverside Lunch Club", "Upper Moor Community Lunch"} <= names
    assert all(o.tier == "community" and "nutrition" in o.need_areas for o in found)
    assert all("food and meals" in o.reason for o in found)


def test_nearest_first_within_a_district(directory: Directory) -> None:
    found = directory.search(need_areas="nutrition", tier="community", postcode_district="NM6 1AB",
                             today=TODAY, limit=10)
    assert found[0].name == "Riverside Lunch Club"
    located = [o.distance_km for o in found if o.distance_km is not None]
    assert located == sorted(located) and located[0] < 1
    assert "km from NM6" in found[0].reason
    far = directory.search(need_areas="nutrition", tier="community", postcode_district="nm8",
                           today=TODAY, limit=10)
    assert far[0].name == "Upper Moor Community Lunch"


def test_service_areas_are_respected(directory: Directory) -> None:
    nm6 = {o.name for o in directory.search(need_areas="dressing", tier="provider",
                                            postcode_district="NM6", limit=20, today=TODAY)}
    nm2 = {o.name for o in directory.search(need_areas="dressing", tier="provider",
                                            postcode_district="NM2", limit=20, today=TODAY)}
    assert "Moorside Home Care" in nm2 and "Moorside Home Care" not in nm6
    assert "Brightday Care at Home" in nm6 and "Brightday Care at Home" not in nm2


def test_open_now_filters_and_reports(directory: Directory) -> None:
    at_noon = directory.search(tier="community", need_areas="nutrition", open_now=WED_NOON,
                               limit=10, today=TODAY)
    # the two Wednesday lunch clubs (the bigger sample directory has two)
    assert [o.name for o in at_noon] == ["Highcross Lunch and Chat", "Riverside Lunch Club"]
    assert all(o.open_now is True and "open now" in o.reason for o in at_noon)
    night = directory.search(tier="professional", open_now=SUN_3AM, limit=10, today=TODAY)
    assert {o.name for o in night} == {"Adult Safeguarding Line", "Emergency Duty Team",
                                       "Mental Health Crisis Team"}


def test_open_now_understands_monthly_and_time_zones(directory: Directory) -> None:
    group = "Dementia Carers Support Group"
    second_wed = datetime(2026, 11, 11, 15, 0)
    names = {o.name for o in directory.search(tier="peer", open_now=second_wed, limit=20)}
    assert group in names
    assert group not in {o.name for o in directory.search(tier="peer", open_now=WED_NOON, limit=20)}
    last_tue = datetime(2026, 11, 24, 19, 0)
    assert "Working Carers Evening Group" in {
        o.name for o in directory.search(tier="peer", open_now=last_tue, limit=20)}
    # 08:30 UTC on a July Wednesday is 09:30 in Northmoor (BST): the front door is open.
    summer = datetime(2026, 7, 8, 8, 30, tzinfo=timezone.utc)
    assert "Adult Social Care Front Door" in {
        o.name for o in directory.search(tier="professional", open_now=summer, limit=20)}
    early = datetime(2026, 7, 8, 6, 30, tzinfo=timezone.utc)
    assert "Adult Social Care Front Door" not in {
        o.name for o in directory.search(tier="professional", open_now=early, limit=20)}


def test_free_only_and_cost_text(directory: Directory) -> None:
    everything = directory.search(tier="provider", need_areas="dressing", limit=20, today=TODAY)
    free = directory.search(tier="provider", need_areas="dressing", free_only=True, limit=20,
                            today=TODAY)
    assert "Home from Hospital Reablement" in [o.name for o in free]
    assert "Moorside Home Care" not in [o.name for o in free]
    assert all(o.cost_text == "Free" and o.is_free for o in free)
    moorside = next(o for o in everything if o.name == "Moorside Home Care")
    assert moorside.cost_text == "£24.50 per hour" and not moorside.is_free
    assert moorside.council_approved and "approved list" in moorside.reason
    homefirst = next(o for o in everything if o.name == "HomeFirst Care")
    assert not homefirst.council_approved
    isf = next(o for o in everything if o.name == "Pathways Individual Service Funds")
    assert "10% of your budget" in isf.cost_text


def test_stale_listings_are_flagged(directory: Directory) -> None:
    found = directory.search(tier="professional", need_areas="community_access", limit=20,
                             today=TODAY)
    clear = next(o for o in found if o.name == "Clear Choices Support Planning")
    assert clear.last_checked_note == "last checked March 2024"
    fresh = next(o for o in found if o.name == "Adult Social Care Front Door")
    assert fresh.last_checked_note is None
    then = directory.search(tier="professional", need_areas="community_access", limit=20,
                            today=date(2024, 12, 1))
    assert next(o for o in then if o.name == clear.name).last_checked_note is None


def test_option_has_what_a_person_needs(directory: Directory) -> None:
    option = directory.search(tier="professional", need_areas="safety", limit=5, today=TODAY)[0]
    assert option.name == "Adult Safeguarding Line"
    assert option.phone == "0113 496 0111"
    assert option.opening_text == "Open 24 hours, every day"
    assert option.summary.startswith("If you think an adult is being abused")
    assert option.email == "safeguarding@northmoor.example"


def test_closed_services_are_not_offered(directory: Directory) -> None:
    names = {o.name for o in directory.search(need_areas="safety", limit=20, today=TODAY)}
    assert "Scams and Staying Safe Sessions" not in names
    assert "Domestic Abuse Support Service" in names


def test_limit_and_asking_for_more(directory: Directory) -> None:
    first = directory.search(tier="peer", limit=3, today=TODAY)
    assert len(first) == 3
    more = directory.search(tier="peer", limit=3, today=TODAY, exclude_ids=[o.id for o in first])
    assert len(more) == 3 and not {o.id for o in first} & {o.id for o in more}
    assert len(directory.search(limit=10_000, today=TODAY)) == 20


def test_nothing_matches_gives_empty_list_and_unmet_need(directory: Directory) -> None:
    assert directory.search(need_areas="caring_for_a_child", tier="provider", today=TODAY) == []
    unmet = directory.describe_unmet(["caring_for_a_child"], "provider", "nm3 4xy")
    assert unmet.need_areas == ("caring_for_a_child",) and unmet.tier == "provider"
    assert unmet.postcode_district == "NM3"
    assert unmet.text == ("We could not find a place near NM3 for looking after a child "
                          "(care and support services).")
    vague = directory.describe_unmet(None, None, "not a postcode")
    assert vague.text == "We could not find a place for what you asked about."


@pytest.mark.parametrize("kwargs, message", [
    ({"need_areas": ["flying"]}, "not a known need area"),
    ({"need_areas": "x" * 10_000}, "not a known need area"),
    ({"tier": "gold"}, "not a known tier"),
    ({"limit": 0}, "limit"),
    ({"limit": "3"}, "limit"),
    ({"open_now": "now"}, "open_now"),
])
def test_bad_search_input_is_refused_cleanly(directory: Directory, kwargs, message) -> None:  # noqa: ANN001
    with pytest.raises(DirectoryError, match=message):
        directory.search(**kwargs)


@pytest.mark.parametrize("place", ["ZZ9", "SW1A 1AA", "💥", "", "NM1" * 100, "nm9", "\x00NM1"])
def test_odd_places_are_refused_cleanly(directory: Directory, place: str) -> None:
    if place == "":
        assert directory.search(postcode_district=place, tier="peer")  # empty means anywhere
        return
    with pytest.raises(UnknownPlaceError):
        directory.search(postcode_district=place, tier="peer")


def test_option_text_fits_the_channel(directory: Directory) -> None:
    from bot.directory import option_text

    found = directory.search(tier="professional", need_areas="community_access", limit=20,
                             today=TODAY)
    stale = next(o for o in found if o.name == "Clear Choices Support Planning")
    web = option_text(stale, "web")
    assert web.splitlines()[0].startswith("**Clear Choices Support Planning**: Independent")
    assert "Phone: 0113 496 0" in web and "Cost: £40 per hour." in web
    assert web.splitlines()[-1] == "(last checked March 2024)"
    front = next(o for o in found if o.name == "Adult Social Care Front Door")
    assert "On the council's approved list." in option_text(front)
    assert "last checked" not in option_text(front)
    sms = option_text(front, "sms")
    assert sms == "Adult Social Care Front Door, 0113 496 0100, Free" and len(sms) <= 160
