"""Rasa's TEDPolicy, whose model is run only when its answer could be the one Rasa picks.

At every step Rasa runs every policy, then its ensemble (DefaultPolicyPredictionEnsemble) picks
one prediction: one made without user input ("no user") beats the others, an end-to-end one
beats the rest, and otherwise the highest confidence wins, a tie going to the higher priority.
TED has the lowest priority (1); it never predicts "no user"; trained without end-to-end
stories (no text in them) it never makes an end-to-end prediction; and its confidences are a
softmax, at most 1.0. So when RulePolicy, MemoizationPolicy or SafeguardingPolicy is certain
(confidence 1.0: a form's next step, a rule, a crisis reply), TED's answer cannot be picked,
yet working it out was about a quarter of a turn (py-spy, issue 14).

DeferredTEDPolicy is TEDPolicy with the same training, model and settings. Its prediction goes
to the ensemble unevaluated and is worked out the first time anything reads it; install()
makes the ensemble score it 0 without working it out when a settled prediction is certain to
beat it (the rule above), and otherwise the ensemble picks exactly as before. A TED trained on
end-to-end stories predicts at once, as Rasa's does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT

_state: dict[str, Any] = {"original": None}


class DeferredPrediction(PolicyPrediction):
    """A prediction worked out only when first read; until then known to be neither "no user"
    nor end to end, with no events (as TED's always are when trained without text)."""

    def __init__(self, compute: Callable[[], PolicyPrediction], policy_name: str | None,
                 policy_priority: int) -> None:
        self._compute = compute
        self._made: PolicyPrediction | None = None
        self._probabilities: list[float] | None = None
        self.policy_name = policy_name
        self.policy_priority = policy_priority
        self.events: list[Any] = []
        self.is_end_to_end_prediction = False
        self.is_no_user_prediction = False

    @property
    def evaluated(self) -> bool:
        return self._probabilities is not None

    def _prediction(self) -> PolicyPrediction:
        if self._made is None:
            self._made = self._compute()
        return self._made

    @property  # type: ignore[override]
    def probabilities(self) -> list[float]:
        if self._probabilities is None:
            self._probabilities = self._prediction().probabilities
        return self._probabilities

    @probabilities.setter
    def probabilities(self, value: list[float]) -> None:
        self._probabilities = value

    @property  # type: ignore[override]
    def optional_events(self) -> list[Any]:
        return self._prediction().optional_events

    @property  # type: ignore[override]
    def diagnostic_data(self) -> dict[str, Any]:
        return self._prediction().diagnostic_data

    @property  # type: ignore[override]
    def hide_rule_turn(self) -> bool:
        return self._prediction().hide_rule_turn

    @property  # type: ignore[override]
    def action_metadata(self) -> dict[str, Any] | None:
        return self._prediction().action_metadata


def cannot_be_picked(deferred: DeferredPrediction, settled: list[PolicyPrediction]) -> bool:
    """True when the ensemble could not pick `deferred` whatever its confidences (at most 1.0)."""
    if any(p.is_no_user_prediction for p in settled):
        return True  # "no user" predictions beat all others, and this is not one
    if any(p.is_end_to_end_prediction for p in settled):
        return True  # end-to-end predictions beat the others, and this is not one
    return any(p.max_confidence >= 1.0 and p.policy_priority > deferred.policy_priority
               for p in settled)


def pick_best_policy(predictions: list[PolicyPrediction]) -> PolicyPrediction:
    """DefaultPolicyPredictionEnsemble._pick_best_policy, leaving unevaluated a deferred
    prediction that cannot be picked (scored 0, so the choice is the same)."""
    waiting = [p for p in predictions if isinstance(p, DeferredPrediction) and not p.evaluated]
    settled = [p for p in predictions if not any(p is w for w in waiting)]  # no ==: it reads
    if waiting and settled:
        size = len(settled[0].probabilities)
        for prediction in waiting:
            if cannot_be_picked(prediction, settled):
                prediction.probabilities = [0.0] * size
    return _state["original"](predictions)


def install() -> None:
    """Swaps the ensemble's pick for pick_best_policy (idempotent)."""
    if _state["original"] is None:
        _state["original"] = DefaultPolicyPredictionEnsemble._pick_best_policy
        DefaultPolicyPredictionEnsemble._pick_best_policy = staticmethod(  # type: ignore[method-assign]
            pick_best_policy)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True
)
class DeferredTEDPolicy(TEDPolicy):
    """TEDPolicy whose prediction is worked out only if the ensemble may pick it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install()

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None,
                                     **kwargs: Any) -> PolicyPrediction:
        """TED's prediction, deferred when it can only be an intent-based one."""
        def compute() -> PolicyPrediction:
            return super(DeferredTEDPolicy, self).predict_action_probabilities(
                tracker, domain, rule_only_data=rule_only_data, **kwargs)

        if self.model is None or TEXT in self.fake_features:
            return compute()
        return DeferredPrediction(compute, self.__class__.__name__, self.priority)
