"""The ids every part of Wayfinder agrees on (the observable contract of the foundation issue)."""

from __future__ import annotations

ROLES: tuple[str, ...] = ("self", "carer", "staff")

# The ten Care Act 2014 eligibility outcomes, then Wayfinder's own four areas.
CARE_ACT_OUTCOMES: tuple[str, ...] = (
    "nutrition",
    "personal_hygiene",
    "toilet_needs",
    "dressing",
    "home_safety",
    "habitable_home",
    "relationships",
    "work_learning_volunteering",
    "community_access",
    "caring_for_a_child",
)
NEED_AREAS: tuple[str, ...] = CARE_ACT_OUTCOMES + (
    "carer_support",
    "money_and_budget",
    "mental_wellbeing",
    "safety",
)

# Least intensive first.
TIERS: tuple[str, ...] = ("information", "peer", "community", "provider", "professional")

SDS_STEPS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)

CHANNELS: tuple[str, ...] = ("web", "sms", "staff", "rest", "test")
