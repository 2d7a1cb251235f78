"""SafeguardingPolicy with real trackers: crisis reply first, in every state, without actions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from rasa.core.constants import RULE_POLICY_PRIORITY
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.safeguarding_policy import SafeguardingPolicy
from bot.safeguarding import KINDS

PROJECT = Path(__file__).resolve().parent.parent
SMALL_DOMAIN = """
version: "3.1"
intents: [greet, affirm, deny, describe_needs, chitchat, inform, talk_to_person]
slots:
  council_name: {type: text, initial_value: Northmoor, influence_conversation: false,
                 mappings: [{type: custom}]}
  safeguarding_phone: {type: text, initial_value: "0113 496 0111",
                       influence_conversation: false, mappings: [{type: custom}]}
  safeguarding_hours: {type: text, initial_value: "24 hours", influence_conversation: false,
                       mappings: [{type: custom}]}
  council_phone: {type: text, initial_value: "0113 496 0100", influence_conversation: false,
                  mappings: [{type: custom}]}
  council_hours: {type: text, initial_value: "9 to 5", influence_conversation: false,
                  mappings: [{type: custom}]}
  person_role: {type: text, influence_conversation: false, mappings: [{type: from_text}]}
  risk_check: {type: bool, influence_conversation: false,
               mappings: [{type: from_intent, intent: affirm, value: true}]}
forms:
  journey_form:
    required_slots: [person_role, risk_check]
responses:
  utter_greet:
    - text: Hello
actions: [action_record_safeguarding]
"""


@pytest.fixture(scope="module")
def domain() -> Domain:
    data = yaml.safe_load(SMALL_DOMAIN)
    fragment = yaml.safe_load((PROJECT / "data/domain/safeguarding.yml").read_text())
    data["intents"] += fragment["intents"]
    data["entities"] = fragment["entities"]
    data["slots"].update(fragment["slots"])
    data["responses"].update(fragment["responses"])
    return Domain.from_dict(data)


@pytest.fixture()
def policy(tmp_path) -> SafeguardingPolicy:
    return SafeguardingPolicy.create(
        SafeguardingPolicy.get_default_config(), LocalModelStorage(tmp_path), Resource("sg"),
        ExecutionContext(graph_schema=None),
    )


def _user(intent: str, kinds: tuple[str, ...] = (), text: str = "...") -> UserUttered:
    entities = [{"entity": "risk_kind", "value": k, "extractor": "SafeguardingDetector"}
                for k in kinds]
    return UserUttered(text, intent={"name": intent, "confidence": 1.0}, entities=entities)


def _tracker(domain: Domain, *events) -> DialogueStateTracker:
    start = [ActionExecuted("action_session_start"), SessionStarted(),
             ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("t", start + list(events), slots=domain.slots)


def _mid_form(domain: Domain, requested: str, last_user) -> DialogueStateTracker:
    return _tracker(
        domain, _user("describe_needs"), ActionExecuted("journey_form"),
        ActiveLoop("journey_form"), SlotSet("requested_slot", requested),
        ActionExecuted("action_listen"), last_user,
    )


def _run_turn(policy, domain, tracker, failing: tuple[str, ...] = ()) -> list[str]:
    """Plays the turn as Rasa's processor does; actions in `failing` log nothing else."""
    actions: list[str] = []
    for _ in range(10):
        prediction = policy.predict_action_probabilities(tracker, domain)
        if max(prediction.probabilities) == 0.0:
            break
        action = domain.action_names_or_texts[int(np.argmax(prediction.probabilities))]
        tracker.update_with_events(prediction.optional_events, domain)
        tracker.update(ActionExecuted(action))  # a failed custom action is still logged
        actions.append(action)
        if action == "action_listen":
            break
    return actions


def test_disclosure_gets_reply_record_next_steps_then_listens(policy, domain):
    tracker = _tracker(domain, _user("disclose_harm", ("financial_abuse",)))
    assert _run_turn(policy, domain, tracker) == [
        "utter_safeguarding_financial_abuse", "action_record_safeguarding",
        "utter_safeguarding_next", "action_listen"]
    assert tracker.get_slot("safeguarding_concern") is True
    assert tracker.get_slot("risk_kinds") == ["financial_abuse"]
    assert tracker.get_slot("needs_staff_attention") is True


def test_most_urgent_kind_first_then_the_other_numbers(policy, domain):
    tracker = _tracker(domain, _user("disclose_harm", ("financial_abuse", "domestic_abuse",
                                                       "suicide_self_harm")))
    actions = _run_turn(policy, domain, tracker)
    assert actions[0] == "utter_safeguarding_suicide_self_harm"
    assert actions[1:3] == ["utter_safeguarding_contact_domestic_abuse_helpline",
                            "utter_safeguarding_contact_safeguarding_line"]
    assert actions[-3:] == ["action_record_safeguarding", "utter_safeguarding_next",
                            "action_listen"]
    assert tracker.get_slot("risk_kinds") == ["suicide_self_harm", "domestic_abuse",
                                              "financial_abuse"]


