"""Builds the answer a person gets at the end of the questions: step, tiers, places, summary."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.content import load, need_labels
from bot.council import load_council
from bot.directory import Directory, ServiceOption, UnknownPlaceError
from bot.help_places import person_from_slots, rights_text, step_places, tier_places
from bot.journey import clean_text, normalise_step
from bot.routing import Situation, TierAdvice, route, sds_step_info
from bot.routing.steps import load_steps
from bot.vocab import label

ISF_STEP = 4  # "organise my money": how a budget can be held


@dataclass
class Answer:
    """Responses to send, in order, plus what to remember and log."""

    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)
    service_ids: list[str] = field(default_factory=list)
    unmet: list[tuple[str, str]] = field(default_factory=list)  # (need area, tier)


def situation_from_slots(slots: Mapping[str, Any]) -> Situation:
    """Turns the conversation's slots into the routing engine's input."""
    needs = tuple(area for area in (slots.get("need_areas") or []) if isinstance(area, str))
    network = slots.get("network") if slots.get("network") in ("none", "some", "strong") else "some"
    budget = {"yes": True, "no": False}.get(str(slots.get("has_budget")))
    step = normalise_step(slots.get("sds_step"))
    if budget is None and step is not None and step >= 2:
        budget = True  # from step 2 on there is at least an indicative budget
    text = clean_text(slots.get("what_matters") or "").lower()
    fluctuating = any(words in text for words in load("answer")["fluctuating_words"])
    isolated = network == "none" and bool({"relationships", "community_access"} & set(needs))
    at_risk = bool(slots.get("safeguarding_concern")) or slots.get("risk_check") is True
    role = slots.get("person_role")
    role = role if role in ("self", "carer", "staff") else "self"
    return Situation(
        role=role, need_areas=needs, network=network, isolated=isolated, fluctuating=fluctuating,
        has_budget=budget, sds_step=step,
        prefers_person=bool(slots.get("prefers_person")), at_risk=at_risk,
    )


def contact_text(service: ServiceOption) -> str:
    """'0113 496 0456, hello@x.example' from whatever contact details a service has."""
    parts = [part for part in (service.phone, service.email, service.url) if part]
    return load("answer")["service_contact_separator"].join(parts[:2]) or service.name


def service_message(service: ServiceOption) -> tuple[str, dict[str, Any]]:
    """One place to go, as the utter_service response and its values."""
    wording = load("answer")
    return ("utter_service", {
        "name": service.name, "summary": service.summary, "contact": contact_text(service),
        "cost": service.cost_text,
        "approved": wording["approved"] if service.council_approved else wording["not_approved"],
        "last_checked": f" ({service.last_checked_note})" if service.last_checked_note else "",
    })


def _limits(channel: str | None) -> dict[str, int]:
    limits = load("answer")["limits"]
    return limits.get(channel or "default", limits["default"])


def search_near(directory: Directory, district: Any, **query: Any) -> list[ServiceOption]:
    """Nearest first when we know a district the directory covers; otherwise anywhere."""
    if isinstance(district, str) and district:
        try:
            return directory.search(postcode_district=district, **query)
        except UnknownPlaceError:
            pass  # a district outside the area: show places anywhere rather than nothing
    return directory.search(**query)


STAFF_CHANNEL = "staff"  # the console: the answer speaks about the caller, never to them


def staff_urgency(advice: TierAdvice) -> str:
    """The urgency in call-handler words ('When the caller is ready')."""
    return load("answer")["staff"]["urgency"].get(advice.urgency, advice.urgency_text)


def staff_step_next(step: int) -> str:
    return load("answer")["staff"]["step_next"][step]


def staff_step_name(step: int) -> str:
    """'find out the money (assessment, indicative budget)': the step's staff label, unnumbered."""
    return re.sub(r"^Step \d+:\s*", "", label("steps", step, "staff"))


