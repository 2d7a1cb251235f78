"""Staff console, the call's extras: corrections that change what is shown and recorded, places
added from the lookup, the places text (GSM-7, numbered, <= 3 segments), the sign-in limiter
per address, and the answer in staff voice (about the caller, never to them)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.advice import build_answer
from bot.directory import default as default_directory
from bot.needs_log import NeedsLog
from bot.needs_log import schema as t
from bot.sms.gsm7 import is_gsm7
from bot.sms.segments import count_segments
from bot.staff import outcome
from bot.staff import sms as staff_sms
from bot.staff.panel import MAX_ADDED_PLACES, added_places, build_panel, correction_events
from bot.staff.ratelimit import SignInLimiter
from tests.staff.call import CALL


# -- corrections ------------------------------------------------------------------------------
def test_correcting_the_tiers_changes_the_panels_tiers_and_its_places():
    directory = default_directory()
    before = build_panel(CALL, directory)
    assert "provider" not in before.tier_ids() and not before.tiers_corrected
    after = build_panel({**CALL, "staff_tiers": ["provider", "information"]}, directory)
    assert after.tier_ids() == ["provider", "information"] and after.tiers_corrected
    assert {p["tier_id"] for p in after.places} <= {"provider", "information"}
    assert any(p["tier_id"] == "provider" for p in after.places)
    assert all(tier["reason"] and tier["urgency"] for tier in after.tiers)


def test_correcting_the_rights_changes_what_the_panel_says_to_mention():
    directory = default_directory()
    assert build_panel(CALL, directory).right_ids == ["needs", "carer"]
    only_carer = build_panel({**CALL, "staff_rights": ["carer"]}, directory)
    assert only_carer.right_ids == ["carer"] and only_carer.rights_corrected
    assert len(only_carer.rights) == 1 and "carer's assessment" in only_carer.rights[0]
    assert build_panel({**CALL, "staff_rights": []}, directory).rights == []


@pytest.mark.parametrize("slot,value,expected", [
    ("staff_tiers", ["peer", "peer", "community"], {"staff_tiers": ["peer", "community"]}),
    ("staff_tiers", [], {"staff_tiers": None}),  # untick all: back to the suggested ones
    ("staff_rights", [], {"staff_rights": []}),
    ("need_areas", ["dressing"], {"need_areas": ["dressing"]}),
    ("sds_step", "3", {"sds_step": "3"}),
])
def test_corrections_give_the_slot_values(slot, value, expected):
    assert correction_events(slot, value) == expected


@pytest.mark.parametrize("slot,value", [
    ("staff_tiers", ["tier9"]), ("staff_tiers", "peer"), ("staff_rights", ["vote"]),
    ("staff_places", ["x"]), ("staff_tiers", [None]), ("risk_kinds", [])])
def test_corrections_refuse_unknown_ids_and_slots(slot, value):
    with pytest.raises(ValueError):
        correction_events(slot, value)


def test_recording_the_outcome_records_the_corrected_needs_and_tiers(staff_db_url):
    log = NeedsLog(staff_db_url)
    call = "staff-" + "ab" * 16
    log.record_contact(call, "staff")
    log.record_needs(call, ["nutrition", "carer_support"])  # as the assistant recorded them
    log.record_recommendation(call, ["peer", "community"], [], "turn-3")
    slots = {**CALL, "need_areas": ["carer_support", "dressing"], "staff_tiers": ["information"]}
    panel = build_panel(slots, default_directory())
    outcome.record(log, call, outcome.parse_outcome({}, []), panel)
    with log.engine.connect() as db:
        needs = set(db.execute(select(t.need.c.need_area)).scalars())
        tiers = set(db.execute(select(t.recommended_tier.c.tier)).scalars())
    log.dispose()
    assert needs == {"carer_support", "dressing"}
    assert tiers == {"information"}


# -- places added from the lookup -------------------------------------------------------------
def test_a_looked_up_place_joins_the_call_and_can_be_signposted(staff_db_url):
    directory = default_directory()
    panel = build_panel(CALL, directory)
    outside = next(s for s in directory.search(need_areas="home_safety", limit=20)
                   if s.id not in {p["id"] for p in panel.places})
    slots = {**CALL, **added_places(CALL, outside.id, directory)}
    panel = build_panel(slots, directory)
    added = [p for p in panel.places if p["added"]]
    assert [p["id"] for p in added] == [outside.id] and added[0]["contact"]
    assert added_places(slots, outside.id, directory) == {"staff_places": [outside.id]}
    chosen = outcome.parse_outcome({"place": [outside.id]}, [p["id"] for p in panel.places])
    log = NeedsLog(staff_db_url)
    outcome.record(log, "staff-" + "cd" * 16, chosen, panel)
    with log.engine.connect() as db:
        services = db.execute(select(t.signposted_service.c.service_id)).scalars().all()
        outcomes = set(db.execute(select(t.outcome.c.outcome)).scalars())
    log.dispose()
    assert services == [outside.id] and "signposted" in outcomes
    assert outside.name in outcome.case_note(chosen, panel)


def test_only_real_places_can_be_added_and_not_too_many():
    directory = default_directory()
    with pytest.raises(ValueError):
        added_places({}, "not-a-service", directory)
    with pytest.raises(ValueError):
        added_places({}, ["list"], directory)
    ids = [s.id for s in directory.search(limit=20)][:MAX_ADDED_PLACES + 1]
    slots: dict = {}
    for service_id in ids[:MAX_ADDED_PLACES]:
        slots.update(added_places(slots, service_id, directory))
    with pytest.raises(ValueError):
        added_places(slots, ids[MAX_ADDED_PLACES], directory)


# -- the places text --------------------------------------------------------------------------
def test_the_places_text_is_gsm7_numbered_and_at_most_three_segments():
    panel = build_panel(CALL, default_directory())
    text = staff_sms.compose(panel.places[:2])
    assert is_gsm7(text) and count_segments(text) <= 3
    assert f"1. {panel.places[0]['name']}" in text and f"2. {panel.places[1]['name']}" in text
    assert "0113 496 0100" in text  # the council's number (data/council.yml)


def test_a_long_list_leaves_places_off_rather_than_going_over_three_segments():
    places = [{"name": f"Place with a long name number {n} “quoted” – café",
               "contact": f"0113 496 {n:04d}, someone{n}@example.org"} for n in range(20)]
    text = staff_sms.compose(places)
    assert is_gsm7(text) and count_segments(text) == 3
    assert "1. Place" in text and "20. Place" not in text and "Ring us" in text
    one = staff_sms.compose([{"name": "x" * 900, "contact": "0113 496 0000"}])
    assert count_segments(one) <= 3 and is_gsm7(one)


@pytest.mark.parametrize("typed,expected", [
    ("07700 900123", "+447700900123"), ("+44 (0)7700-900123", "+447700900123"),
    ("447700900123", None), ("0113 496 0100", None), ("", None), ("0770090012", None),
    ("call me", None), ("+1 202 555 0100", None), ("0" * 500, None), (None, None)])
def test_only_uk_mobile_numbers_are_accepted(typed, expected):
    if expected is None:
        with pytest.raises(staff_sms.BadNumber):
            staff_sms.mobile_number(typed)
    else:
        assert staff_sms.mobile_number(typed) == expected


def test_three_texts_per_call_and_a_failed_send_does_not_count():
    counter = staff_sms.SendCounter()
    assert counter.take("a") and counter.take("a")
    counter.give_back("a")
    assert counter.take("a") and counter.take("a")
    assert not counter.take("a") and counter.take("b")


# -- sign-in limit per address ----------------------------------------------------------------
def test_an_address_with_too_many_failures_is_refused_until_the_window_passes():
    now = [1000.0]
    limiter = SignInLimiter(3, 900, clock=lambda: now[0])
    for _ in range(3):
        assert not limiter.blocked("10.0.0.1")
        limiter.failed("10.0.0.1")
    assert limiter.blocked("10.0.0.1") and not limiter.blocked("10.0.0.2")
    now[0] += 901
    assert not limiter.blocked("10.0.0.1")


# -- staff voice ------------------------------------------------------------------------------
# "you" in the console is the call handler; these are the handler's own words, never the caller's.
HANDLER_YOU = re.compile(r"the person you are calling about|told you|chosen by you|changed by "
                         r"you|you ring", re.IGNORECASE)
CITIZEN_YOU = re.compile(r"\b(you|your|yours|yourself|my|me)\b", re.IGNORECASE)


@pytest.mark.parametrize("slots", [
    CALL, {**CALL, "person_role": "self", "need_areas": ["dressing", "relationships"]},
    {**CALL, "sds_step": "3", "has_budget": "yes", "prefers_person": True},
    {**CALL, "sds_step": "6", "has_budget": "yes"}, {**CALL, "sds_step": "4"},
    {**CALL, "person_role": "self", "need_areas": ["nutrition", "dressing", "relationships",
                                                   "home_safety", "personal_hygiene"]},
])
def test_the_answer_and_summary_in_the_console_speak_about_the_caller(slots):
    answer = build_answer(slots, default_directory(), "staff")
    checked = 0
    for name, values in answer.messages:
        for key in ("reason", "urgency", "rights", "told", "next_action", "step_next",
                    "step_name", "isf_facts"):
            if key in values:
                text = HANDLER_YOU.sub("", str(values[key]))
                assert not CITIZEN_YOU.search(text), (name, key, values[key])
                checked += 1
    assert checked >= 4
    panel = build_panel(slots, default_directory())
    assert panel.step and not CITIZEN_YOU.search(panel.step[1])
    for tier in panel.tiers:
        assert not CITIZEN_YOU.search(HANDLER_YOU.sub("", tier["reason"] + tier["urgency"]))


def test_the_consoles_id_slots_are_stored_as_they_are():
    from bot.stored_text import redact_event

    ids = ["fdc5b920-9214-59e5-bbb6-439941efcffc"]
    event = {"event": "slot", "name": "staff_places", "value": ids}
    assert redact_event(event)["value"] == ids
    assert redact_event({**event, "name": "what_matters"})["value"] != ids
