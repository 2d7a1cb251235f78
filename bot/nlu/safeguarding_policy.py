"""Rasa policy: the crisis reply goes out first, in every state, without the action server.

Three outcomes from SafeguardingDetector: urgent (disclose_harm: the kind's contacts in the first
reply), check (risk_outcome "check": one "Is anyone hurt or in danger right now?" with Yes/No;
urgent on yes or any further sign, the paused form resumes on no), none (no opinion).

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
from bot.safeguarding.answers import yes_or_no

DISCLOSE_HARM = "disclose_harm"
AFFIRM = "affirm"
RISK_CHECK_SLOT = "risk_check"
RISK_KIND_ENTITY = "risk_kind"
RISK_OUTCOME_ENTITY = "risk_outcome"
CHECK_RESPONSE = "utter_safeguarding_check"
CHECK_NO_RESPONSE = "utter_safeguarding_check_no"
SUICIDE_CHECK_RESPONSE = "utter_safeguarding_check_suicidal"
SUICIDE_KINDS = frozenset({"suicidal", "suicide_self_harm", "self_harm"})
CHECK_KIND_SLOT = "safeguarding_check_kind"
PAUSED_FORM_SLOT = "safeguarding_paused_form"
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
        """Priority above RulePolicy so an active form cannot answer first; resume_form: the
        questions to go on with after "no" to the check when no form was paused."""
        return {"priority": RULE_POLICY_PRIORITY + 3, "resume_form": None}

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
        """The next step of the crisis (or check) sequence, or no opinion (all zeros)."""
        plan, first_events = _plan_for(tracker, domain, self.config.get("resume_form"))
        if not plan:
            return self._prediction(self._default_predictions(domain))
        done = _actions_since_user_message(tracker)
        position = _progress(plan, done)
        if position >= len(plan):
            return self._prediction(self._default_predictions(domain))
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(plan[position])] = 1.0
        optional_events = first_events if position == 0 else []
        return self._prediction(
            probabilities, optional_events=optional_events, is_no_user_prediction=True
        )


def _plan_for(tracker: DialogueStateTracker, domain: Domain,
              resume_form: str | None = None) -> tuple[list[str], list[Any]]:
    """The actions for the latest message and the events that go with the first one."""
    kinds = disclosed_kinds(tracker)
    outcome = _latest_outcome(tracker)
    if _check_was_asked(tracker):
        pending = tuple(k for k in [tracker.get_slot(CHECK_KIND_SLOT)] if k) or (FALLBACK_KIND,)
        message = tracker.latest_message
        answer = yes_or_no(message.text if isinstance(message, UserUttered) else None,
                           (message.intent or {}).get("name") if message else None)
        if kinds is None and (answer == "yes" or outcome == "check"):
            kinds = kinds_by_urgency((*_entity_kinds(tracker), *pending)) or pending
        if kinds is not None:
            return crisis_plan(kinds, domain), _first_step_events(tracker, kinds)
        if answer == "no":
            # The slots stay as they are: every step of the plan is worked out again from them.
            return _resume_plan(tracker, domain, resume_form), []
        return [], []
    if kinds is not None:
        return crisis_plan(kinds, domain), _first_step_events(tracker, kinds)
    if outcome == "check" and CHECK_RESPONSE in domain.action_names_or_texts:
        kind = (_entity_kinds(tracker) or (FALLBACK_KIND,))[0]
        question = CHECK_RESPONSE
        if kind in SUICIDE_KINDS and SUICIDE_CHECK_RESPONSE in domain.action_names_or_texts:
            question = SUICIDE_CHECK_RESPONSE  # asks directly, with Samaritans' number
        return [question, ACTION_LISTEN_NAME], _check_events(tracker, kind)
    return [], []


def _entity_kinds(tracker: DialogueStateTracker) -> tuple[str, ...]:
    message = tracker.latest_message
    found = [e.get("value") for e in (message.entities if message else None) or []
             if e.get("entity") == RISK_KIND_ENTITY]
    return kinds_by_urgency(found)


def _latest_outcome(tracker: DialogueStateTracker) -> str | None:
    message = tracker.latest_message
    for entity in (message.entities if message else None) or []:
        if entity.get("entity") == RISK_OUTCOME_ENTITY:
            return str(entity.get("value"))
    return None


def _check_was_asked(tracker: DialogueStateTracker) -> bool:
    """Whether the bot's last action before the latest message was the check question."""
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_user:
                return False
            seen_user = True
        elif seen_user and isinstance(event, ActionExecuted) and event.action_name not in (
                ACTION_LISTEN_NAME, None):
            return event.action_name in (CHECK_RESPONSE, SUICIDE_CHECK_RESPONSE)
    return False


def _check_events(tracker: DialogueStateTracker, kind: str) -> list[Any]:
    """Remember the kind asked about, and pause any form so "no" is not taken as its answer."""
    events: list[Any] = [SlotSet(CHECK_KIND_SLOT, kind),
                         SlotSet(PAUSED_FORM_SLOT, tracker.active_loop_name)]
    if tracker.active_loop_name:
        events.append(ActiveLoop(None))
    if tracker.get_slot(REQUESTED_SLOT) is not None:
        events.append(SlotSet(REQUESTED_SLOT, None))
    return events


def _resume_plan(tracker: DialogueStateTracker, domain: Domain,
                 resume_form: str | None = None) -> list[str]:
    """ "No" to the check: say thank you and go back to the paused form's question (or, when
    the check came before any form, start the questions: never a dead end)."""
    known = set(domain.action_names_or_texts)
    plan = [CHECK_NO_RESPONSE] if CHECK_NO_RESPONSE in known else []
    form = tracker.get_slot(PAUSED_FORM_SLOT) or resume_form
    if form and form in known:
        plan.append(str(form))
    return [*plan, ACTION_LISTEN_NAME]


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
