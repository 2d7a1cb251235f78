"""bot/nlu/deferred_ted.py: Rasa's ensemble picks exactly what it picked before, and TED's model
runs only when its answer could be picked."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from rasa.core.constants import (
    DEFAULT_POLICY_PRIORITY,
    MEMOIZATION_POLICY_PRIORITY,
    RULE_POLICY_PRIORITY,
)
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu import deferred_ted
from bot.nlu.deferred_ted import DeferredPrediction, DeferredTEDPolicy

ACTIONS = 12
SAFEGUARDING_PRIORITY = 9


def _softmax(rng: random.Random) -> list[float]:
    if rng.random() < 0.2:  # a certain TED
        certain = [0.0] * ACTIONS
        certain[rng.randrange(ACTIONS)] = 1.0
        return certain
    raw = [rng.random() ** 4 for _ in range(ACTIONS)]
    return [value / sum(raw) for value in raw]


def _settled(rng: random.Random, name: str, priority: int) -> PolicyPrediction:
    roll = rng.random()
    probabilities = [0.0] * ACTIONS
    if roll < 0.3:
        pass  # abstains
    elif roll < 0.7:
        probabilities[rng.randrange(ACTIONS)] = 1.0
    else:
        probabilities[rng.randrange(ACTIONS)] = rng.choice([0.3, 0.6, 0.95, 0.999])
    return PolicyPrediction(probabilities, name, priority,
                            events=[SlotSet("seen", name)] if rng.random() < 0.2 else [],
                            is_no_user_prediction=rng.random() < 0.15,
                            is_end_to_end_prediction=rng.random() < 0.05)


class Counted:
    def __init__(self, made: PolicyPrediction) -> None:
        self.made, self.calls = made, 0

    def __call__(self) -> PolicyPrediction:
        self.calls += 1
        return self.made


@pytest.fixture(autouse=True)
def installed() -> None:
    deferred_ted.install()


@pytest.mark.parametrize("seed", range(400))
def test_the_ensemble_picks_the_same_with_ted_deferred(seed: int) -> None:
    rng = random.Random(seed)
    others = [_settled(rng, "MemoizationPolicy", MEMOIZATION_POLICY_PRIORITY),
              _settled(rng, "RulePolicy", RULE_POLICY_PRIORITY),
              _settled(rng, "SafeguardingPolicy", SAFEGUARDING_PRIORITY)]
    ted = PolicyPrediction(_softmax(rng), "DeferredTEDPolicy", DEFAULT_POLICY_PRIORITY,
                           optional_events=[SlotSet("ted", 1)], diagnostic_data={"d": 1})
    order = rng.sample(range(4), 4)
    eager = [([*others, ted])[i] for i in order]
    compute = Counted(PolicyPrediction(list(ted.probabilities), ted.policy_name,
                                       ted.policy_priority, optional_events=[SlotSet("ted", 1)],
                                       diagnostic_data={"d": 1}))
    deferred = DeferredPrediction(compute, "DeferredTEDPolicy", DEFAULT_POLICY_PRIORITY)
    lazy = [([*[_copy(p) for p in others], deferred])[i] for i in order]

    before = deferred_ted._state["original"]([_copy(p) for p in eager])
    after = DefaultPolicyPredictionEnsemble._pick_best_policy(lazy)
    assert (after.policy_name, after.probabilities, after.events, after.optional_events,
            after.is_no_user_prediction, after.is_end_to_end_prediction,
            after.diagnostic_data) == (
        before.policy_name, before.probabilities, before.events, before.optional_events,
        before.is_no_user_prediction, before.is_end_to_end_prediction, before.diagnostic_data)
    certain_above = any(p.is_no_user_prediction or p.is_end_to_end_prediction
                        or p.max_confidence == 1.0 for p in others)
    assert compute.calls == (0 if certain_above else 1)


def _copy(prediction: PolicyPrediction) -> PolicyPrediction:
    return PolicyPrediction(list(prediction.probabilities), prediction.policy_name,
                            prediction.policy_priority, list(prediction.events),
                            list(prediction.optional_events),
                            prediction.is_end_to_end_prediction,
                            prediction.is_no_user_prediction, dict(prediction.diagnostic_data))


def test_a_rejected_action_is_zeroed_in_the_deferred_prediction_too() -> None:
    compute = Counted(PolicyPrediction([0.1, 0.9, 0.0], "DeferredTEDPolicy", 1))
    deferred = DeferredPrediction(compute, "DeferredTEDPolicy", 1)
    deferred.probabilities[1] = 0.0  # what the ensemble does after ActionExecutionRejected
    assert deferred.probabilities == [0.1, 0.0, 0.0] and compute.calls == 1


def test_nothing_is_worked_out_until_read() -> None:
    compute = Counted(PolicyPrediction([0.2, 0.8], "DeferredTEDPolicy", 1,
                                       optional_events=[SlotSet("x", 1)]))
    deferred = DeferredPrediction(compute, "DeferredTEDPolicy", 1)
    assert compute.calls == 0 and not deferred.evaluated
    assert deferred.max_confidence == 0.8 and deferred.optional_events == [SlotSet("x", 1)]
    assert compute.calls == 1 and deferred.evaluated


def _policy(tmp_path: Path, fake_features: dict[str, Any]) -> DeferredTEDPolicy:
    config = {**TEDPolicy.get_default_config(), "epochs": 1}
    return DeferredTEDPolicy(config, LocalModelStorage(tmp_path), Resource("ted"),
                             ExecutionContext(graph_schema=None), model=object(),  # type: ignore[arg-type]
                             fake_features=fake_features)


def test_ted_trained_on_intents_defers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = PolicyPrediction([1.0], "DeferredTEDPolicy", 1)
    calls: list[int] = []
    monkeypatch.setattr(TEDPolicy, "predict_action_probabilities",
                        lambda self, *a, **k: calls.append(1) or made)
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen")])
    deferred = _policy(tmp_path, {"intent": []}).predict_action_probabilities(
        tracker, Domain.empty())
    assert isinstance(deferred, DeferredPrediction) and calls == []
    assert deferred.probabilities == [1.0] and calls == [1]
    eager = _policy(tmp_path, {"text": [], "intent": []}).predict_action_probabilities(
        tracker, Domain.empty())
    assert eager is made  # end to end possible: worked out at once, as Rasa does


def test_install_is_idempotent() -> None:
    deferred_ted.install()
    assert DefaultPolicyPredictionEnsemble._pick_best_policy is deferred_ted.pick_best_policy
    assert deferred_ted._state["original"] is not deferred_ted.pick_best_policy
