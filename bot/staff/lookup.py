"""Direct directory lookup for call handlers: need area, kind of help, district, free, open now."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot import vocab
from bot.directory import Directory, UnknownPlaceError
from bot.directory.hours import LOCAL_TZ
from bot.staff.panel import place
from bot.vocab import NEED_AREAS, TIERS

LIMIT = 10


@dataclass
class LookupResult:
    query: dict[str, Any] = field(default_factory=dict)
    places: list[dict[str, Any]] = field(default_factory=list)
    bad_district: bool = False
    searched: bool = False


def lookup(args: Mapping[str, str], directory: Directory) -> LookupResult:
    need = args.get("need") or None
    tier = args.get("tier") or None
    district = (args.get("district") or "").strip().upper()[:4] or None
    free, open_now = args.get("free") == "1", args.get("open") == "1"
    result = LookupResult(query={"need": need, "tier": tier, "district": district or "",
                                 "free": free, "open": open_now})
    if need is not None and need not in NEED_AREAS:
        need = None
    if tier is not None and tier not in TIERS:
        tier = None
    result.searched = any((need, tier, district, free, open_now))
    if not result.searched:
        return result
    query: dict[str, Any] = {"need_areas": need, "tier": tier, "free_only": free,
                             "open_now": datetime.now(LOCAL_TZ) if open_now else None,
                             "limit": LIMIT}
    try:
        found = directory.search(postcode_district=district, **query)
    except UnknownPlaceError:
        result.bad_district = True
        found = directory.search(**query)
    result.places = [place(s, vocab.label("tiers", s.tier, "staff")) for s in found]
    return result
