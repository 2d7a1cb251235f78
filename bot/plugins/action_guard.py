"""Every call to the action server has a time limit, and every failure a safe answer.

Rasa 3.6 has no setting for this: RemoteAction.run waits up to DEFAULT_REQUEST_TIMEOUT (300 s)
and a timeout escapes action_extract_slots, so nothing at all is sent, crisis replies included.
install() wraps RemoteAction.run once per process (Rasa imports bot.plugins at start-up,
through the tracker store named in endpoints.yml):

- each call is limited to WAYFINDER_ACTION_TIMEOUT seconds (3 by default);
- after a timeout, calls fail at once for WAYFINDER_ACTION_RETRY_AFTER seconds (a circuit
  breaker), so one turn never waits twice and a crisis reply is never held behind a dead server;
- the slot-mapping check (run before every policy) fails quietly, as Rasa intends;
- any other failed action says utter_service_trouble (the council's number and hours), or
  utter_service_trouble_risk (999 and Samaritans too) when any risk was seen in this
  conversation. The wording lives in data/domain/service_trouble.yml.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiohttp import ClientResponseError
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.exceptions import RasaException

from bot import settings

logger = logging.getLogger(__name__)
QUIET_ACTIONS = {"action_validate_slot_mappings"}
TROUBLE = "utter_service_trouble"
TROUBLE_RISK = "utter_service_trouble_risk"
RISK_INTENTS = {"disclose_harm"}
RISK_ACTION_PREFIX = "utter_safeguarding_"
_state: dict[str, Any] = {"original": None, "open_until": 0.0}


class ActionServerUnavailable(RasaException):
    """The action server timed out, refused, or failed; the turn goes on without it."""


def risk_seen(tracker: Any) -> bool:
    """True when any message in this conversation disclosed harm or got a crisis reply."""
    for event in tracker.events:
        if isinstance(event, UserUttered) and (event.intent or {}).get("name") in RISK_INTENTS:
            return True
        if isinstance(event, ActionExecuted) and (event.action_name or "").startswith(
                RISK_ACTION_PREFIX):
            return True
    return False


async def _call(action: RemoteAction, *args: Any) -> list[Any]:
    if time.monotonic() < _state["open_until"]:
        raise ActionServerUnavailable("action server recently timed out; not waiting again")
    try:
        return await asyncio.wait_for(_state["original"](action, *args),
                                      settings.action_timeout())
    except asyncio.TimeoutError as error:
        _state["open_until"] = time.monotonic() + settings.action_retry_after()
        raise ActionServerUnavailable(f"no answer within {settings.action_timeout()} s") from error


async def guarded_run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any,
                      domain: Any) -> list[Any]:
    """RemoteAction.run with a time limit and a safe answer when it fails."""
    try:
        events = await _call(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except (RasaException, ClientResponseError, OSError) as error:
        logger.error("action_guard.failed action=%s error=%s", self.name(), type(error).__name__)
        if self.name() in QUIET_ACTIONS:
            raise ActionServerUnavailable(str(error)) from error
        response = TROUBLE_RISK if risk_seen(tracker) else TROUBLE
        return await self._utter_responses([{"response": response}], output_channel, nlg,
                                           tracker)
    _state["open_until"] = 0.0
    return events


def install() -> None:
    """Wraps RemoteAction.run, and checks answers with a validator built once (idempotent)."""
    from bot.plugins.action_response import install as install_response_check

    install_response_check()
    if _state["original"] is None:
        _state["original"] = RemoteAction.run
        RemoteAction.run = guarded_run  # type: ignore[method-assign]
