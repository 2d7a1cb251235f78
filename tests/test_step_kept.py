"""A step read from free text never replaces the step the person gave by answering the step
question (only answering it again changes it); a reading may replace an earlier reading."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker

from actions.form_validation import ValidateSlotMappings
from bot.journey import step_to_restore
from tests.action_fixtures import DOMAIN, run


def _user(text: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"text": text}}


def _step(value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": "sds_step", "value": value}


def _asked(slot: str) -> dict[str, Any]:
    return {"event": "slot", "name": "requested_slot", "value": slot}


def test_a_later_reading_does_not_replace_an_answered_step():
    events = [_asked("sds_step"), _user("/inform_step"), _step("4"), _asked("risk_check"),
              _user("can our PA cover nights"), _step("6")]
    assert step_to_restore(events, "risk_check") == 4


def test_a_later_reading_may_replace_an_earlier_reading():
    events = [_user("the panel agreed her plan"), _step("4"), _asked("network"),
              _user("can our PA cover nights"), _step("6")]
    assert step_to_restore(events, "network") is None


def test_an_answer_to_the_step_question_changes_it():
    events = [_asked("sds_step"), _user("/inform_step"), _step("4"), _asked("sds_step"),
              _user("/inform_step"), _step("6")]
    assert step_to_restore(events, "sds_step") is None


@pytest.mark.parametrize("before", [None, "unknown"])
def test_a_reading_fills_a_step_not_yet_known(before: Any):
    events = [_user("hello"), _step(before), _user("we've been offered £200 a week"), _step("2")]
    assert step_to_restore(events, "network") is None


def test_the_same_step_again_needs_nothing_restored():
    events = [_asked("sds_step"), _user("4"), _step(4), _user("agreed plan, what now"), _step("4")]
    assert step_to_restore(events, None) is None


def test_a_restart_forgets_the_step():
    events = [_asked("sds_step"), _user("4"), _step(4), {"event": "restart"},
              _user("our PA is off sick"), _step("6")]
    assert step_to_restore(events, None) is None


def test_no_message_yet_restores_nothing():
    assert step_to_restore([_step(3)], None) is None


@pytest.fixture()
def quiet_log(sqlite_url, monkeypatch):
    """Actions write nothing (the needs log is projected from events); a database is set anyway
    so a regression that wrote from an action would fail on a real file, not the default."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)


def _tracker(events: list[dict[str, Any]], slots: dict[str, Any]) -> Tracker:
    all_slots = {name: None for name in DOMAIN["slots"]} | slots
    latest = {"text": events[-2]["text"], "intent": {"name": "describe_needs"}, "entities": []}
    return Tracker("web-step-kept", all_slots, latest, events, False, None,
                   {"name": "guide_form"}, "action_listen")


def test_the_slot_mapping_action_puts_the_given_step_back(quiet_log):
    events = [_asked("sds_step"), _user("/inform_step"), _step("4"), _asked("network"),
              {"event": "action", "name": "action_listen"},
              _user("his PA covers weekends"), _step("6")]
    _, returned = run(ValidateSlotMappings(), _tracker(events, {"sds_step": "6",
                                                                "requested_slot": "network"}))
    assert {"event": "slot", "name": "sds_step", "value": 4, "timestamp": None} in returned


def test_the_slot_mapping_action_leaves_an_answer_to_the_step_question(quiet_log):
    events = [_asked("sds_step"), _user("/inform_step"), _step("4"), _asked("sds_step"),
              {"event": "action", "name": "action_listen"},
              _user("/inform_step"), _step("6")]
    _, returned = run(ValidateSlotMappings(), _tracker(events, {"sds_step": "6",
                                                                "requested_slot": "sds_step"}))
    assert not [e for e in returned if e.get("name") == "sds_step"]
