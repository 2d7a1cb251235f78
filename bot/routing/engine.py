"""The tier engine: turns a Situation into an ordered, explained list of tiers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.routing.rules import Rule, RulesTable, load_rules
from bot.routing.situation import Situation, check_situation
from bot.routing.steps import load_steps
from bot.vocab import TIERS


@dataclass(frozen=True)
class TierAdvice:
    """One recommended tier, with everything needed to explain it."""

    tier: str
    reason: str
    urgency: str
    urgency_text: str
    strengths: str
    weaknesses: str
    brokerage_function: str
    label: str = ""
    rule_id: str = ""
    reason_staff: str = ""


@lru_cache(maxsize=1)
def _default_rules() -> RulesTable:
    return load_rules()


def fired_rules(situation: Situation, rules: RulesTable | None = None) -> list[Rule]:
    """Every row whose conditions hold, in table order."""
    check_situation(situation)
    table = rules or _default_rules()
    return [rule for rule in table.rules if rule.matches(situation)]


def _winners(fired: list[Rule]) -> list[Rule]:
    best: dict[str, Rule] = {}
    for rule in fired:
        current = best.get(rule.tier)
        if current is None or (rule.rank, rule.position) < (current.rank, current.position):
            best[rule.tier] = rule
    return sorted(best.values(), key=lambda r: (r.rank, r.position, TIERS.index(r.tier)))


def route(situation: Situation, rules: RulesTable | None = None) -> list[TierAdvice]:
    """Ordered tiers for the situation (most fitting first); deterministic for the same input."""
    check_situation(situation)
    table = rules or _default_rules()
    steps = load_steps()
    step = steps.effective_step(situation.sds_step, situation.has_budget)
    function = steps.steps[step].brokerage_function
    advice = []
    for rule in _winners(fired_rules(situation, table)):
        text = table.tiers[rule.tier]
        advice.append(TierAdvice(
            tier=rule.tier, reason=rule.reason, urgency=rule.urgency,
            urgency_text=table.urgency[rule.urgency], strengths=text.strengths,
            weaknesses=text.weaknesses, brokerage_function=function, label=text.label,
            rule_id=rule.id, reason_staff=rule.reason_staff or rule.reason,
        ))
    return advice


def explain(situation: Situation, rules: RulesTable | None = None) -> list[str]:
    """One line per row that fired, saying whether it decided the tier's place in the list."""
    fired = fired_rules(situation, rules)
    used = {rule.id for rule in _winners(fired)}
    lines = []
    for rule in fired:
        verdict = "used" if rule.id in used else "outranked"
        lines.append(f"{rule.id}: when {rule.describe_when()} -> {rule.tier} "
                     f"(rank {rule.rank}, {rule.urgency}) [{verdict}]")
    return lines
