"""What the directory hands back: service options and unmet needs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceOption:
    """One concrete place to get help, ready to show a person."""

    id: str
    name: str
    summary: str
    phone: str | None
    email: str | None
    url: str | None
    cost_text: str
    is_free: bool
    council_approved: bool
    tier: str
    need_areas: tuple[str, ...]
    distance_km: float | None
    open_now: bool | None
    opening_text: str
    last_checked_note: str | None
    reason: str
    address: str | None = None
    alert: str | None = None
    organisation: str | None = None
    kinds: tuple[str, ...] = ()  # help kinds (data/vocabulary.yml)
    groups: tuple[str, ...] = ()  # who it is for; empty = anyone
    score: float = 0.0  # how well it fits the person (higher is better), when ranked by fit


@dataclass(frozen=True)
class UnmetNeed:
    """A search that found nothing: what to record in the needs log, and what to tell the person."""

    need_areas: tuple[str, ...]
    tier: str | None
    postcode_district: str | None
    text: str
