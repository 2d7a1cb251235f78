"""Routing: which tiers of help fit a person's situation, explained from data/routing/rules.yml."""

from bot.routing.engine import TierAdvice, explain, fired_rules, route
from bot.routing.rules import Rule, RulesError, RulesTable, load_rules, parse_rules
from bot.routing.situation import NETWORKS, Situation, SituationError, check_situation
from bot.routing.steps import StepInfo, sds_step_info

__all__ = [
    "NETWORKS", "Rule", "RulesError", "RulesTable", "Situation", "SituationError", "StepInfo",
    "TierAdvice", "check_situation", "explain", "fired_rules", "load_rules", "parse_rules", "route",
    "sds_step_info",
]
