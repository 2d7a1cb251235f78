"""Who the help is for, read from any message: age, relationship, conditions (groups) and the
step of self-directed support. Uses the spans Wayfinder's spaCy pipeline marks from
data/patterns (conditions, relationships, ages, steps); no Rasa here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.vocab import GROUPS, SDS_STEPS

STEP_CUES = Path(__file__).resolve().parent.parent / "data" / "patterns" / "step_cues.yml"
PATTERN_WEIGHT = 3.0  # a phrase from data/patterns/steps.yml counts as much as a strong cue

FACTS_KEY = "facts"
RELATIONSHIPS: tuple[str, ...] = ("self", "parent", "partner", "child", "sibling", "friend",
                                  "client")
MIN_AGE, MAX_AGE = 16, 110
OLDER_FROM = 65
YOUNG_ADULT = (18, 25)
_WORD_NUMBERS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "eighteen": 18, "nineteen": 19,
}
_DECADES = {"twenties": 25, "thirties": 35, "forties": 45, "fifties": 55, "sixties": 65,
            "seventies": 75, "eighties": 85, "nineties": 95}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9}
_FIRST_PERSON = re.compile(r"\b(i|i'm|im|i've|me|my|myself)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Facts:
    """What one message says about the person the help is for."""

    age: int | None = None
    relationship: str | None = None
    groups: tuple[str, ...] = ()
    step: int | None = None
    ages: tuple[int, ...] = field(default=(), repr=False)


def _age_of(text: str) -> int | None:
    """'79', "'s 90", '84-year-old', 'in her 80s', 'eighty-four' -> the age, if plausible."""
    lowered = text.lower()
    digits = re.search(r"\d{1,3}", lowered)
    if digits:
        value = int(digits.group())
        if re.search(r"\d0'?s\b", lowered):
            value += 5  # "in her 80s": about 85
    else:
        value = next((v for k, v in _DECADES.items() if k in lowered), 0)
        if not value:
            words = re.findall(r"[a-z]+", lowered)
            value = sum(_WORD_NUMBERS.get(w, 0) + _UNITS.get(w, 0) for w in words)
    return value if MIN_AGE <= value <= MAX_AGE else None


def _spans(doc: Any) -> list[Any]:
    spans = getattr(doc, "spans", None)
    if spans is None or FACTS_KEY not in spans:
        return []
    return sorted(spans[FACTS_KEY], key=lambda s: s.start_char)


@lru_cache(maxsize=1)
def step_cues() -> tuple[float, dict[int, dict[str, float]]]:
    """(threshold, {step: {cue: weight}}) from data/patterns/step_cues.yml."""
    data = yaml.safe_load(STEP_CUES.read_text(encoding="utf-8"))
    cues = {int(step): {" ".join(_plain(str(c)).split()): float(w) for c, w in table.items()}
            for step, table in data["steps"].items()}
    return float(data.get("threshold", 2)), cues


def _plain(text: str) -> str:
    return " " + " ".join(re.sub(r"[^a-z0-9£' -]+", " ",
                                 text.lower().replace("’", "'")).split()) + " "


def step_scores(doc: Any, pattern_steps: Iterable[int] = ()) -> dict[int, float]:
    """Each step's score for a message: its cues (words or dictionary forms) plus patterns."""
    _, cues = step_cues()
    text = _plain(getattr(doc, "text", "") or "")
    lemmas = _plain(" ".join(t.lemma_ for t in doc)) if hasattr(doc, "__iter__") else text
    scores = {step: 0.0 for step in SDS_STEPS}
    for step, table in cues.items():
        for cue, weight in table.items():
            if f" {cue} " in text or f" {cue} " in lemmas or (cue == "£" and "£" in text):
                scores[step] += weight
    for step in set(pattern_steps):
        scores[step] += PATTERN_WEIGHT
    return scores


def best_step(doc: Any, pattern_steps: Iterable[int] = ()) -> int | None:
    """The step a message points to most clearly (the later step on a tie), or None."""
    threshold, _ = step_cues()
    scores = step_scores(doc, pattern_steps)
    top = max(scores.values())
    if top < threshold:
        return None
    return max(step for step, score in scores.items() if score == top)


def facts_in(doc: Any) -> Facts:
    """The facts a Doc made by Wayfinder's pipeline shows (empty Facts for anything else)."""
    ages: list[int] = []
    groups: list[str] = []
    relationship: str | None = None
    steps: list[int] = []
    for span in _spans(doc):
        kind, ident = span.label_, span.id_
        if kind == "AGE":
            age = _age_of(span.text)
            if age is not None and age not in ages:
                ages.append(age)
        elif kind == "CONDITION" and ident in GROUPS and ident not in groups:
            groups.append(ident)
        elif kind == "RELATION" and ident in RELATIONSHIPS and relationship is None:
            relationship = ident
        elif kind == "STEP" and ident.isdigit() and int(ident) in SDS_STEPS:
            steps.append(int(ident))
    text = getattr(doc, "text", "") or ""
    if relationship is None and _FIRST_PERSON.search(text):
        relationship = "self"
    # Someone asking for another person usually gives that person's age: the oldest age said.
    age = (max(ages) if relationship not in (None, "self") else ages[0]) if ages else None
    return Facts(age=age, relationship=relationship, groups=tuple(groups),
                 step=best_step(doc, steps), ages=tuple(ages))


def groups_for(role: str | None, age: Any, conditions: Iterable[str]) -> tuple[str, ...]:
    """The groups the person is in: their conditions, their age band, and carers for carers."""
    found = [g for g in conditions if g in GROUPS]
    if isinstance(age, (int, float)) and not isinstance(age, bool):
        if age >= OLDER_FROM:
            found.append("older_people")
        elif YOUNG_ADULT[0] <= age <= YOUNG_ADULT[1]:
            found.append("young_adults")
    if role == "carer":
        found.append("carers")
    return tuple(g for g in GROUPS if g in set(found))


def groups_from_slots(slots: Mapping[str, Any]) -> tuple[str, ...]:
    """The person's groups from the conversation's slots."""
    conditions = [g for g in (slots.get("person_groups") or []) if isinstance(g, str)]
    return groups_for(slots.get("person_role"), slots.get("person_age"), conditions)


def fact_entities(doc: Any) -> list[dict[str, Any]]:
    """Rasa-style entities for the facts in a Doc: person_age, person_relationship,
    person_group (one per group) and sds_step (the furthest step mentioned)."""
    facts = facts_in(doc)
    spans = _spans(doc)
    where = {}
    for span in spans:
        where.setdefault(span.label_, (span.start_char, span.end_char))
    out: list[dict[str, Any]] = []

    def add(entity: str, value: Any, label: str) -> None:
        start, end = where.get(label, (0, 0))
        out.append({"entity": entity, "value": value, "start": start, "end": end})

    if facts.age is not None:
        add("person_age", facts.age, "AGE")
    if facts.relationship is not None and "RELATION" in where:
        add("person_relationship", facts.relationship, "RELATION")
    for group in facts.groups:
        add("person_group", group, "CONDITION")
    if facts.step is not None:
        add("sds_step", str(facts.step), "STEP")
    return out
