"""Custom actions: what the person is sent and what the needs log stores."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text

from actions.form_validation import ValidateGuideForm, ValidateSlotMappings
from actions.navigation import ActionChangeAnswer, ActionGoBack, ActionRecordStop
from actions.recommend import ActionMoreOptions, ActionNoneFit, ActionRecommend
from actions.safeguarding import ActionRecordSafeguarding
from bot.needs_log import NeedsLog
from bot.privacy import pseudonym
from tests.action_fixtures import DOMAIN, make_tracker, project, responses, run

CARER = {"person_role": "carer", "what_matters": "mum can't wash and I'm exhausted",
         "need_areas": ["personal_hygiene", "carer_support"], "network": "some",
         "has_budget": "no", "sds_step": 1, "risk_check": False}


@pytest.fixture()
def log(sqlite_url, monkeypatch) -> NeedsLog:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    needs = NeedsLog(sqlite_url)
    yield needs
    needs.dispose()


def rows(log: NeedsLog, sql: str) -> list[tuple]:
    with log.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_recommendation_shows_step_tiers_places_and_summary(log):
    messages, events = run(ActionRecommend(), make_tracker(CARER))
    sent = responses(messages)
    assert sent[0] == "utter_where_you_are" and messages[0]["step_number"] == 1
    assert "utter_tier" in sent and "utter_service" in sent
    assert sent[-2:] == ["utter_summary", "utter_after_answer"]
    tiers = [m["tier_name"] for m in messages if m.get("response") == "utter_tier"]
    assert 1 <= len(tiers) <= 3
    summary = messages[-2]
    assert "washing and bathing" in summary["told"]
    assert "the person you care for" in summary["told"]
    assert "Family and friends: help with some things. Personal budget: not yet." in summary["told"]
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["support_tier"] in ("information", "peer", "community", "provider")
    assert slots["recommendation_given"] is True
    assert len(slots["shown_services"]) >= 1


def test_recommendation_is_logged_once_even_when_replayed(log):
    tracker = make_tracker(CARER)
    project(log, tracker, run(ActionRecommend(), tracker)[1])
    project(log, tracker, run(ActionRecommend(), tracker)[1])
    who = pseudonym("web-test-person")
    tiers = rows(log, f"select tier from wf_recommended_tier where contact_id = '{who}'")
    assert len(tiers) == len(set(tiers)) >= 1
    assert rows(log, f"select outcome from wf_outcome where contact_id = '{who}'") == [
        ("recommendation_given",)]


def test_sms_answer_is_shorter_than_web(log):
    web, _ = run(ActionRecommend(), make_tracker(CARER))
    sms, _ = run(ActionRecommend(), make_tracker(CARER, channel="twilio", sender="sms-x"))
    assert responses(sms).count("utter_service") < responses(web).count("utter_service")
    assert responses(sms).count("utter_tier") <= 2


def test_someone_at_risk_is_sent_to_professional_help_first(log):
    messages, events = run(ActionRecommend(), make_tracker(CARER | {"safeguarding_concern": True}))
    first_tier = next(m for m in messages if m.get("response") == "utter_tier")
    assert first_tier["tier_name"] == "A social care worker or other expert"


def test_more_options_never_repeats_a_place(log):
    _, events = run(ActionRecommend(), make_tracker(CARER))
    shown = next(e["value"] for e in events if e.get("name") == "shown_services")
    slots = CARER | {"shown_services": shown, "recommended_tiers": ["information"]}
    messages, more = run(ActionMoreOptions(), make_tracker(slots, intent="more_options"))
    names = [m["name"] for m in messages if m.get("response") == "utter_service"]
    new_ids = next(e["value"] for e in more if e.get("name") == "shown_services")[len(shown):]
    assert names and not set(new_ids) & set(shown)


def test_none_fit_is_recorded_as_unmet_need(log):
    tracker = make_tracker(CARER | {"recommended_tiers": ["peer"]}, intent="none_fit")
    messages, events = run(ActionNoneFit(), tracker)
    project(log, tracker, events)
    assert responses(messages) == ["utter_none_fit_noted"]
    stored = rows(log, "select need_area, reason from wf_unmet_need order by need_area")
    assert stored == [("carer_support", "none_fit"), ("personal_hygiene", "none_fit")]


def test_need_areas_said_at_any_time_are_added_not_replaced(log):
    tracker = make_tracker({"need_areas": ["nutrition"]}, text="and she keeps falling",
                           entities=[{"entity": "need_area", "value": "home_safety"}])
    _, events = run(ValidateSlotMappings(), tracker)
    assert {"event": "slot", "name": "need_areas", "value": ["nutrition", "home_safety"],
            "timestamp": None} in events
    project(log, tracker, events)
    stored = rows(log, "select need_area from wf_need order by need_area")
    assert stored == [("home_safety",), ("nutrition",)]


def test_an_answer_about_the_helpers_does_not_give_their_work_as_a_need(log):
    tracker = make_tracker({"need_areas": ["nutrition"], "requested_slot": "network",
                            "person_role": "carer"},
                           text="my son helps but he goes to work, and she is lonely",
                           entities=[{"entity": "need_area", "value": "work_learning_volunteering"},
                                     {"entity": "need_area", "value": "relationships"}],
                           active_loop="guide_form")
    _, events = run(ValidateSlotMappings(), tracker)
    assert {"event": "slot", "name": "need_areas", "value": ["nutrition", "relationships"],
            "timestamp": None} in events
    project(log, tracker, events)
    stored = rows(log, "select need_area from wf_need order by need_area")
    assert stored == [("nutrition",), ("relationships",)]


def test_work_said_in_answer_to_another_question_is_a_need(log):
    tracker = make_tracker({"requested_slot": "what_matters"}, text="I want to get back to work",
                           entities=[{"entity": "need_area",
                                      "value": "work_learning_volunteering"}],
                           active_loop="guide_form")
    _, events = run(ValidateSlotMappings(), tracker)
    assert {"event": "slot", "name": "need_areas", "value": ["work_learning_volunteering"],
            "timestamp": None} in events


def test_no_budget_means_step_one_without_asking(log):
    form = ValidateGuideForm()
    tracker = make_tracker({}, active_loop="guide_form")
    def answer(value: str) -> dict:
        return asyncio.run(form.validate_has_budget(value, None, tracker, DOMAIN))

    assert answer("no") == {"has_budget": "no", "sds_step": 1,
                            "needs_record": [{"fact": "step", "step": 1}]}
    assert answer("yes") == {"has_budget": "yes"}
    assert answer("wibble") == {"has_budget": None}
    # The step reaches the needs log as a fact the consumer applies (never written here).
    assert rows(log, "select furthest_step from wf_contact") == []
    events = [{"event": "slot", "name": "needs_record", "value": answer("no")["needs_record"]}]
    project(log, tracker, events)
    assert rows(log, "select furthest_step from wf_contact") == [(1,)]


def test_unclear_network_answer_is_asked_again(log):
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    result = ValidateGuideForm().validate_network("purple", dispatcher, make_tracker(), DOMAIN)
    assert result == {"network": None}
    assert responses(dispatcher.messages) == ["utter_did_not_get_network"]


def test_empty_or_odd_free_text_is_not_accepted(log):
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    form = ValidateGuideForm()
    assert form.validate_what_matters("\u200b  \x00", dispatcher, make_tracker(), DOMAIN) == {
        "what_matters": None}
    assert responses(dispatcher.messages) == ["utter_please_say_more"]


def test_go_back_clears_the_previous_answer(log):
    slots = {"person_role": "carer", "what_matters": "cooking", "requested_slot": "network"}
    messages, events = run(ActionGoBack(), make_tracker(slots, active_loop="guide_form"))
    assert responses(messages) == ["utter_going_back"]
    assert {"event": "slot", "name": "what_matters", "value": None, "timestamp": None} in events


def test_change_answer_clears_only_the_chosen_answer(log):
    slots = CARER | {"slot_to_change": "network"}
    _, events = run(ActionChangeAnswer(), make_tracker(slots, intent="change_slot"))
    cleared = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert cleared == {"network", "slot_to_change"}


def test_stopping_before_an_answer_counts_as_abandoned(log):
    tracker = make_tracker({"recommendation_given": False}, intent="stop")
    project(log, tracker, run(ActionRecordStop(), tracker)[1])
    assert rows(log, "select outcome from wf_outcome") == [("abandoned",)]


def test_safeguarding_is_recorded_without_any_words(log):
    tracker = make_tracker({"risk_kinds": ["domestic_abuse"]}, text="he hits me",
                           intent="disclose_harm")
    messages, events = run(ActionRecordSafeguarding(), tracker)
    project(log, tracker, events)
    assert messages == []
    assert rows(log, "select kind from wf_safeguarding") == [("domestic_abuse",)]
    dump = "\n".join(str(r) for table in ("wf_contact", "wf_safeguarding", "wf_outcome")
                     for r in rows(log, f"select * from {table}"))
    assert "hits" not in dump and "web-test-person" not in dump


def test_no_action_touches_the_database_while_a_person_waits(monkeypatch):
    """The needs log is written by the consumer from Rasa's events, never in the message path."""
    def no_database(*_args, **_kwargs):
        raise AssertionError("an action used the database")

    monkeypatch.setattr(NeedsLog, "uow", no_database)
    monkeypatch.setattr(NeedsLog, "engine", property(no_database))
    messages, events = run(ActionRecommend(), make_tracker(CARER))
    assert responses(messages)[-1] == "utter_after_answer"
    recorded = [e for e in events if e["event"] == "slot" and e["name"] == "needs_record"]
    assert {"fact": "outcome", "outcome": "recommendation_given"} in recorded[0]["value"]
    tracker = make_tracker({"risk_kinds": ["neglect"]}, text="no one feeds me",
                           intent="disclose_harm")
    _, events = run(ActionRecordSafeguarding(), tracker)
    facts = next(e["value"] for e in events if e.get("name") == "needs_record")
    assert any(f["fact"] == "safeguarding" and f["kinds"] == ["neglect"] for f in facts)
    for action in (ActionNoneFit(), ActionRecordStop(), ValidateSlotMappings()):
        run(action, make_tracker(CARER | {"recommendation_given": False}))