def test_classifier_only_disclosure_is_an_unspecified_risk(policy, domain):
    tracker = _tracker(domain, _user("disclose_harm"))
    assert _run_turn(policy, domain, tracker)[0] == "utter_safeguarding_unspecified_risk"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_its_own_first_reply(policy, domain, kind):
    tracker = _tracker(domain, _user("disclose_harm", (kind,)))
    assert _run_turn(policy, domain, tracker)[0] == f"utter_safeguarding_{kind}"


@pytest.mark.parametrize("requested", ["person_role", "risk_check"])
def test_mid_form_the_form_is_paused_and_the_reply_still_comes_first(policy, domain, requested):
    tracker = _mid_form(domain, requested, _user("disclose_harm", ("physical_abuse",)))
    assert tracker.active_loop_name == "journey_form"
    actions = _run_turn(policy, domain, tracker)
    assert actions[0] == "utter_safeguarding_physical_abuse"
    assert actions[-1] == "action_listen"
    assert tracker.active_loop_name is None
    assert tracker.get_slot("requested_slot") is None


def test_yes_to_is_anyone_at_risk_is_a_disclosure(policy, domain):
    tracker = _mid_form(domain, "risk_check", _user("affirm", text="yes"))
    actions = _run_turn(policy, domain, tracker)
    # The whole plan runs, although the first step closes the question that the "yes" answered.
    assert actions == ["utter_safeguarding_unspecified_risk", "action_record_safeguarding",
                       "utter_safeguarding_next", "action_listen"]
    # The next "yes" (e.g. to "shall we carry on?") is not taken as a second disclosure.
    tracker.update(_user("affirm", text="yes"))
    assert _run_turn(policy, domain, tracker) == []


@pytest.mark.parametrize("intent", ["affirm", "greet", "describe_needs", "chitchat", "deny"])
def test_other_messages_get_no_opinion(policy, domain, intent):
    tracker = _tracker(domain, _user(intent))
    prediction = policy.predict_action_probabilities(tracker, domain)
    assert max(prediction.probabilities) == 0.0
    assert prediction.optional_events == []


def test_it_beats_the_form_loop_rule_in_the_ensemble(policy, domain, tmp_path):
    tracker = _mid_form(domain, "person_role", _user("disclose_harm", ("neglect",)))
    form_loop = [0.0] * domain.num_actions
    form_loop[domain.index_for_action("journey_form")] = 1.0
    rule = PolicyPrediction(form_loop, "RulePolicy", RULE_POLICY_PRIORITY,
                            is_no_user_prediction=True)
    ensemble = DefaultPolicyPredictionEnsemble.create(
        {}, LocalModelStorage(tmp_path), Resource("e"), ExecutionContext(graph_schema=None))
    ours = policy.predict_action_probabilities(tracker, domain)
    for order in ([rule, ours], [ours, rule]):
        best = ensemble.combine_predictions(order, tracker, domain)
        assert best.policy_name == "SafeguardingPolicy"
        action = domain.action_names_or_texts[int(np.argmax(best.probabilities))]
        assert action == "utter_safeguarding_neglect"
        assert ActiveLoop(None) in best.events
        assert SlotSet("safeguarding_concern", True) in best.events


def test_priority_is_above_the_rule_policy(policy):
    assert policy.priority > RULE_POLICY_PRIORITY


def test_without_the_record_action_in_the_domain_the_reply_still_goes_out(policy, tmp_path):
    data = yaml.safe_load(SMALL_DOMAIN)
    data["actions"] = []
    fragment = yaml.safe_load((PROJECT / "data/domain/safeguarding.yml").read_text())
    data["intents"] += fragment["intents"]
    data["slots"].update(fragment["slots"])
    data["responses"].update(fragment["responses"])
    small = Domain.from_dict(data)
    tracker = _tracker(small, _user("disclose_harm", ("neglect",)))
    assert _run_turn(policy, small, tracker) == [
        "utter_safeguarding_neglect", "utter_safeguarding_next", "action_listen"]


def test_it_works_with_the_real_built_domain(policy):
    from bot.nlu.domain_builder import build_domain

    real = Domain.from_dict(build_domain())
    tracker = _tracker(real, _user("disclose_harm", ("domestic_abuse",)))
    actions = _run_turn(policy, real, tracker)
    assert actions[0] == "utter_safeguarding_domestic_abuse"
    assert "action_record_safeguarding" in actions
    assert actions[-2:] == ["utter_safeguarding_next", "action_listen"]
