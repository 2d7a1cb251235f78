"""bot/plugins/action_guard.py: time limit, circuit breaker and the safe answers people see."""

from __future__ import annotations

import asyncio
import time

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from bot.council import load_council
from bot.nlu.domain_builder import build_domain
from bot.plugins import action_guard

COUNCIL = load_council()


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.from_dict(build_domain())


@pytest.fixture(autouse=True)
def fast_limits(monkeypatch):
    monkeypatch.setenv("WAYFINDER_ACTION_TIMEOUT", "0.2")
    monkeypatch.setenv("WAYFINDER_ACTION_RETRY_AFTER", "30")
    action_guard.install()
    original = action_guard._state["original"]
    yield
    action_guard._state["original"] = original
    action_guard._state["open_until"] = 0.0


def _run(domain: Domain, name: str, behaviour, events=()) -> list:
    action_guard._state["original"] = behaviour
    tracker = DialogueStateTracker.from_events("guard", list(events), slots=domain.slots)
    action = RemoteAction(name, None)
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    return asyncio.run(action.run(CollectingOutputChannel(), nlg, tracker, domain))


async def _hang(*_args):
    await asyncio.sleep(60)


async def _fail(*_args):
    raise RasaException("500 from the action server")


def _texts(events: list) -> str:
    return "\n".join(e.text or "" for e in events if isinstance(e, BotUttered))


def test_rasa_remote_action_is_wrapped():
    assert RemoteAction.run is action_guard.guarded_run


def test_a_hanging_action_server_gives_the_council_number_within_the_limit(domain):
    started = time.monotonic()
    events = _run(domain, "action_record_handoff", _hang)
    assert time.monotonic() - started < 1.0
    text = _texts(events)
    assert COUNCIL.phone in text and COUNCIL.hours in text
    assert "999" not in text


def test_after_a_timeout_the_next_call_does_not_wait_again(domain):
    _run(domain, "action_record_handoff", _hang)
    started = time.monotonic()
    events = _run(domain, "action_recommend", _hang)
    assert time.monotonic() - started < 0.1
    assert COUNCIL.phone in _texts(events)


def test_when_risk_was_seen_the_safe_answer_has_999_and_samaritans(domain):
    seen = [UserUttered("my son hits me", intent={"name": "disclose_harm", "confidence": 1.0})]
    text = _texts(_run(domain, "action_record_safeguarding", _fail, seen))
    assert "999" in text and "116 123" in text and COUNCIL.phone in text
    after_reply = [ActionExecuted("utter_safeguarding_suicide")]
    assert "116 123" in _texts(_run(domain, "action_recommend", _fail, after_reply))


def test_the_slot_mapping_check_fails_quietly_for_rasa_to_catch(domain):
    with pytest.raises(RasaException):
        _run(domain, "action_validate_slot_mappings", _hang)


def test_a_rejection_is_passed_on_untouched(domain):
    async def reject(*_args):
        raise ActionExecutionRejection("validate_guide_form")

    with pytest.raises(ActionExecutionRejection):
        _run(domain, "validate_guide_form", reject)


def test_a_working_action_server_is_not_touched(domain):
    async def works(*_args):
        return [BotUttered("fine")]

    assert _texts(_run(domain, "action_recommend", works)) == "fine"
