"""bot/plugins/action_response.py: every action-server answer is still checked like Rasa does."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.plugins import action_response

GOOD: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "network", "value": "none", "timestamp": None}],
     "responses": [{"response": "utter_ask_network"}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "reset_slots"}]},
]
BAD: list[dict[str, Any]] = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event needs a name
    {"events": [], "responses": ["not an object"]},
    {"events": [{"event": "no_such_event"}]},
]


def _original(result: dict[str, Any]) -> bool:
    original = action_response._state["original"] or RemoteAction._validate_action_result
    return original(RemoteAction("action_x", None), result)


@pytest.fixture(autouse=True)
def installed() -> None:
    action_response.install()


@pytest.mark.parametrize("result", GOOD)
def test_a_good_answer_passes_as_with_rasa(result: dict[str, Any]) -> None:
    assert _original(result) is True
    assert RemoteAction("action_x", None)._validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_a_bad_answer_is_refused_as_with_rasa(result: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as rasa_error:
        _original(result)
    with pytest.raises(ValidationError) as ours:
        RemoteAction("action_x", None)._validate_action_result(result)
    assert ours.value.message == rasa_error.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_install_is_idempotent_and_replaces_rasas_check() -> None:
    action_response.install()
    assert RemoteAction._validate_action_result is action_response.validate_action_result
    assert action_response._state["original"] is not action_response.validate_action_result


def _every_kind() -> list[str]:
    from rasa.shared.utils.schemas.events import EVENT_SCHEMA

    return [branch["properties"]["event"]["const"] for branch in EVENT_SCHEMA["oneOf"]]


def _variants() -> list[dict[str, Any]]:
    """Good and bad events of every kind Rasa knows, and a few that are no event at all."""
    events: list[Any] = [None, "slot", [], {}, {"event": None}, {"event": ["slot"]},
                         {"event": 3}, {"name": "x", "value": 1}]
    for kind in _every_kind():
        events += [{"event": kind}, {"event": kind, "timestamp": "noon"},
                   {"event": kind, "timestamp": 1.5, "metadata": None},
                   {"event": kind, "metadata": []},
                   {"event": kind, "name": "network", "value": None},
                   {"event": kind, "name": 3, "value": "x"},
                   {"event": kind, "entities": [{"entity": "need_area", "value": "meals"}]},
                   {"event": kind, "entities": [{"entity": "need_area"}]},
                   {"event": kind, "text": 5, "policy": 7, "confidence": "high"},
                   {"event": kind, "parse_data": {"intent": {"name": "affirm",
                                                             "confidence": 0.9},
                                                  "entities": []}},
                   {"event": kind, "parse_data": {"intent": {"name": 1}}}]
    return [{"events": [event]} for event in events] + [
        {"events": [{"event": "slot", "name": "a", "value": 1}, {"event": "nope"}]},
        {"events": [{"event": "bot", "text": "hi"}, {"event": "action", "name": "x"}],
         "responses": [{"response": "utter_x"}]},
        {"events": None}, {"responses": [{}]}, {}, [], "answer"]


@pytest.mark.parametrize("result", _variants())
def test_the_check_by_event_type_never_passes_what_rasa_refuses(result: Any) -> None:
    """The quick check per event type agrees with Rasa's whole schema on every event kind."""
    try:
        rasa_passes = _original(result)
    except ValidationError:
        rasa_passes = False
    assert action_response._valid_by_event_type(result) == rasa_passes
    if rasa_passes:
        assert RemoteAction("action_x", None)._validate_action_result(result) is True
    else:
        with pytest.raises(ValidationError):
            RemoteAction("action_x", None)._validate_action_result(result)


def test_every_good_answer_takes_the_quick_check() -> None:
    assert action_response._by_event_type() is not None
    assert all(action_response._valid_by_event_type(result) for result in GOOD)