def test_a_postcode_is_kept_only_as_its_district(log):
    tracker = make_tracker({}, text="mum lives at NM3 4AB and can't cook")
    _, events = run(ValidateSlotMappings(), tracker)
    assert {"event": "slot", "name": "postcode_district", "value": "NM3",
            "timestamp": None} in events
    project(log, tracker, events)
    assert rows(log, "select postcode_district from wf_contact") == [("NM3",)]
    dump = " ".join(str(r) for r in rows(log, "select * from wf_contact"))
    assert "4AB" not in dump


def test_places_are_nearest_first_when_the_district_is_known(log):
    from bot.advice import search_near
    from bot.directory import default

    query = {"need_areas": ("nutrition",), "tier": "community", "limit": 3}
    near = search_near(default(), "NM8", **query)
    distances = [option.distance_km for option in near]
    assert near and all(d is not None for d in distances) and distances == sorted(distances)
    # A district outside the borough still gets places, just not sorted by distance.
    elsewhere = search_near(default(), "ZZ9", **query)
    assert elsewhere and all(option.distance_km is None for option in elsewhere)


@pytest.mark.parametrize("text", ["my mum can't cook and she's lonely, we're in NM3", "I'm 84"])
def test_validation_actions_read_our_domain_when_rasa_sends_none(text):
    """endpoints.yml enable_selective_domain: Rasa sends no domain; the answers must not change."""
    tracker = make_tracker(text=text, entities=[
        {"entity": "need_area", "value": "nutrition"}, {"entity": "person_age", "value": 84}])
    for action in (ValidateSlotMappings(), ValidateGuideForm()):
        sent, with_domain = run(action, tracker)
        dispatcher = CollectingDispatcher()
        without = asyncio.run(action.run(dispatcher, tracker, {}))
        assert without == with_domain and dispatcher.messages == sent
    assert any(e.get("name") == "need_areas" for e in run(ValidateSlotMappings(), tracker)[1])
