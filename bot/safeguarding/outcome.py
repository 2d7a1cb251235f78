"""Combines the phrase rules and the learned model into one decision: urgent, check or none.

Pure Python (no Rasa): the Rasa component, the evaluation and the bench all call decide().
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.safeguarding.config import FALLBACK_KIND, kinds_by_urgency, risk_kinds
from bot.safeguarding.model import SUICIDE_KINDS, RiskScore

URGENT, CHECK, NONE = "urgent", "check", "none"
SUICIDE_KIND = "suicidal"


@dataclass(frozen=True)
class Thresholds:
    """Model probabilities that make a message urgent or a check (set in config.yml)."""

    urgent: float = 0.6
    check: float = 0.35
    suicide: float = 0.4  # P(harm) x P(suicide kinds): a hint this strong is asked about directly
    rule_veto: float = 0.15  # a rule hit the model scores below this is a check, not urgent
    # A suicide / mental-health phrase hit the model scores below this: the direct suicide
    # question with Samaritans' number, not the crisis reply (0: off, every such hit is urgent).
    mental_health_veto: float = 0.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Thresholds:
        """From SafeguardingDetector's settings in config.yml (its names for the same figures)."""
        return cls(urgent=float(config["urgent_threshold"]),
                   check=float(config["check_threshold"]),
                   suicide=float(config["suicide_threshold"]),
                   rule_veto=float(config["rule_veto"]),
                   mental_health_veto=float(config.get("mental_health_veto", 0.0)))


@dataclass(frozen=True)
class Decision:
    """What to do about one message, and the kinds (most urgent first) behind it."""

    outcome: str
    kinds: tuple[str, ...]
    source: str  # "rules", "model", "rules+model" or ""


def _group(kind: str) -> str:
    return str(risk_kinds().get(kind, {}).get("group", ""))


def _with_model_kind(rule_kinds: tuple[str, ...], score: RiskScore | None) -> tuple[str, ...]:
    """The model's specific kind first when it is in the same family as the rules' first kind
    and its reply gives at least the same urgent contacts (never a less urgent first reply)."""
    if score is None or not rule_kinds or score.kind in rule_kinds:
        return rule_kinds
    kinds = risk_kinds()
    covers = set(kinds.get(score.kind, {}).get("contacts") or ()) >= set(
        kinds.get(rule_kinds[0], {}).get("contacts") or ())
    if _group(score.kind) == _group(rule_kinds[0]) and covers:
        return (score.kind, *rule_kinds)
    return rule_kinds


def decide(rule_kinds: tuple[str, ...], score: RiskScore | None,
           thresholds: Thresholds = Thresholds(), soft: bool = False) -> Decision:
    """Rules are for the unmistakable (urgent); the model catches the rest (urgent or check).

    soft: the message is a general question or about a past risk that is over
    (bot/safeguarding/context.py): at most a check, except for suicide.
    """
    decision = _decide(rule_kinds, score, thresholds)
    if soft and decision.outcome == URGENT and not _current_suicide_hint(score, thresholds):
        return Decision(CHECK, decision.kinds, decision.source)
    return decision


def _current_suicide_hint(score: RiskScore | None, thresholds: Thresholds) -> bool:
    """The model hears suicide even with the softening context: still asked directly."""
    return score is not None and score.suicide >= thresholds.suicide


def _decide(rule_kinds: tuple[str, ...], score: RiskScore | None,
            thresholds: Thresholds) -> Decision:
    if rule_kinds:
        kinds = _with_model_kind(kinds_by_urgency(rule_kinds) or (FALLBACK_KIND,), score)
        mental_health = _group(kinds[0]) == "mental_health"
        if score is not None and mental_health and score.risk < thresholds.mental_health_veto:
            # Never only the general check: asked directly, Samaritans' number in the same reply.
            return Decision(CHECK, (SUICIDE_KIND,), "rules")
        if score is not None and score.risk < thresholds.rule_veto and not mental_health:
            return Decision(CHECK, kinds, "rules")
        return Decision(URGENT, kinds, "rules" if score is None else "rules+model")
    if score is None:
        return Decision(NONE, (), "")
    if score.risk >= thresholds.urgent and score.suicide >= thresholds.suicide:
        return Decision(URGENT, (SUICIDE_KIND,), "model")
    if score.suicide >= thresholds.suicide or (
            score.risk >= thresholds.check and score.kind in SUICIDE_KINDS):
        # Never only the general check: the suicide check asks directly and gives Samaritans'
        # number in the same reply (utter_safeguarding_check_suicidal).
        return Decision(CHECK, (SUICIDE_KIND,), "model")
    if score.risk >= thresholds.urgent:
        return Decision(URGENT, (score.kind,), "model")
    if score.risk >= thresholds.check:
        return Decision(CHECK, (score.kind,), "model")
    return Decision(NONE, (), "")
