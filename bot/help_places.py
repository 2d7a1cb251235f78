"""The places in an answer: help for the person's step, then each tier's best fitting places,
honest "nothing fits", unmet needs worth recording, and the rights line (never cut by the cap)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.content import load
from bot.directory import Directory, ServiceOption
from bot.directory.fit import Person, fitting, kinds_in_tier
from bot.journey import normalise_step
from bot.person_facts import groups_from_slots
from bot.routing import Situation, TierAdvice
from bot.vocab import NEED_AREAS, label, need_help_kinds, step_function, step_help_kinds

# Need areas that are care needs (Care Act outcomes and safety): someone with one of these and
# no assessment yet is told about the free needs assessment.
NOT_CARE_NEEDS = ("money_and_budget", "carer_support")


@dataclass
class Places:
    """What the tiers and the step turned into: messages, tiers shown, places and unmet needs."""

    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)
    services: list[ServiceOption] = field(default_factory=list)
    unmet: list[tuple[str, str]] = field(default_factory=list)  # (need area, tier)


def known_step(slots: Mapping[str, Any]) -> int | None:
    """The step the person told us or chose (step 1 is set for them when there is no budget)."""
    return normalise_step(slots.get("sds_step"))


def person_from_slots(slots: Mapping[str, Any], situation: Situation) -> Person:
    """The matching profile: needs, groups (conditions, age band, carer), role, step, district."""
    district = slots.get("postcode_district")
    return Person(need_areas=tuple(a for a in situation.need_areas if a in NEED_AREAS),
                  groups=frozenset(groups_from_slots(slots)), role=situation.role,
                  step=known_step(slots),
                  district=district if isinstance(district, str) else None)


def _extra_kinds(situation: Situation, tier: str) -> list[str]:
    """Help the routing engine's reasons call for in a tier, beyond the needs and the step:
    general information for everyone; a social worker (and the safeguarding team when someone
    is at risk) when the engine calls for professional help."""
    if tier == "information":
        return ["information_advice"]
    if tier != "professional":
        return []
    if situation.at_risk:
        return ["safeguarding_team", "social_worker"]
    return ["social_worker"]


def _find(directory: Directory, person: Person, tier: str | None, limit: int,
          kinds: Sequence[str] | None, exclude: Sequence[str],
          extra: Sequence[str] = ()) -> list[ServiceOption]:
    return fitting(directory, person, tier=tier, limit=limit, kinds=kinds, exclude_ids=exclude,
                   extra_kinds=extra)


def step_places(directory: Directory, person: Person, limit: int,
                service_message: Any) -> Places:
    """One or two places for the brokerage function of the step the person is at."""
    out = Places()
    if person.step is None or limit < 1:
        return out
    found = _find(directory, person, None, limit, step_help_kinds(person.step), [])
    if found:
        out.messages.append(("utter_step_help", {
            "step_number": person.step,
            "step_function": label("brokerage_functions", step_function(person.step))}))
        for service in found:
            out.services.append(service)
            out.messages.append(service_message(service))
    return out


def tier_places(directory: Directory, person: Person, situation: Situation,
                advice: Sequence[TierAdvice], limits: Mapping[str, int], shown: Sequence[str],
                tier_message: Any, service_message: Any) -> Places:
    """Up to limits['tiers'] tiers that have help for this person's needs, best places first.
    A tier with no kind of help for these needs is passed over (not a gap); a tier that has such
    help in general but nothing here for this person is said honestly, recorded as unmet, and
    does not count towards the limit."""
    out = Places()
    exclude = list(shown)
    with_places = 0
    for item in advice:
        if with_places >= limits["tiers"]:
            break
        base = Person(person.need_areas, person.groups, person.role, None, person.district)
        extra = _extra_kinds(situation, item.tier)
        relevant = kinds_in_tier(base, item.tier) + extra
        if not relevant:
            continue
        probe = Person(person.need_areas, person.groups, person.role, person.step,
                       person.district)
        found = _find(directory, probe, item.tier, limits["services_per_tier"],
                      relevant, exclude, extra)
        if not found and not person.need_areas:
            continue
        out.tiers.append(item.tier)
        out.messages.append(tier_message(len(out.tiers), item))
        with_places += bool(found)
        for service in found:
            exclude.append(service.id)
            out.services.append(service)
            out.messages.append(service_message(service))
        if not found:
            gaps = [a for a in person.need_areas
                    if any(k in relevant for k in need_help_kinds(a))]
            area = gaps[0] if gaps else person.need_areas[0]
            out.messages.append(("utter_no_service", {
                "need_label": label("need_areas", area),
                "tier_name": item.label or item.tier}))
            out.unmet.extend((a, item.tier) for a in gaps)
    return out


def rights_text(slots: Mapping[str, Any], situation: Situation, channel: str | None) -> str:
    """'Your rights' sentences: the free needs assessment (s9) for anyone with care needs and
    no assessment yet; the carer's assessment (s10) for every carer."""
    words = load("answer")["rights"]
    style = {"twilio": "sms", "staff": "staff"}.get(channel or "", "web")
    parts = []
    care_needs = [a for a in situation.need_areas if a not in NOT_CARE_NEEDS]
    assessed = slots.get("has_budget") == "yes" or (known_step(slots) or 1) >= 2
    if not assessed and (care_needs or situation.role in ("carer", "staff")):
        key = {"carer": "needs_assessment_cared_for", "staff": "needs_assessment_caller"}.get(
            situation.role, "needs_assessment")
        parts.append(words[style][key])
    if situation.role == "carer" or "carers" in groups_from_slots(slots):
        parts.append(words[style]["carers_assessment"])
    return " ".join(parts)
