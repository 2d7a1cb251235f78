"""The call's side panel, worked out from the conversation's slots (no Rasa needed).

The same routing engine and directory as the assistant's answer, so the panel and what the
assistant says never disagree; it is recomputed after every turn and every correction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.advice import contact_text, search_near, situation_from_slots
from bot.content import need_label
from bot.directory import Directory, ServiceOption
from bot.routing import route, sds_step_info
from bot.routing.steps import load_steps
from bot.staff.wording import council_values, wording
from bot.vocab import NEED_AREAS

MAX_TIERS, PLACES_PER_TIER = 3, 3  # as the assistant's answer (data/content/answer.yml)
# Slots a call handler may correct by a click, and the values each accepts.
CORRECTABLE: dict[str, tuple[Any, ...]] = {
    "network": ("none", "some", "strong"),
    "sds_step": tuple(str(n) for n in range(1, 8)),
    "person_role": ("self", "carer"),
}


@dataclass
class Panel:
    who: str | None = None
    role: str | None = None
    needs: list[tuple[str, str]] = field(default_factory=list)  # (id, label)
    step: tuple[int, str] | None = None
    network: str | None = None
    tiers: list[dict[str, str]] = field(default_factory=list)
    rights: list[str] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    safeguarding: bool = False
    risk_kinds: list[str] = field(default_factory=list)
    procedure: list[str] = field(default_factory=list)
    numbers: str = ""
    all_needs: list[tuple[str, str]] = field(default_factory=list)


def place(service: ServiceOption, tier_label: str) -> dict[str, Any]:
    return {"id": service.id, "name": service.name, "contact": contact_text(service),
            "cost": service.cost_text, "tier": tier_label, "summary": service.summary,
            "opening": service.opening_text, "reason": service.reason}


def build_panel(slots: Mapping[str, Any], directory: Directory) -> Panel:
    words = wording()
    situation = situation_from_slots(slots)
    panel = Panel(all_needs=[(area, need_label(area)) for area in NEED_AREAS])
    role = slots.get("person_role")
    panel.role = role if role in ("self", "carer") else None
    panel.who = words["panel"]["who_values"][panel.role] if panel.role else None
    panel.needs = [(area, need_label(area)) for area in situation.need_areas]
    if situation.sds_step is not None or slots.get("has_budget") is not None:
        step = load_steps().effective_step(situation.sds_step, situation.has_budget)
        panel.step = (step, sds_step_info(step).name)
    panel.network = slots.get("network") if slots.get("network") in ("none", "some",
                                                                         "strong") else None
    panel.rights = [words["panel"]["right_needs"]]
    if role == "carer" or "carer_support" in situation.need_areas:
        panel.rights.append(words["panel"]["right_carer"])
    if situation.need_areas:
        shown: list[str] = []
        for advice in route(situation)[:MAX_TIERS]:
            label = advice.label or advice.tier
            panel.tiers.append({"tier": advice.tier, "label": label,
                                "urgency": advice.urgency_text, "reason": advice.reason})
            for service in search_near(directory, slots.get("postcode_district"),
                                       need_areas=situation.need_areas, tier=advice.tier,
                                       limit=PLACES_PER_TIER, exclude_ids=shown):
                shown.append(service.id)
                panel.places.append(place(service, label))
    kinds = [str(kind) for kind in (slots.get("risk_kinds") or []) if isinstance(kind, str)]
    panel.safeguarding = bool(slots.get("safeguarding_concern")) or bool(kinds) or (
        slots.get("risk_check") is True)
    if panel.safeguarding:
        values = council_values()
        panel.risk_kinds = [kind.replace("_", " ") for kind in kinds]
        panel.procedure = [step.format(**values) for step in words["safeguarding"]["steps"]]
        panel.numbers = words["safeguarding"]["numbers"].format(**values)
    return panel


def correction_events(slot: object, value: object) -> dict[str, Any]:
    """{slot: value} for a click-correction, or ValueError if the slot or value is not allowed."""
    if slot == "need_areas":
        if not isinstance(value, list) or not all(v in NEED_AREAS for v in value):
            raise ValueError("need areas must be a list of known need-area ids")
        return {"need_areas": list(dict.fromkeys(value))}
    if slot not in CORRECTABLE or value not in CORRECTABLE[slot]:
        raise ValueError("that answer cannot be changed here")
    return {slot: value}
