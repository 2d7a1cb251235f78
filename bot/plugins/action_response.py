"""Rasa's check of every action-server answer, with the schema itself checked once per process.

RemoteAction._validate_action_result calls jsonschema.validate(result, schema), which first
checks the whole events schema against the JSON Schema meta-schema on every call: measured with
py-spy, about 40% of the Rasa process's CPU on a form turn, for the same answer every time.
install() swaps in the same validation with a validator built once: each answer is still checked
against the same schema and a bad one still raises the same ValidationError, with Rasa's hint.

Rasa's events schema says each event is "oneOf" 23 event types, so every event was tried against
all 23 (22 failures, each building an error: about 1 ms of every action call). Every one of those
types is told apart by its "event" name (a const, all different), so an event is valid against
the oneOf exactly when it is valid against the base schema and its own type's schema: that is
checked first, with one validator per type built once from Rasa's own schema. Anything that
does not pass it (or does not look like an answer) goes through the whole schema as before, so
what is refused, and the error raised, are Rasa's.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_state: dict[str, Any] = {"original": None}


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, not per answer
    return cls(schema)


@lru_cache(maxsize=1)
def _by_event_type() -> tuple[Any, dict[str, Any]] | None:
    """The answer's schema without its events' items, and one validator per event type (the
    base event schema with that type's branch of the oneOf); None if Rasa's schema is not
    shaped as expected (then every answer takes the whole check)."""
    schema = RemoteAction.action_response_format_spec()
    events = schema.get("properties", {}).get("events", {})
    item = events.get("items", {})
    branches = item.get("oneOf")
    if events.get("type") != "array" or not isinstance(branches, list):
        return None
    kinds = [branch.get("properties", {}).get("event", {}).get("const") for branch in branches]
    if not all(isinstance(kind, str) for kind in kinds) or len(set(kinds)) != len(kinds):
        return None  # the oneOf is not told apart by the event name alone
    base = {key: value for key, value in item.items() if key != "oneOf"}
    no_items = {key: value for key, value in events.items() if key != "items"}
    outer = {**schema, "properties": {**schema["properties"], "events": no_items}}
    per_type = {}
    for kind, branch in zip(kinds, branches, strict=True):
        one = {**base, "allOf": [branch]}
        per_type[kind] = validator_for(one)(one)
    return validator_for(outer)(outer), per_type


def _valid_by_event_type(result: Any) -> bool:
    """True only if the whole schema would pass it (see the module's docstring)."""
    checks = _by_event_type()
    if checks is None or not isinstance(result, dict):
        return False
    outer, per_type = checks
    if not outer.is_valid(result):
        return False
    for event in result.get("events", []):
        kind = event.get("event") if isinstance(event, dict) else None
        validator = per_type.get(kind) if isinstance(kind, str) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result without re-checking the schema each time."""
    if _valid_by_event_type(result):
        return True
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    if isinstance(error, ValidationError):
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions")
    raise error


def install() -> None:
    """Replaces RemoteAction._validate_action_result (idempotent)."""
    if _state["original"] is None:
        _state["original"] = RemoteAction._validate_action_result
        RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
