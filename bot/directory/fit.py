"""Which services fit this person: eligibility (who a service is for) and ranking by fit.

A service with groups is only for people in them: "carers" means the person asking must be an
unpaid carer; any other groups mean the person (or the person cared for) is in at least one of
them. Ranking: the help kinds the person's needs, step and role call for, then being meant for the
person's own group, being about what they asked (not mainly something else), distance, cost and
being open now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.directory.errors import DirectoryError, UnknownPlaceError
from bot.directory.hours import LOCAL_TZ, open_status
from bot.directory.model import ServiceOption
from bot.vocab import (
    GROUPS,
    NEED_AREAS,
    TIERS,
    group_only,
    help_kind_tier,
    need_help_kinds,
    role_help_kinds,
    step_help_kinds,
)

CARERS = "carers"
AGE_AND_ROLE_GROUPS = frozenset({CARERS, "older_people", "young_adults"})
STALE_AFTER = timedelta(days=365)
# Weights for ranking (higher first); a council can read why a place came first.
NEED_WEIGHT = 4.0
STEP_WEIGHT = 5.0
ROLE_WEIGHT = 3.0
OWN_GROUP_WEIGHT = 2.0
NEED_AREA_WEIGHT = 1.0
FREE_WEIGHT = 0.5
OPEN_WEIGHT = 0.3
APPROVED_WEIGHT = 0.2
EXTRA_WEIGHT = 1.0
UNWANTED_KIND_WEIGHT = 1.5
DISTANCE_PER_KM = 0.15


@dataclass(frozen=True)
class Person:
    """What matching needs to know about the person and who the help is for."""

    need_areas: tuple[str, ...] = ()
    groups: frozenset[str] = field(default_factory=frozenset)
    role: str = "self"
    step: int | None = None  # only a step the person told us (never a default)
    district: str | None = None


def eligible(service_groups: Iterable[str], person_groups: Iterable[str]) -> bool:
    """True when a service meant for `service_groups` is open to someone in `person_groups`."""
    needed = set(service_groups)
    have = set(person_groups)
    if CARERS in needed:
        if CARERS not in have:
            return False
        needed.discard(CARERS)
    return not needed or bool(needed & have)


def wanted_kinds(person: Person) -> dict[str, tuple[float, str]]:
    """help kind -> (weight, why) for this person: from the step, their needs and their role."""
    kinds: dict[str, tuple[float, str]] = {}

    def add(kind: str, weight: float, why: str) -> None:
        if kind not in kinds or kinds[kind][0] < weight:
            kinds[kind] = (weight, why)

    for area in person.need_areas:
        for place, kind in enumerate(need_help_kinds(area)):
            add(kind, NEED_WEIGHT - 0.25 * place, "need")
    for kind in role_help_kinds(person.role):
        add(kind, ROLE_WEIGHT, "role")
    if person.step is not None:
        for place, kind in enumerate(step_help_kinds(person.step)):
            add(kind, STEP_WEIGHT - 0.25 * place, "step")
    return kinds


def check_person(person: Person) -> None:
    """Refuses ids the vocabulary does not know."""
    for area in person.need_areas:
        if area not in NEED_AREAS:
            raise DirectoryError(f"{str(area)[:40]!r} is not a known need area")
    for group in person.groups:
        if group not in GROUPS:
            raise DirectoryError(f"{str(group)[:40]!r} is not a known group")


def fitting(directory: object, person: Person, tier: str | None = None, limit: int = 3,
            kinds: Iterable[str] | None = None, exclude_ids: Iterable[str] = (),
            moment: datetime | None = None, today: date | None = None,
            extra_kinds: Iterable[str] = ()) -> list[ServiceOption]:
    """Up to `limit` active services that fit the person (eligible, a wanted help kind, serving
    their district), best fit first. `kinds` narrows the help kinds (e.g. one step's);
    `extra_kinds` are wanted too, below the person's own needs (e.g. a social worker when the
    routing engine calls for professional help)."""
    check_person(person)
    if tier is not None and tier not in TIERS:
        raise DirectoryError(f"{str(tier)[:40]!r} is not a known tier")
    wanted = wanted_kinds(person)
    for kind in extra_kinds:
        wanted.setdefault(kind, (EXTRA_WEIGHT, "extra"))
    if kinds is not None:
        allowed = set(kinds)
        wanted = {k: v for k, v in wanted.items() if k in allowed}
    district = _district(directory, person.district)
    when = moment or datetime.now(LOCAL_TZ)
    skip = set(exclude_ids)
    ranked: list[tuple[float, float, str, ServiceOption]] = []
    for entry in directory.entries:  # type: ignore[attr-defined]
        item = entry.listing
        if item.status != "active" or item.id in skip or not item.kinds:
            continue
        if tier and entry.tier != tier:
            continue
        matched = [wanted[k] for k in item.kinds if k in wanted]
        if not matched or not eligible(item.groups, person.groups):
            continue
        overlap = [n for n in person.need_areas if n in entry.need_areas]
        general = len(entry.need_areas) == len(NEED_AREAS)
        if all(why == "extra" for _, why in matched) and person.need_areas \
                and not (overlap or general):
            continue  # general help offered in passing must still be about their needs
        areas = [a for a in item.areas if a in directory.places.centroids]  # type: ignore
        if district and areas and district not in areas:
            continue
        kind_weight = max(weight for weight, _ in matched)
        score = 0.0
        if item.groups and set(item.groups) - {CARERS}:
            score += OWN_GROUP_WEIGHT  # meant for the person's own condition or age
        score += NEED_AREA_WEIGHT * min(len(overlap), 2)
        status = open_status(item.schedules, when)
        distance = directory._distance(item, district)  # type: ignore[attr-defined]
        is_free = directory._is_free(item)  # type: ignore[attr-defined]
        score += FREE_WEIGHT * is_free + OPEN_WEIGHT * bool(status)
        score += APPROVED_WEIGHT * entry.council_approved
        # A service mainly about something else the person did not ask for fits less well.
        score -= UNWANTED_KIND_WEIGHT * sum(1 for k in item.kinds if k not in wanted)
        score -= DISTANCE_PER_KM * (distance or 0.0)
        stale = item.assured_date is not None and (today or date.today()) - item.assured_date \
            > STALE_AFTER
        option = directory._option(entry, overlap, district, distance, status,  # type: ignore
                                   is_free, stale)
        # The kind of help decides first (the step's, then the needs'), then the finer fit.
        ranked.append((-kind_weight, -score, item.name.lower(),
                       _with_score(option, kind_weight + score)))
    ranked.sort(key=lambda row: row[:3])
    return [row[3] for row in ranked[:limit]]


def kinds_in_tier(person: Person, tier: str) -> list[str]:
    """The wanted help kinds that belong to a tier and could be for this person (a condition's
    peer group only if they have a condition); none: the tier has nothing for these needs."""
    own = set(person.groups) - AGE_AND_ROLE_GROUPS
    return [k for k in wanted_kinds(person) if help_kind_tier(k) == tier
            and (own or not group_only(k))]


def _district(directory: object, text: str | None) -> str | None:
    if not text:
        return None
    try:
        return directory.places.district(text)  # type: ignore[attr-defined]
    except (UnknownPlaceError, DirectoryError):
        return None


def _with_score(option: ServiceOption, score: float) -> ServiceOption:
    from dataclasses import replace
    return replace(option, score=round(score, 2))
