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

from bot.step_classifier import NONE, step_probabilities
from bot.vocab import GROUPS, SDS_STEPS

STEP_CUES = Path(__file__).resolve().parent.parent / "data" / "patterns" / "step_cues.yml"
FACT_FILTERS = STEP_CUES.parent / "fact_filters.yml"
PATTERN_WEIGHT = 3.0  # a phrase from data/patterns/steps.yml counts as much as a strong cue
# On a message about money, plans, assessment or support (step_cues.yml `topic`), the step is the
# classifier's probability (bot/step_classifier.py) plus a tenth of the pattern-and-cue score; no
# step below MIN_STEP_SCORE or when 'none' is likelier. Off topic, the classifier is not asked.
RULE_WEIGHT = 0.1
MIN_STEP_SCORE = 0.3
CONFIDENT = 0.7  # how sure the classifier must be for a conversation to take its step alone

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
    conversation_step: int | None = None  # the step a conversation takes (see read_step)
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


@lru_cache(maxsize=1)
def fact_filters() -> dict[str, Any]:
    """Negation words, clause breaks, not-an-age words and the need areas an answer about the
    helpers does not give (data/patterns/fact_filters.yml)."""
    data = yaml.safe_load(FACT_FILTERS.read_text(encoding="utf-8"))
    return {"negation": frozenset(str(w) for w in data["negation"]),
            "window": int(data["negation_window"]),
            "breaks": frozenset(str(w) for w in data["clause_breaks"]),
            "not_age": frozenset(str(w) for w in data["not_an_age_after"]),
            "not_from_network": frozenset(str(a) for a in data["not_from_network_answer"])}


def _words_before(span: Any, count: int) -> list[str]:
    """Up to `count` words before a span, nearest first, stopping at punctuation or a clause
    break; curly apostrophes straightened, lower case."""
    words: list[str] = []
    doc = span.doc
    for index in range(span.start - 1, max(span.start - count, 0) - 1, -1):
        token = doc[index]
        word = token.text.lower().replace("’", "'")
        if token.is_punct or word in fact_filters()["breaks"]:
            break
        words.append(word)
    return words


def negated(span: Any) -> bool:
    """True when a negation comes just before the span ('hasn't got dementia')."""
    if not hasattr(span, "doc"):
        return False
    filters = fact_filters()
    return any(w in filters["negation"] or w.endswith("n't")
               for w in _words_before(span, filters["window"]))


def not_an_age(span: Any) -> bool:
    """True when the number is followed by a unit ('is 20 minutes away')."""
    if not hasattr(span, "doc") or span.end >= len(span.doc):
        return False
    following = span.doc[span.end].text.lower().replace("’", "'")
    return following in fact_filters()["not_age"]


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


@lru_cache(maxsize=1)
def step_topic() -> tuple[str, ...]:
    """Words that show a message is about money, plans, assessment or support (the gate)."""
    data = yaml.safe_load(STEP_CUES.read_text(encoding="utf-8"))
    return tuple(" ".join(_plain(str(word)).split()) for word in data["topic"])


def _texts(doc: Any) -> tuple[str, str]:
    """The message's plain words and their dictionary forms, space-padded."""
    text = _plain(getattr(doc, "text", "") or "")
    lemmas = _plain(" ".join(t.lemma_ for t in doc)) if hasattr(doc, "__iter__") else text
    return text, lemmas


def on_step_topic(doc: Any) -> bool:
    """True when the message talks about budgets, plans, assessment, payments or support."""
    text, lemmas = _texts(doc)
    return any(f" {w} " in text or f" {w} " in lemmas or (w == "£" and "£" in text)
               for w in step_topic())


def _plain(text: str) -> str:
    return " " + " ".join(re.sub(r"[^a-z0-9£' -]+", " ",
                                 text.lower().replace("’", "'")).split()) + " "


