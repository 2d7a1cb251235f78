"""Loads the safeguarding data: kinds (data/vocabulary.yml risk_kinds), contacts, word lists."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data" / "safeguarding"

VOCABULARY = PROJECT_ROOT / "data" / "vocabulary.yml"
FALLBACK_KIND = "unspecified_risk"  # the one spelling of "a risk of no known kind"


@lru_cache(maxsize=1)
def risk_kinds() -> dict[str, dict[str, Any]]:
    """Kind id -> {contacts, group, labels}, most urgent first (data/vocabulary.yml risk_kinds)."""
    with VOCABULARY.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    kinds = data.get("risk_kinds") if isinstance(data, dict) else None
    if not isinstance(kinds, dict) or FALLBACK_KIND not in kinds:
        raise ValueError(f"{VOCABULARY.name}: risk_kinds must list kinds incl. {FALLBACK_KIND}")
    for kind, spec in kinds.items():
        if not isinstance(spec, dict) or not spec.get("contacts"):
            raise ValueError(f"{VOCABULARY.name}: risk kind {kind} needs contacts")
    return {str(kind): dict(spec) for kind, spec in kinds.items()}


# Every risk kind id Wayfinder knows, most urgent first.
KINDS: tuple[str, ...] = tuple(risk_kinds())


@dataclass(frozen=True)
class WordLists:
    """The word lists detection uses around the risk phrases."""

    negation_cues: frozenset[str]
    no_as_answer_before: frozenset[str]
    doubt_after: frozenset[str]
    window: int
    clause_breaks: frozenset[str]
    scope_breaks: frozenset[str]
    child_words: frozenset[str]
    child_pairs: tuple[tuple[str, ...], ...]
    adult_age: int
    child_applies_to: frozenset[str]


def _read(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{name}: expected a mapping")
    return data


def _words(values: Any) -> frozenset[str]:
    return frozenset(str(value).lower() for value in values or ())


def kind_contacts() -> dict[str, tuple[str, ...]]:
    """Kind id -> urgent contact ids, kinds in order of urgency (most urgent first)."""
    return {kind: tuple(str(c) for c in spec["contacts"]) for kind, spec in risk_kinds().items()}


@lru_cache(maxsize=1)
def contact_sources() -> dict[str, str]:
    """Contact id -> where its number lives in the council file ("national.x" or a field)."""
    return {str(k): str(v) for k, v in (_read("contacts.yml").get("contacts") or {}).items()}


def kinds_by_urgency(kinds: Any) -> tuple[str, ...]:
    """The given kind ids, known ones only, without repeats, most urgent first."""
    order = list(kind_contacts())
    wanted = {str(kind) for kind in kinds or ()}
    return tuple(kind for kind in order if kind in wanted)


@lru_cache(maxsize=1)
def word_lists() -> WordLists:
    """The negation and child word lists from words.yml."""
    data = _read("words.yml")
    negation = data.get("negation") or {}
    children = data.get("children") or {}
    return WordLists(
        negation_cues=_words(negation.get("cues")),
        no_as_answer_before=_words(negation.get("no_as_answer_before")),
        doubt_after=_words(negation.get("doubt_after")),
        window=int(negation.get("window", 5)),
        clause_breaks=_words(negation.get("clause_breaks")),
        scope_breaks=_words(negation.get("scope_breaks")),
        child_words=_words(children.get("words")),
        child_pairs=tuple(
            tuple(str(w).lower() for w in pair) for pair in children.get("pairs") or ()
        ),
        adult_age=int(children.get("adult_age", 18)),
        child_applies_to=_words(children.get("applies_to")),
    )
