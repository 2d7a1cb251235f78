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
