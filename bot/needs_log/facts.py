"""Needs-log facts: what an action learned, carried in Rasa's own event stream.

Actions never write to the database while a person waits. They return the facts as the value of
the `needs_record` slot (a SlotSet event, which Rasa stores in the tracker and publishes to the
event broker); the needs-log consumer (bot.needs_log.consumer) applies them later. A fact is a
small dict of ids only, never free text:

  {"fact": "contact", "channel": "web", "role": "carer", "district": "NM3"}
  {"fact": "needs", "areas": ["meals"]}
  {"fact": "step", "step": 1}
  {"fact": "recommendation", "tiers": [...], "services": [...], "key": "recommend:<msg id>"}
  {"fact": "unmet", "area": "meals", "tier": "community", "reason": "no_service", "key": "..."}
  {"fact": "outcome", "outcome": "recommendation_given"}
  {"fact": "safeguarding", "kinds": ["neglect"], "key": "safeguarding:<msg id>"}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from bot.needs_log import validate as v
from bot.needs_log.repository import NeedsRepository

SLOT = "needs_record"  # the slot in domain.yml that carries facts (influence_conversation: false)
Fact = dict[str, Any]


def contact(channel: str, role: str | None = None, district: str | None = None) -> Fact:
    return {"fact": "contact", "channel": channel, "role": role, "district": district}


def needs(areas: Iterable[str]) -> Fact:
    return {"fact": "needs", "areas": list(areas)}


def step(number: int) -> Fact:
    return {"fact": "step", "step": number}


def recommendation(tiers: Iterable[str], services: Iterable[str], key: str) -> Fact:
    return {"fact": "recommendation", "tiers": list(tiers), "services": list(services),
            "key": key}


def unmet(area: str, tier: str | None, reason: str, key: str) -> Fact:
    return {"fact": "unmet", "area": area, "tier": tier, "reason": reason, "key": key}


def outcome(value: str) -> Fact:
    return {"fact": "outcome", "outcome": value}


def safeguarding(kinds: Iterable[str], key: str) -> Fact:
    return {"fact": "safeguarding", "kinds": list(kinds), "key": key}


# -- applying facts (the consumer's side) ------------------------------------------------------
def _contact(repo: NeedsRepository, cid: str, fact: Mapping[str, Any], at: datetime) -> None:
    role = fact.get("role")
    repo.touch_contact(cid, at, v.channel(fact.get("channel")),
                       v.role(role) if role else None, v.postcode_district(fact.get("district")))


def _needs(repo: NeedsRepository, cid: str, fact: Mapping[str, Any], at: datetime) -> None:
    repo.touch_contact(cid, at)
    repo.add_needs(cid, v.ids(fact.get("areas") or [], v.need_area), at)


def _step(repo: NeedsRepository, cid: str, fact: Mapping[str, Any], at: datetime) -> None:
    repo.touch_contact(cid, at)
    repo.raise_step(cid, v.sds_step(fact.get("step")))


def _recommendation(repo: NeedsRepository, cid: str, fact: Mapping[str, Any],
                    at: datetime) -> None:
    tiers = v.ids(fact.get("tiers") or [], v.tier)
    services = v.ids(fact.get("services") or [], v.service_id)
    if not tiers and not services:
        raise ValueError("a recommendation needs at least one tier or service")
    repo.touch_contact(cid, at)
    repo.add_recommendation(cid, v.event_key(fact.get("key")), tiers, services, at)


def _unmet(repo: NeedsRepository, cid: str, fact: Mapping[str, Any], at: datetime) -> None:
    tier = fact.get("tier")
    repo.touch_contact(cid, at)
    repo.add_unmet_need(cid, v.event_key(fact.get("key")), v.need_area(fact.get("area")),
                        None if tier is None else v.tier(tier), v.unmet_reason(fact.get("reason")),
                        at)


def _outcome(repo: NeedsRepository, cid: str, fact: Mapping[str, Any], at: datetime) -> None:
    repo.touch_contact(cid, at)
    repo.add_outcome(cid, v.outcome(fact.get("outcome")), at)


def _safeguarding(repo: NeedsRepository, cid: str, fact: Mapping[str, Any],
                  at: datetime) -> None:
    from bot.needs_log.facade import _known_kinds  # one rule: unknown kinds -> unspecified_risk

    kinds = (v.ids(_known_kinds(fact.get("kinds") or []), v.safeguarding_kind)
             or [v.UNKNOWN_SAFEGUARDING_KIND])
    repo.touch_contact(cid, at)
    repo.add_safeguarding(cid, v.event_key(fact.get("key")), kinds, at)
    repo.add_outcome(cid, "safeguarding", at)
    repo.flag_staff_attention(cid)


APPLY: dict[str, Callable[[NeedsRepository, str, Mapping[str, Any], datetime], None]] = {
    "contact": _contact, "needs": _needs, "step": _step, "recommendation": _recommendation,
    "unmet": _unmet, "outcome": _outcome, "safeguarding": _safeguarding,
}


def apply_fact(repo: NeedsRepository, contact_id: str, fact: Any, at: datetime) -> None:
    """Applies one fact inside the caller's transaction; ValueError if it is not a valid fact."""
    if not isinstance(fact, Mapping) or fact.get("fact") not in APPLY:
        raise ValueError("not a needs-log fact")
    APPLY[fact["fact"]](repo, contact_id, fact, at)
