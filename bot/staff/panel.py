"""The call's side panel, worked out from the conversation's slots (no Rasa needed).

The same routing engine and directory as the assistant's answer, so the panel and what the
assistant says never disagree; it is recomputed after every turn and every correction. What a
call handler corrects by a click is kept in the conversation's own slots (staff_tiers,
staff_rights, staff_places: data/domain/staff.yml) and wins over what was worked out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot import vocab
from bot.advice import (
    contact_text,
    search_near,
    situation_from_slots,
    staff_step_name,
    staff_urgency,
)
from bot.content import need_label
from bot.directory import Directory, ServiceOption
from bot.routing import route
from bot.routing.steps import load_steps
from bot.staff.wording import council_values, wording
from bot.vocab import NEED_AREAS, TIERS

MAX_TIERS, PLACES_PER_TIER = 3, 3  # as the assistant's answer (data/content/answer.yml)
MAX_ADDED_PLACES = 10  # places a handler can add to one call from the lookup
RIGHTS = ("needs", "carer")  # the needs assessment (s9), the carer's assessment (s10)
# Slots a call handler may correct by a click, and the values each accepts.
CORRECTABLE: dict[str, tuple[Any, ...]] = {
    "network": ("none", "some", "strong"),
    "sds_step": tuple(str(n) for n in range(1, 8)),
    "person_role": ("self", "carer"),
}
# List slots corrected by ticking boxes, and the ids each accepts.
CORRECTABLE_LISTS: dict[str, tuple[str, ...]] = {
    "need_areas": NEED_AREAS, "staff_tiers": TIERS, "staff_rights": RIGHTS}


@dataclass
class Panel:
    who: str | None = None
    role: str | None = None
    needs: list[tuple[str, str]] = field(default_factory=list)  # (id, label)
    step: tuple[int, str] | None = None
    network: str | None = None
    tiers: list[dict[str, str]] = field(default_factory=list)
    tiers_corrected: bool = False
    rights: list[str] = field(default_factory=list)
    right_ids: list[str] = field(default_factory=list)
    rights_corrected: bool = False
    places: list[dict[str, Any]] = field(default_factory=list)
    safeguarding: bool = False
    risk_kinds: list[str] = field(default_factory=list)  # staff labels, not ids
    procedure: list[str] = field(default_factory=list)
    numbers: str = ""
    all_needs: list[tuple[str, str]] = field(default_factory=list)
    all_tiers: list[tuple[str, str]] = field(default_factory=list)

    def tier_ids(self) -> list[str]:
        return [tier["tier"] for tier in self.tiers]


def place(service: ServiceOption, tier_label: str, added: bool = False) -> dict[str, Any]:
    return {"id": service.id, "name": service.name, "contact": contact_text(service),
            "cost": service.cost_text, "tier": tier_label, "summary": service.summary,
            "opening": service.opening_text, "reason": service.reason, "added": added,
            "tier_id": service.tier}


def _ids(value: Any, allowed: tuple[str, ...]) -> list[str] | None:
    """A corrected list slot's ids (known ones, in order), or None when not corrected."""
    if not isinstance(value, list):
        return None
    return [item for item in dict.fromkeys(value) if item in allowed]


def _tiers(panel: Panel, slots: Mapping[str, Any], situation: Any) -> None:
    words = wording()["panel"]
    routed = {advice.tier: advice for advice in route(situation)} if situation.need_areas else {}
    chosen = _ids(slots.get("staff_tiers"), TIERS)
    panel.tiers_corrected = chosen is not None
    if chosen is None:
        chosen = list(routed)[:MAX_TIERS]
    for tier in chosen:
        advice = routed.get(tier)
        panel.tiers.append({
            "tier": tier, "label": vocab.label("tiers", tier, "staff"),
            "urgency": staff_urgency(advice) if advice else words["urgency_handler"],
            "reason": (advice.reason_staff or advice.reason) if advice
            else words["tier_chosen_by_handler"]})


