"""Checks every value before it reaches the log: known ids only, never free text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import yaml

from bot import vocab

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RISK_PATTERNS = PROJECT_ROOT / "data" / "patterns" / "risk.yml"

OUTCOMES: tuple[str, ...] = vocab.OUTCOMES
UNMET_REASONS: tuple[str, ...] = ("no_service", "none_fit", "staff_noted")
# Kinds of safeguarding concern: data/vocabulary.yml risk_kinds through bot.vocab (the one list;
# unspecified_risk is the fallback). The ids in data/patterns/risk.yml are accepted as well.
SAFEGUARDING_KINDS: tuple[str, ...] = vocab.RISK_KINDS
UNKNOWN_SAFEGUARDING_KIND = "unspecified_risk"

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]{0,79}")  # directory ids (ORUK uses UUIDs)
_EVENT_KEY = re.compile(r"[\x21-\x7e]{1,128}")  # printable ASCII, no spaces
_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_DISTRICT = re.compile(_OUTWARD)
_FULL_POSTCODE = re.compile(rf"({_OUTWARD}) ?[0-9][A-Z]{{2}}")
_risk_cache: dict[float, frozenset[str]] = {}


def _one_of(value: object, allowed: Iterable[str], what: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"unknown {what} id: {str(value)[:40]!r}")
    return value


def need_area(value: object) -> str:
    return _one_of(value, vocab.NEED_AREAS, "need area")


def tier(value: object) -> str:
    return _one_of(value, vocab.TIERS, "tier")


def role(value: object) -> str:
    return _one_of(value, vocab.ROLES, "role")


def channel(value: object) -> str:
    return _one_of(value, vocab.CHANNELS, "channel")


def outcome(value: object) -> str:
    return _one_of(value, OUTCOMES, "outcome")


def unmet_reason(value: object) -> str:
    return _one_of(value, UNMET_REASONS, "unmet-need reason")


def risk_pattern_ids() -> frozenset[str]:
    """The ids in data/patterns/risk.yml (re-read when the file changes)."""
    try:
        mtime = RISK_PATTERNS.stat().st_mtime
    except OSError:
        return frozenset()
    if mtime not in _risk_cache:
        data = yaml.safe_load(RISK_PATTERNS.read_text(encoding="utf-8")) or {}
        _risk_cache.clear()
        keys = data if isinstance(data, dict) else {}
        _risk_cache[mtime] = frozenset(str(k) for k in keys)
    return _risk_cache[mtime]


def safeguarding_kind(value: object) -> str:
    return _one_of(value, set(SAFEGUARDING_KINDS) | risk_pattern_ids(), "safeguarding kind")


def sds_step(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in vocab.SDS_STEPS:
        raise ValueError(f"SDS step must be one of {vocab.SDS_STEPS}")
    return value


def sender_id(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("sender id must be a non-empty string")
    if len(value) > 512:
        raise ValueError("sender id is too long")
    return value


def event_key(value: object) -> str:
    if not isinstance(value, str) or not _EVENT_KEY.fullmatch(value):
        raise ValueError("event key must be 1-128 printable characters without spaces")
    return value


def service_id(value: object) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ValueError(f"bad service id: {str(value)[:40]!r}")
    return value


def postcode_district(value: object) -> str | None:
    """'nm1 2ab' -> 'NM1'; 'NM1' -> 'NM1'; None/'' -> None; anything else is rejected."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("postcode must be a string")
    compact = " ".join(value.upper().split())
    if compact == "":
        return None
    full = _FULL_POSTCODE.fullmatch(compact)
    if full:
        return full.group(1)
    if _DISTRICT.fullmatch(compact):
        return compact
    raise ValueError("not a UK postcode or postcode district")


def ids(values: Iterable[str] | str, check) -> list[str]:
    """Validates each id, drops duplicates, keeps order. A bare string is one id, not characters."""
    if isinstance(values, str):
        values = [values]
    seen: dict[str, None] = {}
    for value in values:
        seen[check(value)] = None
    return list(seen)


def utc_naive(at: datetime | None) -> datetime:
    """A naive UTC datetime (how the log stores time); now if at is None."""
    if at is None:
        return datetime.now(timezone.utc).replace(tzinfo=None)
    if not isinstance(at, datetime):
        raise ValueError("at must be a datetime")
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at
