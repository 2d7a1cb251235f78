"""The guided questions: their order, going back, and reading typed answers (pure Python)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from bot.content import load

QUESTIONS: tuple[str, ...] = (
    "person_role",
    "what_matters",
    "network",
    "has_budget",
    "sds_step",
    "risk_check",
)
MAX_ANSWER_CHARS = 2000


def clean_text(text: Any) -> str:
    """Normalises Unicode, drops control characters and trims; anything not text becomes ''."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())[:MAX_ANSWER_CHARS]


def _words(text: str) -> str:
    lowered = clean_text(text).lower().replace("’", "'")
    return " " + re.sub(r"[^a-z0-9' -]+", " ", lowered) + " "


def _first_match(text: str, table: Mapping[Any, list[str]]) -> str | None:
    words = _words(text)
    for choice, phrases in table.items():
        if any(f" {phrase.lower()} " in words for phrase in phrases):
            return str(choice)
    return None


def classify_role(text: str) -> str | None:
    """'It's for my mum' -> 'carer'; None when unclear."""
    return _first_match(text, load("answers")["role"])


def classify_network(text: str) -> str | None:
    """'my daughter helps a bit' -> 'some'; None when unclear."""
    return _first_match(text, load("answers")["network"])


def classify_yes_no(text: str) -> str | None:
    """'yes we have' -> 'yes', 'dunno' -> 'unsure'; None when unclear. 'Not sure' beats 'no'."""
    table = load("answers")["yes_no"]
    ordered = {"unsure": table["unsure"], "yes": table["yes"], "no": table["no"]}
    return _first_match(text, ordered)


def classify_step(text: str) -> int | None:
    """A step number typed or described ('3', 'step 5', 'we're making a plan') -> 1..7."""
    digits = re.findall(r"\b([1-7])\b", clean_text(text))
    if len(digits) == 1:
        return int(digits[0])
    found = _first_match(text, load("answers")["step"])
    return int(found) if found else None


def normalise_step(value: Any) -> int | None:
    """Slot or button value -> 1..7, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and float(value).is_integer() and 1 <= int(value) <= 7:
        return int(value)
    if isinstance(value, str):
        return classify_step(value)
    return None


def asked_questions(slots: Mapping[str, Any]) -> list[str]:
    """Questions already answered, in the order they are asked (sds_step only if it was asked)."""
    answered = [name for name in QUESTIONS if slots.get(name) is not None]
    if slots.get("has_budget") != "yes" and "sds_step" in answered:
        answered.remove("sds_step")  # filled for them (step 1), never asked
    return answered


def previous_question(slots: Mapping[str, Any], current: str | None) -> str | None:
    """The question before `current` (or the last answered one when no question is open)."""
    answered = asked_questions(slots)
    if current in QUESTIONS:
        earlier = [name for name in answered if QUESTIONS.index(name) < QUESTIONS.index(current)]
        return earlier[-1] if earlier else None
    return answered[-1] if answered else None


def slots_to_clear(question: str) -> list[str]:
    """Slots to empty so that `question` is asked again (an answer to it may have set others)."""
    if question == "has_budget":
        return ["has_budget", "sds_step"]
    if question == "what_matters":
        return ["what_matters"]
    return [question]


def slot_from_choice(text: str) -> str | None:
    """'/change_slot' value or words ('the budget one') -> a question's slot name."""
    cleaned = clean_text(text).lower()
    if cleaned in QUESTIONS:
        return cleaned
    keywords = {"person_role": ("who",), "what_matters": ("matter", "hard", "need"),
                "network": ("family", "friend", "neighbour", "help from"),
                "has_budget": ("budget", "money"), "sds_step": ("step",),
                "risk_check": ("danger", "risk", "hurt")}
    for slot, words in keywords.items():
        if any(word in cleaned for word in words):
            return slot
    return None


def planned_questions(plan: Any, slots: Mapping[str, Any]) -> list[str]:
    """The questions this person is asked, in order: those open when the questions began (or
    reopened since), and the step question only when there is already a personal budget."""
    names = {name for name in (plan or []) if name in QUESTIONS}
    names |= {name for name in QUESTIONS if slots.get(name) is None}
    step = normalise_step(slots.get("sds_step"))
    if step is not None and step >= 2 and slots.get("has_budget") is None:
        names.discard("has_budget")  # a step from 2 on means there is a budget: not asked
    elif slots.get("has_budget") != "yes":
        names.discard("sds_step")  # without a budget they are at step 1: never asked
    return [name for name in QUESTIONS if name in names]


def question_progress(plan: Any, slots: Mapping[str, Any]) -> tuple[list[str], str]:
    """(the plan, 'Question n of m: ' for the next open question, or '' when none is open)."""
    questions = planned_questions(plan, slots)
    upcoming = [name for name in questions if slots.get(name) is None]
    if not upcoming:
        return questions, ""
    number = questions.index(upcoming[0]) + 1
    return questions, load("progress")["question"].format(number=number, total=len(questions))


def step_to_restore(events: list[Mapping[str, Any]], requested_slot: Any) -> int | None:
    """The step to put back when the latest message changed a step the person gave by answering
    the step question, other than by answering it again: a step read from free text never
    overrides their own answer (a reading may replace an earlier reading). None: nothing to do."""
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    if last_user < 0 or requested_slot == "sds_step":
        return None
    before: Any = None
    answered = answering = False  # `before` was set in answer to the step question
    asked = None
    for event in events[:last_user]:
        kind = event.get("event")
        if kind in ("restart", "reset_slots"):
            before, answered, asked = None, False, None
        elif kind == "user":
            answering = asked == "sds_step"
        elif kind == "slot" and event.get("name") == "requested_slot":
            asked = event.get("value")
        elif kind == "slot" and event.get("name") == "sds_step":
            before, answered = event.get("value"), answering
    after = before
    for event in events[last_user:]:
        if event.get("event") == "slot" and event.get("name") == "sds_step":
            after = event.get("value")
    known = normalise_step(before)
    if known is None or not answered or normalise_step(after) == known:
        return None
    return known