def _rights(panel: Panel, slots: Mapping[str, Any], situation: Any) -> None:
    words = wording()["panel"]
    worked_out = ["needs"]
    if panel.role == "carer" or "carer_support" in situation.need_areas:
        worked_out.append("carer")
    chosen = _ids(slots.get("staff_rights"), RIGHTS)
    panel.rights_corrected = chosen is not None
    panel.right_ids = worked_out if chosen is None else chosen
    panel.rights = [words[f"right_{right}"] for right in panel.right_ids]


def _places(panel: Panel, slots: Mapping[str, Any], situation: Any,
            directory: Directory) -> None:
    shown: list[str] = []
    if situation.need_areas:
        for tier in panel.tiers:
            for service in search_near(directory, slots.get("postcode_district"),
                                       need_areas=situation.need_areas, tier=tier["tier"],
                                       limit=PLACES_PER_TIER, exclude_ids=shown):
                shown.append(service.id)
                panel.places.append(place(service, tier["label"]))
    for service_id in (slots.get("staff_places") or [])[:MAX_ADDED_PLACES]:
        service = directory.get(service_id) if service_id not in shown else None
        if service is not None:
            shown.append(service.id)
            panel.places.append(place(service, vocab.label("tiers", service.tier, "staff"),
                                      added=True))


def build_panel(slots: Mapping[str, Any], directory: Directory) -> Panel:
    words = wording()
    situation = situation_from_slots(slots)
    panel = Panel(all_needs=[(area, need_label(area)) for area in NEED_AREAS],
                  all_tiers=[(tier, vocab.label("tiers", tier, "staff")) for tier in TIERS])
    role = slots.get("person_role")
    panel.role = role if role in ("self", "carer") else None
    panel.who = words["panel"]["who_values"][panel.role] if panel.role else None
    panel.needs = [(area, need_label(area)) for area in situation.need_areas]
    if situation.sds_step is not None or slots.get("has_budget") is not None:
        step = load_steps().effective_step(situation.sds_step, situation.has_budget)
        panel.step = (step, staff_step_name(step))
    panel.network = slots.get("network") if slots.get("network") in ("none", "some",
                                                                         "strong") else None
    _rights(panel, slots, situation)
    _tiers(panel, slots, situation)
    _places(panel, slots, situation, directory)
    kinds = [str(kind) for kind in (slots.get("risk_kinds") or []) if isinstance(kind, str)]
    panel.safeguarding = bool(slots.get("safeguarding_concern")) or bool(kinds) or (
        slots.get("risk_check") is True)
    if panel.safeguarding:
        values = council_values()
        # A social care worker's words for each kind (data/vocabulary.yml risk_kinds, staff);
        # an id the vocabulary does not know is shown as label() shows it.
        panel.risk_kinds = [vocab.label("risk_kinds", kind, "staff") for kind in kinds]
        panel.procedure = [step.format(**values) for step in words["safeguarding"]["steps"]]
        panel.numbers = words["safeguarding"]["numbers"].format(**values)
    return panel


def correction_events(slot: object, value: object) -> dict[str, Any]:
    """{slot: value} for a click-correction, or ValueError if the slot or value is not allowed.
    An empty list of tiers means "back to the suggested ones"."""
    if isinstance(slot, str) and slot in CORRECTABLE_LISTS:
        allowed = CORRECTABLE_LISTS[slot]
        if not isinstance(value, list) or not all(
                isinstance(v, str) and v in allowed for v in value):
            raise ValueError("a list of known ids is needed")
        ids = list(dict.fromkeys(value))
        return {slot: None if slot == "staff_tiers" and not ids else ids}
    if slot not in CORRECTABLE or value not in CORRECTABLE[slot]:
        raise ValueError("that answer cannot be changed here")
    return {slot: value}


def added_places(slots: Mapping[str, Any], service_id: object,
                 directory: Directory) -> dict[str, Any]:
    """{"staff_places": [...]} with service_id added (from the lookup), or ValueError."""
    if not isinstance(service_id, str) or directory.get(service_id) is None:
        raise ValueError("not a place in the directory")
    current = [s for s in (slots.get("staff_places") or []) if isinstance(s, str)]
    if service_id in current:
        return {"staff_places": current}
    if len(current) >= MAX_ADDED_PLACES:
        raise ValueError("too many places added")
    return {"staff_places": [*current, service_id]}
