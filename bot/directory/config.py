"""Loads the directory's data files: taxonomy map, district centroids and wording."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.directory.errors import DirectoryError, UnknownPlaceError
from bot.vocab import GROUPS, HELP_KINDS, NEED_AREAS, TIERS, need_help_kinds

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data" / "directory"
DISTRICT_RE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)(?:\s*[0-9][A-Z]{2})?$")


@dataclass(frozen=True)
class TermMeaning:
    tier: str | None
    need_areas: tuple[str, ...]
    help_kinds: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()


def term_key(code: str) -> str:
    """'Meals on Wheels', 'meals-on-wheels' and 'Meals-on-Wheels.' -> 'meals on wheels'."""
    lowered = code.strip().lower().replace("&", " and ").replace("’", "'")
    return " ".join(re.sub(r"[^a-z0-9']+", " ", lowered).replace("'", "").split())


@dataclass(frozen=True)
class TaxonomyMap:
    """Taxonomy term -> tier, need areas, help kinds and groups, plus the terms that mean
    council-approved. `terms` are matched ignoring case. For a council's own feed (services that
    carry none of our help kinds: `council=True`) `council_terms` and `terms` are also matched
    ignoring spaces, hyphens and punctuation."""

    terms: dict[str, TermMeaning]
    approved: frozenset[str]
    council_terms: dict[str, TermMeaning] = field(default_factory=dict)

    @cached_property
    def _loose(self) -> dict[str, TermMeaning]:
        loose = {term_key(key): meaning for key, meaning in self.terms.items()}
        loose.update({term_key(key): meaning for key, meaning in self.council_terms.items()})
        return loose

    def _meanings(self, codes: list[str] | tuple[str, ...],
                  council: bool = True) -> list[TermMeaning]:
        found = []
        for code in codes:
            meaning = self.terms.get(code.strip().lower())
            if meaning is None and council:
                meaning = self._loose.get(term_key(code))
            if meaning is not None:
                found.append(meaning)
        return found

    def classify(self, codes: list[str],
                 council: bool = False) -> tuple[str | None, tuple[str, ...], bool]:
        """The tier, need areas and council-approved flag for a service's term codes."""
        tier: str | None = None
        needs: list[str] = []
        approved = any(code.strip().lower() in self.approved
                       or (council and term_key(code) in self.approved) for code in codes)
        for meaning in self._meanings(codes, council):
            tier = tier or meaning.tier
            needs.extend(n for n in meaning.need_areas if n not in needs)
        ordered = tuple(n for n in NEED_AREAS if n in needs)
        return tier, ordered, approved

    def help_kinds(self, codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """The help kinds (data/vocabulary.yml) a council's own service types stand for."""
        kinds: list[str] = []
        for meaning in self._meanings(codes):
            kinds.extend(k for k in meaning.help_kinds if k not in kinds)
        return tuple(kinds)

    def groups(self, codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """The groups a service is only for, from a council's own eligibility terms."""
        found = {g for meaning in self._meanings(codes) for g in meaning.groups}
        return tuple(g for g in GROUPS if g in found)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DirectoryError(f"{path.name}: cannot read it ({exc.__class__.__name__})") from exc


def parse_taxonomy_map(data: Any, name: str = "taxonomy map") -> TaxonomyMap:
    """Checks the map: known tiers, need areas, help kinds and groups only."""
    if not isinstance(data, dict) or not isinstance(data.get("terms"), dict):
        raise DirectoryError(f"{name}: 'terms' is missing")
    council = data.get("council_terms") or {}
    if not isinstance(council, dict):
        raise DirectoryError(f"{name}: 'council_terms' must map terms to their meaning")
    approved = frozenset(str(t).strip().lower() for t in data.get("council_approved_terms") or [])
    return TaxonomyMap(_meanings_of(data["terms"], name),
                       approved | {term_key(t) for t in approved}, _meanings_of(council, name))


def _meanings_of(rows: dict[Any, Any], name: str) -> dict[str, TermMeaning]:
    terms: dict[str, TermMeaning] = {}
    for code, raw in rows.items():
        where = f"{name}: term {code!r}"
        if not isinstance(raw, dict):
            raise DirectoryError(f"{where} must have a tier, need_areas, help_kinds or groups")
        tier = raw.get("tier")
        if tier is not None and tier not in TIERS:
            raise DirectoryError(f"{where}: tier {tier!r} is not one of {', '.join(TIERS)}")
        needs = raw.get("need_areas", [])
        if needs == "all":
            needs = list(NEED_AREAS)
        if not isinstance(needs, list) or any(n not in NEED_AREAS for n in needs):
            raise DirectoryError(f"{where}: need_areas must be 'all' or a list of need-area ids")
        kinds = _ids(raw.get("help_kinds", []), HELP_KINDS, f"{where}: help_kinds")
        groups = _ids(raw.get("groups", []), GROUPS, f"{where}: groups")
        if kinds and not needs:  # the need areas those kinds of help meet
            needs = [n for n in NEED_AREAS if set(need_help_kinds(n)) & set(kinds)]
        if tier is None and not needs and not kinds and not groups:
            raise DirectoryError(f"{where} must have a tier, need_areas, help_kinds or groups")
        terms[str(code).strip().lower()] = TermMeaning(tier, tuple(needs), kinds, groups)
    return terms


def _ids(value: Any, known: tuple[str, ...], where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or any(v not in known for v in value):
        raise DirectoryError(f"{where} must be a list of ids from data/vocabulary.yml")
    return tuple(value)


@lru_cache(maxsize=4)
def load_taxonomy_map(path: str | None = None) -> TaxonomyMap:
    chosen = Path(path) if path else DATA_DIR / "taxonomy_map.yml"
    return parse_taxonomy_map(_read_yaml(chosen), chosen.name)


@dataclass(frozen=True)
class Places:
    """Postcode district centre points."""

    centroids: dict[str, tuple[float, float]]
    names: dict[str, str]

    def district(self, text: str) -> str:
        """'nm3', 'NM3 4AB' -> 'NM3'; UnknownPlaceError if not one of ours."""
        if not isinstance(text, str) or len(text) > 20:
            raise UnknownPlaceError("that does not look like a postcode")
        match = DISTRICT_RE.match(" ".join(text.upper().split()))
        if not match:
            raise UnknownPlaceError("that does not look like a postcode")
        code = match.group(1)
        if code not in self.centroids:
            raise UnknownPlaceError(f"{code} is not a postcode district this directory covers")
        return code


@lru_cache(maxsize=4)
def load_places(path: str | None = None) -> Places:
    chosen = Path(path) if path else DATA_DIR / "postcode_districts.yml"
    data = _read_yaml(chosen)
    if not isinstance(data, dict) or not isinstance(data.get("districts"), dict):
        raise DirectoryError(f"{chosen.name}: 'districts' is missing")
    centroids: dict[str, tuple[float, float]] = {}
    names: dict[str, str] = {}
    for code, raw in data["districts"].items():
        try:
            centroids[str(code).upper()] = (float(raw["latitude"]), float(raw["longitude"]))
        except (TypeError, KeyError, ValueError) as exc:
            raise DirectoryError(f"{chosen.name}: district {code} needs latitude and longitude") \
                from exc
        names[str(code).upper()] = str(raw.get("name") or code)
    return Places(centroids, names)


@lru_cache(maxsize=4)
def load_wording(path: str | None = None) -> dict[str, Any]:
    chosen = Path(path) if path else DATA_DIR / "wording.yml"
    data = _read_yaml(chosen)
    for key in ("reason", "cost", "last_checked", "opening",
                "unmet", "present"):
        if not isinstance(data, dict) or key not in data:
            raise DirectoryError(f"{chosen.name}: '{key}' is missing")
    return data
