"""Rasa's check of every action-server answer, with the schema itself checked once per process.

RemoteAction._validate_action_result calls jsonschema.validate(result, schema), which first
checks the whole events schema against the JSON Schema meta-schema on every call: measured with
py-spy, about 40% of the Rasa process's CPU on a form turn, for the same answer every time.
install() swaps in the same validation with a validator built once: each answer is still checked
against the same schema and a bad one still raises the same ValidationError, with Rasa's hint.
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


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result without re-checking the schema each time."""
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
