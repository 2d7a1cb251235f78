"""Need areas and who-it-is-for, read from a spaCy Doc made by Wayfinder's pipeline (no Rasa)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.person_facts import fact_filters
from bot.vocab import NEED_AREAS, ROLES


@dataclass(frozen=True)
class Found:
    """One thing found in the text: its kind (need_area or person_role), id and where."""

    entity: str
    value: str
    start: int
    end: int


def find(doc: Any) -> list[Found]:
    """Need areas (label NEED) and roles (label ROLE) the entity ruler marked, in text order."""
    found: list[Found] = []
    for ent in getattr(doc, "ents", ()):
        if ent.label_ == "NEED" and ent.ent_id_ in NEED_AREAS:
            found.append(Found("need_area", ent.ent_id_, ent.start_char, ent.end_char))
        elif ent.label_ == "ROLE" and ent.ent_id_ in ROLES:
            found.append(Found("person_role", ent.ent_id_, ent.start_char, ent.end_char))
    return found


def need_areas_in(doc: Any) -> list[str]:
    """The distinct need-area ids in a Doc, first mention first."""
    seen: list[str] = []
    for item in find(doc):
        if item.entity == "need_area" and item.value not in seen:
            seen.append(item.value)
    return seen


def merge_need_areas(old: list[str] | None, new: list[str]) -> list[str]:
    """Adds newly mentioned need areas to those known, keeping order and dropping unknown ids."""
    merged = [area for area in (old or []) if area in NEED_AREAS]
    for area in new:
        if area in NEED_AREAS and area not in merged:
            merged.append(area)
    return merged


def about_the_person(areas: list[str], answering: str | None) -> list[str]:
    """The need areas that are the person's own: an answer to the network question ("who
    helps?") talks about the helpers, so their work or children are not read as needs."""
    if answering != "network":
        return areas
    return [area for area in areas if area not in fact_filters()["not_from_network"]]
