"""The local services directory: load, search, rank and explain; describe unmet needs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot import settings
from bot.directory import loader
from bot.directory.config import (
    DATA_DIR,
    Places,
    TaxonomyMap,
    load_places,
    load_taxonomy_map,
    load_wording,
)
from bot.directory.errors import DirectoryError
from bot.directory.geo import distance_km
from bot.directory.hours import LOCAL_TZ, describe, open_status
from bot.directory.model import ServiceOption, UnmetNeed
from bot.directory.records import Listing, parse_listing
from bot.directory.schema import service_problems
from bot.vocab import NEED_AREAS, TIERS, help_kind_tier, label
from bot.vocab import labels as vocab_labels

DEFAULT_SAMPLE = DATA_DIR / "northmoor_services.json"
STALE_AFTER = timedelta(days=365)
MAX_LIMIT = 20
Ranked = tuple[tuple[Any, ...], ServiceOption]
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@dataclass(frozen=True)
class Entry:
    listing: Listing
    tier: str | None
    need_areas: tuple[str, ...]
    council_approved: bool


def _needs_arg(need_areas: str | Iterable[str] | None) -> tuple[str, ...]:
    if need_areas is None:
        return ()
    items = (need_areas,) if isinstance(need_areas, str) else tuple(need_areas)
    for need in items:
        if need not in NEED_AREAS:
            raise DirectoryError(f"{str(need)[:40]!r} is not a known need area")
    return tuple(dict.fromkeys(items))


def _tier_arg(tier: str | None) -> str | None:
    if tier is not None and tier not in TIERS:
        raise DirectoryError(f"{str(tier)[:40]!r} is not a known tier")
    return tier


class Directory:
    """A searchable set of services, each mapped to a tier and need areas."""

    def __init__(self, records: list[Any], *, taxonomy: TaxonomyMap | None = None,
                 places: Places | None = None, strict: bool = False, check_formats: bool = True,
                 source: str = "", load_note: str = "") -> None:
        self.taxonomy = taxonomy or load_taxonomy_map()
        self.places = places or load_places()
        self.words = load_wording()
        self.source, self.load_note = source, load_note
        self.problems: list[str] = []
        self.entries: list[Entry] = []
        seen: set[str] = set()
        for index, record in enumerate(records):
            label = record.get("id") if isinstance(record, dict) else None
            label = f"service {str(label)[:60]}" if label else f"service number {index + 1}"
            found = service_problems(record, check_formats)
            if not found and record["id"] in seen:
                found = ["id: the same id is used twice"]
            if found:
                message = f"{label}: {'; '.join(found)}"
                if strict:
                    raise DirectoryError(message)
                self.problems.append(message)
                continue
            seen.add(record["id"])
            listing = parse_listing(record)
            council_terms = not listing.kinds  # a council's own taxonomy, not our help kinds
            if council_terms:
                listing = replace(listing, kinds=self.taxonomy.help_kinds(listing.terms),
                                  groups=listing.groups or self.taxonomy.groups(listing.terms))
            tier, needs, approved = self.taxonomy.classify(list(listing.terms), council_terms)
            if listing.kinds:  # a help kind from the vocabulary decides the tier
                tier = help_kind_tier(listing.kinds[0])
            self.entries.append(Entry(listing, tier, needs, approved))
        if not self.entries:
            detail = f" First problem: {self.problems[0]}" if self.problems else ""
            raise DirectoryError(f"the directory has no usable services.{detail}")

    @classmethod
    def load(cls, source: str | Path, *, cache_dir: str | Path | None = None,
             max_age: timedelta = timedelta(hours=24), strict: bool = False,
             check_formats: bool = True, fetch: loader.Fetch = loader.http_fetch,
             taxonomy_path: str | None = None) -> Directory:
        """From an ORUK JSON file path, or an ORUK API base URL (cached in cache_dir)."""
        text = str(source)
        note = "file"
        if text.startswith(("http://", "https://")):
            records, note = loader.load_api(text, Path(cache_dir) if cache_dir else None,
                                            max_age, fetch)
        else:
            records = loader.read_file(Path(text))
        taxonomy = load_taxonomy_map(taxonomy_path) if taxonomy_path else None
        return cls(records, taxonomy=taxonomy, strict=strict, check_formats=check_formats,
                   source=text, load_note=note)

    @classmethod
    def default(cls) -> Directory:
        """The sample Northmoor directory shipped in data/directory (shared, loaded once)."""
        return default()

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, need_areas: str | Iterable[str] | None = None, tier: str | None = None,
               postcode_district: str | None = None, open_now: datetime | None = None,
               free_only: bool = False, limit: int = 3, today: date | None = None,
               exclude_ids: Iterable[str] = ()) -> list[ServiceOption]:
        """Up to `limit` active services that fit, best first, each with a reason."""
        needs, tier = _needs_arg(need_areas), _tier_arg(tier)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise DirectoryError("limit must be a whole number of 1 or more")
        if open_now is not None and not isinstance(open_now, datetime):
            raise DirectoryError("open_now must be a date and time, or None")
        district = self.places.district(postcode_district) if postcode_district else None
        moment = open_now or datetime.now(LOCAL_TZ)
        skip = set(exclude_ids)
        ranked = []
        for entry in self.entries:
            option = self._consider(entry, needs, tier, district, open_now, free_only, moment,
                                    today or date.today(), skip)
            if option is not None:
                ranked.append(option)
        ranked.sort(key=lambda item: item[0])
        return [option for _, option in ranked[:min(limit, MAX_LIMIT)]]

    def get(self, service_id: object, today: date | None = None) -> ServiceOption | None:
        """One active service by its id (a place a call handler picked), else None."""
        for entry in self.entries:
            item = entry.listing
            if item.id == service_id and item.status == "active" and entry.tier is not None:
                found = self._consider(entry, (), None, None, None, False, datetime.now(LOCAL_TZ),
                                       today or date.today(), set())
                return found[1] if found else None
        return None

    def _consider(self, entry: Entry, needs: tuple[str, ...], tier: str | None,
                  district: str | None, open_now: datetime | None, free_only: bool,
                  moment: datetime, today: date, skip: set[str]) -> Ranked | None:
        item = entry.listing
        if item.status != "active" or entry.tier is None or item.id in skip:
            return None
        if tier and entry.tier != tier:
            return None
        overlap = [n for n in needs if n in entry.need_areas]
        if needs and not overlap:
            return None
        areas = [a for a in item.areas if a in self.places.centroids]
        if district and areas and district not in areas:
            return None
        is_free = self._is_free(item)
        if free_only and not is_free:
            return None
        status = open_status(item.schedules, moment)
        if open_now is not None and status is not True:
            return None
        distance = self._distance(item, district)
        stale = item.assured_date is not None and today - item.assured_date > STALE_AFTER
        option = self._option(entry, overlap, district, distance, status, is_free, stale)
        general = len(entry.need_areas) == len(NEED_AREAS)
        key = (-len(overlap), general, distance if distance is not None else 0.0, stale,
               item.name.lower())
        return key, option

    def _distance(self, item: Listing, district: str | None) -> float | None:
        if district is None:
            return None
        centre = self.places.centroids[district]
        points = [p.point for p in item.places if p.point]
        return round(min(distance_km(centre, p) for p in points), 1) if points else None

    @staticmethod
    def _is_free(item: Listing) -> bool:
        amounts = [amount for _, amount, _ in item.costs]
        if amounts:
            return all(a == 0 for a in amounts)
        return bool(item.fees and item.fees.lower().startswith("free"))

    def _cost_text(self, item: Listing, is_free: bool) -> str:
        words = self.words["cost"]
        if is_free:
            return words["free"]
        parts = []
        for option, amount, what in item.costs:
            if amount is None and not what:
                continue
            if amount is None:
                text = str(what)
            else:
                money = f"{amount:.2f}".removesuffix(".00")
                text = words["amount"].format(amount=money, what=what or "").strip()
            parts.append(f"{option}: {text}" if option else text)
        return "; ".join(parts) or item.fees or words["ask"]

    def _option(self, entry: Entry, overlap: list[str], district: str | None,
                distance: float | None, status: bool | None, is_free: bool,
                stale: bool) -> ServiceOption:
        item, words = entry.listing, self.words
        labels = vocab_labels("need_areas")
        reasons = []
        if overlap:
            reasons.append(words["reason"]["helps_with"].format(
                needs=_join([labels[n] for n in overlap])))
        if district and distance is not None:
            reasons.append(words["reason"]["distance"].format(km=distance, district=district))
        elif district:
            reasons.append(words["reason"]["at_home"])
        if status:
            reasons.append(words["reason"]["open_now"])
        if is_free:
            reasons.append(words["reason"]["free"])
        if entry.council_approved:
            reasons.append(words["reason"]["council_approved"])
        note = None
        if stale and item.assured_date:
            when = item.assured_date
            note = words["last_checked"].format(month=MONTHS[when.month - 1], year=when.year)
        address = next((p.address for p in item.places if p.address), None)
        return ServiceOption(
            id=item.id, name=item.name, summary=item.summary, phone=item.phone, email=item.email,
            url=item.url, cost_text=self._cost_text(item, is_free), is_free=is_free,
            council_approved=entry.council_approved, tier=entry.tier or "",
            need_areas=entry.need_areas, distance_km=distance, open_now=status,
            opening_text=describe(item.schedules, words["opening"]), last_checked_note=note,
            reason=" ".join(reasons), address=address, alert=item.alert,
            organisation=item.organisation, kinds=item.kinds, groups=item.groups,
        )

    def describe_unmet(self, need_areas: str | Iterable[str] | None, tier: str | None,
                       postcode_district: str | None = None) -> UnmetNeed:
        """What to tell the person, and to record, when a search found nothing."""
        needs, tier = _needs_arg(need_areas), _tier_arg(tier)
        district = None
        if postcode_district:
            try:
                district = self.places.district(postcode_district)
            except DirectoryError:
                district = None
        words = self.words["unmet"]
        tier_text = words["tier"].format(tier=label("tiers", tier).lower()) if tier else ""
        need_text = _join([label("need_areas", n) for n in needs]) or words["any_need"]
        template = words["with_place"] if district else words["without_place"]
        text = template.format(tier=tier_text, needs=need_text, district=district)
        return UnmetNeed(needs, tier, district, text)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@lru_cache(maxsize=1)
def default() -> Directory:
    """The council's directory, loaded once: WAYFINDER_DIRECTORY (an ORUK file path or API base
    URL) if set, else the Northmoor sample (data/directory/northmoor_services.json)."""
    chosen = settings.text("WAYFINDER_DIRECTORY")
    if chosen:
        return Directory.load(chosen, cache_dir=settings.text("WAYFINDER_DIRECTORY_CACHE") or None)
    return Directory.load(DEFAULT_SAMPLE, strict=True)
