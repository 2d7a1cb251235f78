"""Turns one Open Referral UK service record into a Listing the search can use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.directory.config import DISTRICT_RE
from bot.directory.geo import valid_point
from bot.directory.hours import Schedule, parse_schedule
from bot.vocab import GROUPS, HELP_KINDS

KIND_TAXONOMY = "wayfinder-help-kind"
GROUP_TAXONOMY = "wayfinder-group"

SUMMARY_CHARS = 160
DISTRICT_TOKEN = re.compile(r"\b([A-Z]{1,2}[0-9][0-9A-Z]?)\b")


@dataclass(frozen=True)
class Place:
    point: tuple[float, float] | None
    address: str | None
    district: str | None


@dataclass(frozen=True)
class Listing:
    """The parts of a service record that search needs, already cleaned."""

    id: str
    name: str
    summary: str
    status: str
    url: str | None
    email: str | None
    phone: str | None
    organisation: str | None
    costs: tuple[tuple[str | None, float | None, str | None], ...]
    fees: str | None
    assured_date: date | None
    alert: str | None
    schedules: tuple[Schedule, ...]
    places: tuple[Place, ...]
    areas: tuple[str, ...]
    terms: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    minimum_age: float | None = None
    maximum_age: float | None = None


def _text(value: Any, limit: int = 2000) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = " ".join(value.split())[:limit]
    return cleaned or None


def summarise(description: str | None) -> str:
    """The first sentence, cut at a word near SUMMARY_CHARS."""
    if not description:
        return ""
    first = re.split(r"(?<=[.!?])\s", description, maxsplit=1)[0]
    if len(first) <= SUMMARY_CHARS:
        return first
    cut = first[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _phones(record: dict[str, Any]) -> list[str]:
    found = [p.get("number") for p in _dicts(record.get("phones"))]
    for contact in _dicts(record.get("contacts")):
        found += [p.get("number") for p in _dicts(contact.get("phones"))]
    for sal in _dicts(record.get("service_at_locations")):
        location = sal.get("location") if isinstance(sal.get("location"), dict) else {}
        found += [p.get("number") for p in _dicts(location.get("phones"))]
    return [n for n in (_text(x, 40) for x in found) if n]


def _places(record: dict[str, Any]) -> tuple[Place, ...]:
    places = []
    for sal in _dicts(record.get("service_at_locations")):
        location = sal.get("location")
        if not isinstance(location, dict):
            continue
        address, district = None, None
        for addr in _dicts(location.get("addresses")):
            postcode = _text(addr.get("postal_code"), 12)
            lines = [_text(addr.get(k), 120) for k in ("address_1", "city")]
            address = ", ".join(x for x in [*lines, postcode] if x) or None
            match = DISTRICT_RE.match(postcode.upper()) if postcode else None
            district = match.group(1) if match else None
            break
        point = valid_point(location.get("latitude"), location.get("longitude"))
        if location.get("location_type") == "virtual" and point is None:
            continue
        places.append(Place(point, address, district))
    return tuple(places)


def _areas(record: dict[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for area in _dicts(record.get("service_areas")):
        for key in ("extent", "name", "service_area"):
            value = area.get(key)
            if isinstance(value, str):
                found += [t for t in DISTRICT_TOKEN.findall(value.upper()[:2000]) if t not in found]
    return tuple(found)


def _terms(record: dict[str, Any]) -> tuple[str, ...]:
    codes: list[str] = []
    for attribute in _dicts(record.get("attributes")):
        term = attribute.get("taxonomy_term")
        if not isinstance(term, dict):
            term = {"id": attribute.get("taxonomy_term_id")}
        for key in ("term", "name", "id"):
            value = _text(term.get(key), 200)
            if value:
                codes.append(value)
    for row in _dicts(record.get("eligibilitys")):  # who it is for, in a council's own words
        value = _text(row.get("eligibility"), 200)
        if value:
            codes.append(value)
    return tuple(codes)


def _vocab_terms(record: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Help kinds (service types) and groups (eligibility) named with the vocabulary's ids:
    attributes in the help-kind or group taxonomy, and ORUK eligibility rows."""
    kinds: list[str] = []
    groups: list[str] = []
    for attribute in _dicts(record.get("attributes")):
        term = attribute.get("taxonomy_term")
        if not isinstance(term, dict):
            continue
        code = _text(term.get("term"), 80)
        taxonomy = _text(term.get("taxonomy"), 80)
        if code in HELP_KINDS and taxonomy == KIND_TAXONOMY and code not in kinds:
            kinds.append(code)
        elif code in GROUPS and (taxonomy == GROUP_TAXONOMY
                                 or attribute.get("link_type") == "eligibility"):
            groups.append(code)
    for row in _dicts(record.get("eligibilitys")):
        code = _text(row.get("eligibility"), 80)
        if code in GROUPS:
            groups.append(code)
    return tuple(kinds), tuple(dict.fromkeys(groups))


def _age(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if 0 <= value <= 130 else None


def _assured(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _amount(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if 0 <= value < 1_000_000 else None


def parse_listing(record: dict[str, Any]) -> Listing:
    """A Listing from a schema-valid service record (odd values are dropped, not trusted)."""
    org = record.get("organization")
    phones = _phones(record)
    costs = tuple(
        (_text(c.get("option"), 200), _amount(c.get("amount")),
         _text(c.get("amount_description"), 200))
        for c in _dicts(record.get("cost_options"))
        if c.get("amount") is None or _amount(c.get("amount")) is not None
    )
    kinds, groups = _vocab_terms(record)
    schedules = tuple(s for s in (parse_schedule(r) for r in _dicts(record.get("schedules"))) if s)
    return Listing(
        id=str(record["id"]),
        name=_text(record.get("name"), 200) or "",
        summary=summarise(_text(record.get("description"))),
        status=str(record.get("status") or ""),
        url=_text(record.get("url"), 500),
        email=_text(record.get("email"), 200),
        phone=phones[0] if phones else None,
        organisation=_text(org.get("name"), 200) if isinstance(org, dict) else None,
        costs=costs,
        fees=_text(record.get("fees"), 300),
        assured_date=_assured(record.get("assured_date")),
        alert=_text(record.get("alert"), 500),
        schedules=schedules,
        places=_places(record),
        areas=_areas(record),
        terms=_terms(record),
        kinds=kinds,
        groups=groups,
        minimum_age=_age(record.get("minimum_age")),
        maximum_age=_age(record.get("maximum_age")),
    )
