"""Rasa policy: the crisis reply goes out first, in every state, without the action server.

config.yml (policies):
    - name: bot.nlu.safeguarding_policy.SafeguardingPolicy
      priority: 7
"""

from __future__ import annotations

from typing import Any

from rasa.core.constants import RULE_POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.safeguarding import kinds_by_urgency, urgent_contacts

DISCLOSE_HARM = "disclose_harm"
AFFIRM = "affirm"
RISK_CHECK_SLOT = "risk_check"
RISK_KIND_ENTITY = "risk_kind"
FALLBACK_KIND = "unspecified_risk"
RECORD_ACTION = "action_record_safeguarding"
NEXT_RESPONSE = "utter_safeguarding_next"
MAX_EXTRA_CONTACTS = 4  # keeps the turn within Rasa's 10 actions per message


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class SafeguardingPolicy(Policy):
    """On a disclosure: crisis reply, extra numbers, record, offer next steps, listen."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Priority above RulePolicy so an active form cannot answer first."""
        return {"priority": RULE_POLICY_PRIORITY + 3}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Any = None,
    ) -> None:
        super().__init__(
            {**self.get_default_config(), **config},
            model_storage, resource, execution_context, featurizer,
        )

    def train(
        self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn: the behaviour is fixed."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """The next step of the crisis sequence, or no opinion (all zeros)."""
        kinds = disclosed_kinds(tracker)
        if kinds is None:
            return self._prediction(self._default_predictions(domain))
        plan = crisis_plan(kinds, domain)
        done = _actions_since_user_message(tracker)
        position = _progress(plan, done)
        if position >= len(plan):
            return self._prediction(self._default_predictions(domain))
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(plan[position])] = 1.0
        optional_events = _first_step_events(tracker, kinds) if position == 0 else []
        return self._prediction(
            probabilities, optional_events=optional_events, is_no_user_prediction=True
        )


def disclosed_kinds(tracker: DialogueStateTracker) -> tuple[str, ...] | None:
    """Kinds of risk in the latest user message (most urgent first), or None if no disclosure."""
    message = tracker.latest_message
    if message is None or not isinstance(message, UserUttered):
        return None
    intent = (message.intent or {}).get("name")
    if intent == AFFIRM and _requested_when_user_spoke(tracker) == RISK_CHECK_SLOT:
        return (FALLBACK_KIND,)  # "yes" to the form's "is anyone at risk?" question
    if intent != DISCLOSE_HARM:
        return None
    found = [e.get("value") for e in message.entities or [] if e.get("entity") == RISK_KIND_ENTITY]
    return kinds_by_urgency(found) or (FALLBACK_KIND,)


def _requested_when_user_spoke(tracker: DialogueStateTracker) -> Any:
    """The form question open when the latest message arrived (our own first step clears it)."""
    requested = None
    for event in tracker.applied_events():
        if isinstance(event, UserUttered) and event is tracker.latest_message:
            return requested
        if isinstance(event, SlotSet) and event.key == REQUESTED_SLOT:
            requested = event.value
    return tracker.get_slot(REQUESTED_SLOT)


def crisis_plan(kinds: tuple[str, ...], domain: Domain) -> list[str]:
    """The actions to run in order: first reply, extra numbers, record, next steps, listen."""
    known = set(domain.action_names_or_texts)
    first = f"utter_safeguarding_{kinds[0]}"
    if first not in known:
        first = f"utter_safeguarding_{FALLBACK_KIND}"
    plan = [first]
    first_contacts = set(urgent_contacts(kinds[:1]))
    extras = [c for c in urgent_contacts(kinds) if c not in first_contacts]
    for contact in extras[:MAX_EXTRA_CONTACTS]:
        name = f"utter_safeguarding_contact_{contact}"
        if name in known:
            plan.append(name)
    for name in (RECORD_ACTION, NEXT_RESPONSE):
        if name in known:
            plan.append(name)
    plan.append(ACTION_LISTEN_NAME)
    return plan


def _actions_since_user_message(tracker: DialogueStateTracker) -> list[str]:
    """Names of actions run (or rejected) since the latest user message, oldest first."""
    names: list[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, (ActionExecuted, ActionExecutionRejected)) and event.action_name:
            names.append(event.action_name)
    return list(reversed(names))


def _progress(plan: list[str], done: list[str]) -> int:
    """How many steps of the plan have run, in order (other actions in between are ignored)."""
    position = 0
    for name in done:
        if position < len(plan) and name == plan[position]:
            position += 1
    return position


def _first_step_events(tracker: DialogueStateTracker, kinds: tuple[str, ...]) -> list[Any]:
    """Mark the conversation, and pause any form so the next answer is not taken as a form reply."""
    events: list[Any] = [
        SlotSet("safeguarding_concern", True),
        SlotSet("risk_kinds", list(kinds)),
        SlotSet("needs_staff_attention", True),
    ]
    if tracker.active_loop_name:
        events.append(ActiveLoop(None))
    if tracker.get_slot(REQUESTED_SLOT) is not None:
        events.append(SlotSet(REQUESTED_SLOT, None))
    return events
