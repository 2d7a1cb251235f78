"""Loads the directory's data files: taxonomy map, district centroids and wording."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.directory.errors import DirectoryError, UnknownPlaceError
from bot.vocab import NEED_AREAS, TIERS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data" / "directory"
DISTRICT_RE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)(?:\s*[0-9][A-Z]{2})?$")


@dataclass(frozen=True)
class TermMeaning:
    tier: str | None
    need_areas: tuple[str, ...]


@dataclass(frozen=True)
class TaxonomyMap:
    """Taxonomy term -> tier and need areas, plus the terms that mean council-approved."""

    terms: dict[str, TermMeaning]
    approved: frozenset[str]

    def classify(self, codes: list[str]) -> tuple[str | None, tuple[str, ...], bool]:
        """The tier, need areas and council-approved flag for a service's term codes."""
        tier: str | None = None
        needs: list[str] = []
        approved = False
        for code in codes:
            key = code.strip().lower()
            approved = approved or key in self.approved
            meaning = self.terms.get(key)
            if meaning is None:
                continue
            tier = tier or meaning.tier
            needs.extend(n for n in meaning.need_areas if n not in needs)
        ordered = tuple(n for n in NEED_AREAS if n in needs)
        return tier, ordered, approved


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DirectoryError(f"{path.name}: cannot read it ({exc.__class__.__name__})") from exc


def parse_taxonomy_map(data: Any, name: str = "taxonomy map") -> TaxonomyMap:
    """Checks the map: known tiers and need areas only."""
    if not isinstance(data, dict) or not isinstance(data.get("terms"), dict):
        raise DirectoryError(f"{name}: 'terms' is missing")
    terms: dict[str, TermMeaning] = {}
    for code, raw in data["terms"].items():
        where = f"{name}: term {code!r}"
        if not isinstance(raw, dict):
            raise DirectoryError(f"{where} must have a tier and/or need_areas")
        tier = raw.get("tier")
        if tier is not None and tier not in TIERS:
            raise DirectoryError(f"{where}: tier {tier!r} is not one of {', '.join(TIERS)}")
        needs = raw.get("need_areas", [])
        if needs == "all":
            needs = list(NEED_AREAS)
        if not isinstance(needs, list) or any(n not in NEED_AREAS for n in needs):
            raise DirectoryError(f"{where}: need_areas must be 'all' or a list of need-area ids")
        if tier is None and not needs:
            raise DirectoryError(f"{where} must have a tier and/or need_areas")
        terms[str(code).strip().lower()] = TermMeaning(tier, tuple(needs))
    approved = frozenset(str(t).strip().lower() for t in data.get("council_approved_terms") or [])
    return TaxonomyMap(terms, approved)


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
