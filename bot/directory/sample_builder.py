"""Builds the sample ORUK directory (data/directory/northmoor_services.json) from sample_source.yml.

Run: python -m bot.directory.sample_builder
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from pathlib import Path
from typing import Any

import yaml

from bot.directory.config import DATA_DIR, load_places
from bot.directory.records import GROUP_TAXONOMY, KIND_TAXONOMY
from bot.vocab import GROUPS, HELP_KINDS, NEED_AREAS, label

SOURCE = DATA_DIR / "sample_source.yml"
TARGET = DATA_DIR / "northmoor_services.json"
NAMESPACE = uuid.UUID("6b1c2f1e-3a52-4c1e-9a55-0d7e1b2f9c10")
TAXONOMY = "northmoor-wayfinder"
AGE_LIMITS = {"older_people": (65, None), "young_adults": (18, 25)}
DEFAULT_ASSURED = "2026-09-15"
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
HOURS_RE = re.compile(
    r"^(?:(MONTHLY|FORTNIGHTLY|DAILY)\s+)?([-0-9A-Z,]*)\s*(\d\d:\d\d)-(\d\d:\d\d)$")


def uid(*parts: str) -> str:
    """A stable uuid for a name, so rebuilding gives the same ids."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _fraction(key: str, salt: str) -> float:
    return int(hashlib.sha256(f"{key}/{salt}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def _days(spec: str) -> str:
    if "-" in spec and not re.search(r"\d", spec):
        start, end = spec.split("-")
        return ",".join(DAYS[DAYS.index(start):DAYS.index(end) + 1])
    return spec


def schedules(key: str, hours: list[str], text: str | None) -> list[dict[str, Any]]:
    out = []
    for index, spec in enumerate(hours):
        match = HOURS_RE.match(spec)
        if not match:
            raise ValueError(f"{key}: cannot read hours {spec!r}")
        kind, days, opens, closes = match.groups()
        item: dict[str, Any] = {"id": uid(key, "schedule", str(index)), "freq": "WEEKLY",
                                "interval": 1, "opens_at": opens, "closes_at": closes}
        if kind == "MONTHLY":
            item.update(freq="MONTHLY", byday=days)
        elif kind == "FORTNIGHTLY":
            item.update(interval=2, byday=days, dtstart="2026-01-02")
        elif kind == "DAILY":
            item["byday"] = ",".join(DAYS)
        else:
            item["byday"] = _days(days)
        if text:
            item["description"] = text
        out.append(item)
    return out


def costs(key: str, cost: Any) -> list[dict[str, Any]]:
    if cost == "free":
        rows: list[list[Any]] = [["", 0, "free"]]
    elif isinstance(cost, list) and cost and not isinstance(cost[0], list):
        rows = [["", *cost]]
    else:
        rows = list(cost or [])
    out = []
    for index, (option, amount, what) in enumerate(rows):
        item = {"id": uid(key, "cost", str(index)), "amount_description": what,
                "valid_from": "2026-04-01"}
        if amount is not None:
            item["amount"] = amount
        if option:
            item["option"] = option
        out.append(item)
    return out


def term(code: str) -> dict[str, Any]:
    name = code.replace("-", " ").capitalize()
    return {"id": uid("term", code), "name": name, "term": code, "taxonomy": TAXONOMY,
            "description": f"Northmoor Wayfinder service type: {name.lower()}"}


def attribute(key: str, code: str) -> dict[str, Any]:
    return {"id": uid(key, "attribute", code), "link_type": "service_type",
            "taxonomy_term_id": uid("term", code), "taxonomy_term": term(code)}


def vocab_attribute(key: str, taxonomy: str, code: str, link_type: str) -> dict[str, Any]:
    """A help kind (service_type) or a group (eligibility) as an ORUK attribute."""
    section = "help_kinds" if taxonomy == KIND_TAXONOMY else "groups"
    term_id = uid("term", taxonomy, code)
    return {"id": uid(key, "attribute", taxonomy, code), "link_type": link_type,
            "taxonomy_term_id": term_id,
            "taxonomy_term": {"id": term_id, "name": label(section, code, "staff"), "term": code,
                              "taxonomy": taxonomy,
                              "description": label(section, code, "commissioners")}}


def eligibility(key: str, groups: list[str]) -> dict[str, Any]:
    """ORUK eligibility: age limits, a description, and one eligibility row per group."""
    low, high = 18, None
    for group in groups:
        group_low, group_high = AGE_LIMITS.get(group, (18, None))
        low = max(low, group_low)
        high = group_high if high is None else min(high, group_high or high)
    words = " and ".join(label("groups", g) for g in groups) if groups else "adults"
    out: dict[str, Any] = {"minimum_age": low,
                           "eligibility_description": f"For {words}.",
                           "eligibilitys": [{"id": uid(key, "eligibility", g), "eligibility": g}
                                            for g in groups]}
    if high is not None:
        out["maximum_age"] = high
    return out


def location(key: str, district: str, name: str) -> dict[str, Any]:
    lat, lon = load_places().centroids[district]
    lat += (_fraction(key, "lat") - 0.5) * 0.012
    lon += (_fraction(key, "lon") - 0.5) * 0.018
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    inward = f"{1 + int(_fraction(key, 'n') * 8)}{letters[int(_fraction(key, 'a') * 20)]}" \
             f"{letters[int(_fraction(key, 'b') * 20)]}"
    street = 1 + int(_fraction(key, "street") * 120)
    return {
        "id": uid(key, "location"), "location_type": "physical", "name": name,
        "latitude": round(lat, 5), "longitude": round(lon, 5),
        "addresses": [{"id": uid(key, "address"), "address_1": f"{street} {name} Road",
                       "city": "Northmoor", "state_province": "West Yorkshire",
                       "postal_code": f"{district} {inward}", "country": "GB",
                       "address_type": "physical"}],
    }


def build_service(index: int, raw: dict[str, Any], orgs: dict[str, Any]) -> dict[str, Any]:
    key = raw["key"]
    org = orgs[raw["org"]]
    for need in raw.get("needs", []):
        if need not in NEED_AREAS:
            raise ValueError(f"{key}: unknown need area {need!r}")
    kinds, groups = list(raw.get("kinds") or []), list(raw.get("groups") or [])
    bad = [k for k in kinds if k not in HELP_KINDS] + [g for g in groups if g not in GROUPS]
    if bad or not kinds:
        raise ValueError(f"{key}: help kinds missing, or unknown kinds/groups {bad}")
    codes = [raw["type"]] + [f"need-{n.replace('_', '-')}" for n in raw.get("needs", [])]
    if raw.get("framework"):
        codes.append("council-framework")
    phone = raw.get("phone") or f"0113 496 0{200 + index:03d}"
    service: dict[str, Any] = {
        "id": uid(key), "organization_id": uid("org", raw["org"]), "name": raw["name"],
        "description": raw["description"], "url": f"https://www.{org['domain']}/{key}",
        "email": f"{key.split('-')[0]}@{org['domain']}", "status": raw.get("status", "active"),
        "assured_date": str(raw.get("assured", DEFAULT_ASSURED)),
        "assurer_email": "directory@northmoor.example",
        "organization": {"id": uid("org", raw["org"]), "name": org["name"],
                         "description": f"{org['name']}, Northmoor.",
                         "website": f"https://www.{org['domain']}"},
        "schedules": schedules(key, raw.get("hours", []), raw.get("hours_text")),
        "cost_options": costs(key, raw.get("cost")),
        "contacts": [{"id": uid(key, "contact"), "name": "Enquiries", "title": "Enquiries",
                      "phones": [{"id": uid(key, "phone"), "number": phone}]}],
        "attributes": [attribute(key, code) for code in codes]
        + [vocab_attribute(key, KIND_TAXONOMY, k, "service_type") for k in kinds]
        + [vocab_attribute(key, GROUP_TAXONOMY, g, "eligibility") for g in groups],
        **eligibility(key, groups),
    }
    attending = "By phone or online" if raw.get("at") in (None, "home") else "In person"
    for item in service["schedules"]:
        item["attending_type"] = attending
    if raw.get("alert"):
        service["alert"] = raw["alert"]
    if raw.get("at") and raw["at"] != "home":
        sal = {"id": uid(key, "sal"), "location": location(key, raw["at"], raw["name"].split()[0])}
        service["service_at_locations"] = [sal]
    areas = raw.get("areas") or list(load_places().centroids)
    service["service_areas"] = [{"id": uid(key, "area"), "name": "Postcode districts",
                                 "service_area": ", ".join(areas), "extent": ",".join(areas),
                                 "extent_type": "postcode_districts"}]
    return service


def build(source: Path = SOURCE) -> dict[str, Any]:
    """The whole directory as one paged ORUK /services response."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    orgs = data["organisations"]
    services = [build_service(i, raw, orgs) for i, raw in enumerate(data["services"])]
    keys = [s["id"] for s in services]
    if len(set(keys)) != len(keys):
        raise ValueError("two services share a key")
    return {"total_items": len(services), "total_pages": 1, "page_number": 1,
            "size": len(services), "first_page": True, "last_page": True, "empty": False,
            "contents": services}


def main() -> None:
    document = build()
    TARGET.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {document['total_items']} services to {TARGET}")


if __name__ == "__main__":
    main()
