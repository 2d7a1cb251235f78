"""The ids every part of Wayfinder agrees on, and their words per audience: read from ONE file,
data/vocabulary.yml. Nothing else keeps a list of need areas, tiers, steps, roles, channels,
outcomes, help kinds, groups or safeguarding risk kinds."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

VOCABULARY_PATH = Path(__file__).resolve().parent.parent / "data" / "vocabulary.yml"
AUDIENCES: tuple[str, ...] = ("person", "sms", "staff", "commissioners")
SECTIONS: tuple[str, ...] = ("need_areas", "tiers", "brokerage_functions", "steps", "roles",
                             "channels", "outcomes", "help_kinds", "groups", "risk_kinds")


class VocabularyError(ValueError):
    """data/vocabulary.yml is missing something or contradicts itself."""


def _labels(section: str, key: object, raw: Any) -> dict[str, str]:
    # risk_kinds keep their words under `labels:` (next to contacts and group); the others inline.
    source = raw.get("labels", raw) if isinstance(raw, dict) else None
    if not isinstance(source, dict):
        raise VocabularyError(f"{section}.{key}: needs labels")
    missing = [a for a in AUDIENCES if not isinstance(source.get(a), str) or not source[a].strip()]
    if missing:
        raise VocabularyError(f"{section}.{key}: no {', '.join(missing)} label")
    return {a: " ".join(str(source[a]).split()) for a in AUDIENCES}


@lru_cache(maxsize=1)
def load_vocabulary(path: str | None = None) -> dict[str, Any]:
    """The parsed, checked vocabulary file."""
    data = yaml.safe_load(Path(path or VOCABULARY_PATH).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise VocabularyError("vocabulary.yml is not a mapping")
    for section in SECTIONS:
        if not isinstance(data.get(section), dict) or not data[section]:
            raise VocabularyError(f"vocabulary.yml: '{section}' is missing")
    check(data)
    return data


def check(data: dict[str, Any]) -> None:
    """Every entry has four labels; every reference points at a known id."""
    for section in SECTIONS:
        for key, raw in data[section].items():
            _labels(section, key, raw)
    tiers = set(data["tiers"])
    for kind, raw in data["help_kinds"].items():
        if raw.get("tier") not in tiers:
            raise VocabularyError(f"help_kinds.{kind}: tier {raw.get('tier')!r} is not a tier")
    for section in ("need_areas", "roles"):
        for key, raw in data[section].items():
            unknown = [k for k in raw.get("help_kinds") or [] if k not in data["help_kinds"]]
            if unknown:
                raise VocabularyError(f"{section}.{key}: unknown help kinds {unknown}")
    if sorted(data["steps"]) != list(range(1, 8)):
        raise VocabularyError("steps must be 1 to 7")
    for number, raw in data["steps"].items():
        if raw.get("function") not in data["brokerage_functions"]:
            raise VocabularyError(f"steps.{number}: unknown brokerage function")
        unknown = [k for k in raw.get("help_kinds") or [] if k not in data["help_kinds"]]
        if unknown or not raw.get("help_kinds"):
            raise VocabularyError(f"steps.{number}: help kinds missing or unknown {unknown}")


def label(section: str, key: object, audience: str = "person") -> str:
    """The words for one id for one audience; the id itself (underscores as spaces) if unknown."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience {audience!r} is not one of {', '.join(AUDIENCES)}")
    data = load_vocabulary()
    lookup = int(key) if section == "steps" and str(key).isdigit() else key
    raw = data[section].get(lookup)
    if raw is None:
        return str(key).replace("_", " ")
    return _labels(section, key, raw)[audience]


def labels(section: str, audience: str = "person") -> dict[str, str]:
    """Every id of a section with its words for one audience (keys as strings)."""
    return dict(_section_labels(section, audience))


@lru_cache(maxsize=64)
def _section_labels(section: str, audience: str) -> dict[str, str]:
    """Worked out once per section and audience: the answer turn asks for them thousands of
    times (about 5 of its 6.5 ms before, issue 14); labels() hands out a copy."""
    return {str(key): label(section, key, audience) for key in load_vocabulary()[section]}


def _ids(section: str) -> tuple[Any, ...]:
    return tuple(load_vocabulary()[section])


ROLES: tuple[str, ...] = _ids("roles")
NEED_AREAS: tuple[str, ...] = _ids("need_areas")
# The ten Care Act 2014 eligibility outcomes come first in the file, then Wayfinder's own four.
CARE_ACT_OUTCOMES: tuple[str, ...] = NEED_AREAS[:10]
TIERS: tuple[str, ...] = _ids("tiers")  # least intensive first
SDS_STEPS: tuple[int, ...] = _ids("steps")
CHANNELS: tuple[str, ...] = _ids("channels")
OUTCOMES: tuple[str, ...] = _ids("outcomes")
HELP_KINDS: tuple[str, ...] = _ids("help_kinds")
GROUPS: tuple[str, ...] = _ids("groups")
BROKERAGE_FUNCTIONS: tuple[str, ...] = _ids("brokerage_functions")
RISK_KINDS: tuple[str, ...] = _ids("risk_kinds")  # most urgent first


def help_kind_tier(kind: str) -> str:
    """The tier a help kind belongs to."""
    return str(load_vocabulary()["help_kinds"][kind]["tier"])


def step_function(step: int) -> str:
    """The brokerage function id of a step (1..7)."""
    return str(load_vocabulary()["steps"][step]["function"])


def group_only(kind: str) -> bool:
    """True for help that is always meant for one group (a condition's peer group)."""
    return bool(load_vocabulary()["help_kinds"][kind].get("group_only"))


def need_help_kinds(area: str) -> tuple[str, ...]:
    """The help kinds that can meet a need area, best first."""
    return tuple(load_vocabulary()["need_areas"][area].get("help_kinds") or ())


def role_help_kinds(role: str) -> tuple[str, ...]:
    """Help kinds for anyone in a role (a carer: carer's assessment, carers' groups, breaks)."""
    return tuple(load_vocabulary()["roles"].get(role, {}).get("help_kinds") or ())


def step_help_kinds(step: int) -> tuple[str, ...]:
    """The help kinds that fit a step's brokerage function, best first."""
    return tuple(load_vocabulary()["steps"][step]["help_kinds"])
