"""Loads the one council configuration file (data/council.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot import settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = PROJECT_ROOT / "data" / "council.yml"


@dataclass(frozen=True)
class Council:
    """The council-specific facts the assistant tells people."""

    name: str
    short_name: str
    area: str
    website: str
    phone: str
    hours: str
    email: str
    safeguarding_phone: str
    safeguarding_hours: str
    out_of_hours_phone: str
    sms_number: str
    postcode_districts: tuple[str, ...]
    national: dict[str, str]

    def as_slots(self) -> dict[str, str]:
        """The values that domain responses use as {slot} placeholders."""
        return {
            "council_name": self.name,
            "council_phone": self.phone,
            "council_hours": self.hours,
            "council_website": self.website,
            "council_email": self.email,
            "safeguarding_phone": self.safeguarding_phone,
            "safeguarding_hours": self.safeguarding_hours,
            "out_of_hours_phone": self.out_of_hours_phone,
        }


class CouncilConfigError(ValueError):
    """The council file is missing something the assistant needs."""


def _need(data: dict[str, Any], *keys: str) -> str:
    node: Any = data
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            raise CouncilConfigError(f"council file: '{'.'.join(keys)}' is missing")
        node = node[key]
    if node is None or str(node).strip() == "":
        raise CouncilConfigError(f"council file: '{'.'.join(keys)}' is empty")
    return str(node).strip()


def parse_council(data: dict[str, Any]) -> Council:
    """Builds a Council from the parsed YAML, refusing missing or empty fields."""
    national = data.get("national_lines") or {}
    return Council(
        name=_need(data, "council", "name"),
        short_name=_need(data, "council", "short_name"),
        area=_need(data, "council", "area"),
        website=_need(data, "council", "website"),
        phone=_need(data, "council", "contact_centre", "phone"),
        hours=_need(data, "council", "contact_centre", "hours"),
        email=_need(data, "council", "contact_centre", "email"),
        safeguarding_phone=_need(data, "council", "safeguarding_line", "phone"),
        safeguarding_hours=_need(data, "council", "safeguarding_line", "hours"),
        out_of_hours_phone=_need(data, "council", "out_of_hours_phone"),
        sms_number=_need(data, "council", "sms_number"),
        postcode_districts=tuple(data["council"].get("postcode_districts") or ()),
        national={str(k): str(v) for k, v in national.items()},
    )


@lru_cache(maxsize=4)
def load_council(path: str | None = None) -> Council:
    """Loads the council file named by WAYFINDER_COUNCIL_FILE, or data/council.yml."""
    chosen = Path(path or settings.text("WAYFINDER_COUNCIL_FILE") or DEFAULT_PATH)
    with chosen.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return parse_council(data)