def tier_message(number: int, advice: TierAdvice, role: str = "self") -> tuple[str, dict[str, Any]]:
    """role "staff" (a staff caller, or any call in the console): the staff reason and urgency."""
    staff = role == "staff"
    reason = advice.reason_staff if staff and advice.reason_staff else advice.reason
    return ("utter_tier", {
        "tier_number": number, "tier_name": advice.label or advice.tier,
        "urgency": staff_urgency(advice) if staff else advice.urgency_text, "reason": reason,
        "strengths": advice.strengths.rstrip("."), "weaknesses": advice.weaknesses.rstrip("."),
    })


def build_answer(slots: Mapping[str, Any], directory: Directory,
                 channel: str | None = None, skip_tiers: Sequence[str] = ()) -> Answer:
    """Everything the person sees after the last question: where they are, help for their step,
    the tiers with places that fit them (least intensive first), their rights, a summary."""
    situation = situation_from_slots(slots)
    person = person_from_slots(slots, situation)
    advice = [item for item in route(situation) if item.tier not in skip_tiers]
    limits = _limits(channel)
    answer = Answer()
    step = load_steps().effective_step(situation.sds_step, situation.has_budget)
    info = sds_step_info(step)
    console = channel == STAFF_CHANNEL
    step_next = staff_step_next(step) if console else info.what_comes_next
    answer.messages.append(("utter_where_you_are", {
        "step_number": step, "step_name": staff_step_name(step) if console else info.name,
        "step_what": info.what_you_do,
        "step_next": step_next}))
    if person.step == ISF_STEP and not skip_tiers:
        wording = load("answer")
        answer.messages.append(("utter_isf_facts", {
            "isf_facts": " ".join(wording[{"twilio": "isf_facts_sms", STAFF_CHANNEL:
                                           "isf_facts_staff"}.get(channel or "", "isf_facts")]
                                  .split())}))
    parts = []
    if not skip_tiers:
        parts.append(step_places(directory, person, limits.get("step_services", 1),
                                 service_message))
    shown = [s.id for part in parts for s in part.services]
    parts.append(tier_places(directory, person, situation, advice, limits, shown,
                             lambda n, item: tier_message(
                                 n, item, "staff" if console else situation.role),
                             service_message))
    for part in parts:
        answer.messages.extend(part.messages)
        answer.tiers.extend(t for t in part.tiers if t not in answer.tiers)
        answer.service_ids.extend(s.id for s in part.services)
        answer.unmet.extend(part.unmet)
    if not answer.service_ids:
        answer.messages.append(("utter_nothing_fits", {}))
    rights = rights_text(slots, situation, channel)
    if rights:
        answer.messages.append(("utter_your_rights", {"rights": rights}))
    answer.messages.append(("utter_summary",
                            summary_values(slots, situation, step_next, answer, console)))
    return answer


def summary_values(slots: Mapping[str, Any], situation: Situation, step_next: str,
                   answer: Answer, console: bool = False) -> dict[str, str]:
    """'What you told me' and 'what to do next', in the person's words where we can (in the
    console: about the caller, in the call handler's words)."""
    wording = load("answer")
    voice = wording["staff"] if console else wording
    told = voice["told"].format(
        who=label("roles", situation.role, "staff" if console else "person"),
        needs=need_labels(list(situation.need_areas)) or wording["no_needs"],
        network=wording["network"][situation.network],
        budget=wording["budget"].get(str(slots.get("has_budget")), wording["budget"]["unsure"]),
    )
    first = _first_service_text(answer)
    if first:
        next_action = voice["next_action"].format(step_next=step_next, first_service=first)
    else:
        next_action = voice["next_action_no_service"].format(
            step_next=step_next, council_phone=load_council().phone)
    return {"told": told[0].upper() + told[1:], "next_action": next_action}


def _first_service_text(answer: Answer) -> str | None:
    for name, values in answer.messages:
        if name == "utter_service":
            return f"{values['name']} ({values['contact']})"
    return None
