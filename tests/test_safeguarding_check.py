"""The grey zone: one "Is anyone hurt or in danger right now?", urgent on yes or any further sign,
the paused form resumes on no, never asked twice for the same message (SafeguardingPolicy)."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import UserUttered

from tests.test_safeguarding_policy import _mid_form, _run_turn, _tracker
from tests.test_safeguarding_policy import domain as domain  # noqa: F401 (fixture)
from tests.test_safeguarding_policy import policy as policy  # noqa: F401 (fixture)


def _said(intent: str, text: str, outcome: str | None = None,
          kinds: tuple[str, ...] = ()) -> UserUttered:
    entities = [{"entity": "risk_kind", "value": k} for k in kinds]
    if outcome:
        entities.append({"entity": "risk_outcome", "value": outcome})
    return UserUttered(text, intent={"name": intent, "confidence": 1.0}, entities=entities)


def test_a_grey_message_gets_one_gentle_question_with_yes_first(policy, domain):
    tracker = _tracker(domain, _said("describe_needs", "mum had a fall", "check",
                                     ("fall_long_lie",)))
    assert _run_turn(policy, domain, tracker) == ["utter_safeguarding_check", "action_listen"]
    titles = [b["title"] for b in domain.responses["utter_safeguarding_check"][0]["buttons"]]
    assert titles == ["Yes", "No"]
    assert domain.responses["utter_safeguarding_check"][0]["text"] == \
        "Is anyone hurt or in danger right now?"
    assert tracker.get_slot("safeguarding_concern") is False  # nothing flagged on a question


@pytest.mark.parametrize("answer", [_said("affirm", "/affirm"), _said("affirm", "yes"),
                                    _said("nlu_fallback", "YES"), _said("nlu_fallback", "Y")])
def test_yes_gets_the_kinds_urgent_help(policy, domain, answer):
    tracker = _tracker(domain, _said("describe_needs", "mum had a fall", "check",
                                     ("fall_long_lie",)))
    _run_turn(policy, domain, tracker)
    tracker.update(answer)
    actions = _run_turn(policy, domain, tracker)
    assert actions[0] == "utter_safeguarding_fall_long_lie"
    assert actions[-1] == "action_listen"
    assert tracker.get_slot("safeguarding_concern") is True
    assert tracker.get_slot("risk_kinds") == ["fall_long_lie"]


def test_any_further_sign_after_the_question_is_urgent(policy, domain):
    tracker = _tracker(domain, _said("describe_needs", "dad is on the floor", "check",
                                     ("fall_long_lie",)))
    _run_turn(policy, domain, tracker)
    tracker.update(_said("describe_needs", "he is very cold", "check", ("cold_home",)))
    actions = _run_turn(policy, domain, tracker)
    assert actions[0].startswith("utter_safeguarding_") and actions[0] != "utter_safeguarding_check"
    assert tracker.get_slot("safeguarding_concern") is True


@pytest.mark.parametrize("answer", [_said("deny", "/deny"), _said("nlu_fallback", "NO"),
                                    _said("nlu_fallback", "n")])
def test_no_mid_form_thanks_and_goes_back_to_the_paused_question(policy, domain, answer):
    tracker = _mid_form(domain, "person_role", _said("describe_needs", "she had a fall", "check",
                                                      ("fall_long_lie",)))
    assert _run_turn(policy, domain, tracker) == ["utter_safeguarding_check", "action_listen"]
    assert tracker.active_loop_name is None  # "no" must not be taken as the form's answer
    tracker.update(answer)
    assert _run_turn(policy, domain, tracker) == ["utter_safeguarding_check_no", "journey_form",
                                                  "action_listen"]
    assert tracker.get_slot("safeguarding_concern") is False


def test_no_outside_a_form_thanks_and_listens(policy, domain):
    tracker = _tracker(domain, _said("describe_needs", "she had a fall", "check"))
    _run_turn(policy, domain, tracker)
    tracker.update(_said("deny", "no"))
    assert _run_turn(policy, domain, tracker) == ["utter_safeguarding_check_no", "action_listen"]


def test_the_question_is_never_asked_twice_for_one_message(policy, domain):
    tracker = _tracker(domain, _said("describe_needs", "she had a fall", "check"))
    assert _run_turn(policy, domain, tracker) == ["utter_safeguarding_check", "action_listen"]
    # The same turn does not ask again, and an unrelated reply is left to the other policies.
    assert _run_turn(policy, domain, tracker) == []
    tracker.update(_said("greet", "hello"))
    assert _run_turn(policy, domain, tracker) == []


def test_urgent_outcome_is_not_turned_into_a_question(policy, domain):
    tracker = _tracker(domain, _said("disclose_harm", "he has a knife", "urgent",
                                     ("threats_weapons",)))
    assert _run_turn(policy, domain, tracker)[0] == "utter_safeguarding_threats_weapons"


def test_no_before_any_form_goes_on_to_the_configured_questions(domain, tmp_path):
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from bot.nlu.safeguarding_policy import SafeguardingPolicy

    policy = SafeguardingPolicy.create(
        {**SafeguardingPolicy.get_default_config(), "resume_form": "journey_form"},
        LocalModelStorage(tmp_path), Resource("sg2"), ExecutionContext(graph_schema=None))
    tracker = _tracker(domain, _said("describe_needs", "I'm at the end of my tether", "check",
                                     ("carer_breaking_point",)))
    assert _run_turn(policy, domain, tracker) == ["utter_safeguarding_check", "action_listen"]
    tracker.update(_said("deny", "no"))
    assert _run_turn(policy, domain, tracker) == ["utter_safeguarding_check_no", "journey_form",
                                                  "action_listen"]