def step_scores(doc: Any, pattern_steps: Iterable[int] = ()) -> dict[int, float]:
    """Each step's score for a message: its cues (words or dictionary forms) plus patterns."""
    _, cues = step_cues()
    text, lemmas = _texts(doc)
    scores = {step: 0.0 for step in SDS_STEPS}
    for step, table in cues.items():
        for cue, weight in table.items():
            if f" {cue} " in text or f" {cue} " in lemmas or (cue == "£" and "£" in text):
                scores[step] += weight
    for step in set(pattern_steps):
        scores[step] += PATTERN_WEIGHT
    return scores


def _rule_step(scores: dict[int, float]) -> int | None:
    """The step the patterns and cue words alone point to (the later on a tie), or None."""
    threshold, _ = step_cues()
    top = max(scores.values())
    if top < threshold:
        return None
    return max(step for step, score in scores.items() if score == top)


def read_step(doc: Any, pattern_steps: Iterable[int] = ()) -> tuple[int | None, int | None]:
    """(the reader's step, the step a conversation takes from this message).

    The reader: off topic, the patterns and cue words alone; on a message about money, plans,
    assessment or support, the classifier's probability plus RULE_WEIGHT times the patterns and
    cues (no step below MIN_STEP_SCORE or when 'none' is likelier). A conversation takes the
    patterns' and cues' step, or, when they say nothing, the classifier's only when it is at
    least CONFIDENT sure: a wrong step read mid-conversation skips the budget and step
    questions, so it must be surer than a reading of one sentence."""
    scores = step_scores(doc, pattern_steps)
    rule = _rule_step(scores)
    if not on_step_topic(doc):
        return rule, rule
    probs = step_probabilities(getattr(doc, "text", "") or "")
    total = {step: RULE_WEIGHT * score + probs.get(str(step), 0.0)
             for step, score in scores.items()}
    best: int | None = max(total, key=lambda step: (total[step], step))
    if best is not None and (total[best] < MIN_STEP_SCORE or probs.get(NONE, 0.0) > total[best]):
        best = None
    if rule is not None:
        return best, rule
    sure = best is not None and probs.get(str(best), 0.0) >= CONFIDENT
    return best, best if sure else None


def best_step(doc: Any, pattern_steps: Iterable[int] = ()) -> int | None:
    """The step a message points to most clearly, or None when unsure (read_step's reader)."""
    return read_step(doc, pattern_steps)[0]


def facts_in(doc: Any) -> Facts:
    """The facts a Doc made by Wayfinder's pipeline shows (empty Facts for anything else)."""
    ages: list[int] = []
    groups: list[str] = []
    relationship: str | None = None
    steps: list[int] = []
    for span in _spans(doc):
        kind, ident = span.label_, span.id_
        if kind == "AGE":
            age = None if not_an_age(span) else _age_of(span.text)
            if age is not None and age not in ages:
                ages.append(age)
        elif kind == "CONDITION" and ident in GROUPS and ident not in groups \
                and not negated(span):
            groups.append(ident)
        elif kind == "RELATION" and ident in RELATIONSHIPS and relationship is None:
            relationship = ident
        elif kind == "STEP" and ident.isdigit() and int(ident) in SDS_STEPS:
            steps.append(int(ident))
    text = getattr(doc, "text", "") or ""
    if relationship is None and _FIRST_PERSON.search(text):
        relationship = "self"
    step, taken = read_step(doc, steps)
    # Someone asking for another person usually gives that person's age: the oldest age said.
    age = (max(ages) if relationship not in (None, "self") else ages[0]) if ages else None
    return Facts(age=age, relationship=relationship, groups=tuple(groups),
                 step=step, conversation_step=taken, ages=tuple(ages))


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
    person_group (one per group) and sds_step (the step a conversation takes, see read_step)."""
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
    if facts.conversation_step is not None:
        add("sds_step", str(facts.conversation_step), "STEP")
    return out
