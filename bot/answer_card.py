"""The answer as a short card for the web widget: where you are, the first thing to do, one place
to try and your rights first; the other tiers and places behind "show more".

The card travels as a custom payload (Rasa `json_message`) sent just before the ordinary text
answer; `replaces` tells the widget how many of the following text messages the card stands for.
Other channels (SMS, REST) never get it, so their text answer is unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.advice import Answer
from bot.content import load
from bot.council import load_council

CARD_KIND = "wayfinder_answer_card"
CARD_CHANNELS = frozenset({"widget"})  # bot/channels/widget.py


def _wording() -> dict[str, Any]:
    return load("answer_card")


def _place(values: Mapping[str, Any]) -> dict[str, str]:
    detail = _wording()["place_detail"].format(
        summary=values.get("summary", ""), cost=values.get("cost", ""),
        approved=values.get("approved", ""), last_checked=values.get("last_checked", ""))
    return {"name": str(values.get("name", "")), "contact": str(values.get("contact", "")),
            "detail": " ".join(detail.split())}


def _tiers(answer: Answer) -> list[dict[str, Any]]:
    wording = _wording()
    tiers: list[dict[str, Any]] = []
    for name, values in answer.messages:
        if name == "utter_tier":
            tiers.append({
                "heading": wording["tier_heading"].format(**values),
                "text": str(values.get("reason", "")),
                "detail": wording["tier_detail"].format(**values),
                "places": [], "notes": []})
        elif name == "utter_service" and tiers:
            tiers[-1]["places"].append(_place(values))
        elif name == "utter_no_service" and tiers:
            council = load_council()
            tiers[-1]["notes"].append(wording["no_place"].format(**council.as_slots()))
    return tiers


def build_card(answer: Answer, role: Any = None) -> dict[str, Any]:
    """The card's data (plain strings only; the widget lays it out)."""
    wording = _wording()
    council = load_council()
    values = dict(next((v for n, v in answer.messages if n == "utter_where_you_are"), {}))
    summary = dict(next((v for n, v in answer.messages if n == "utter_summary"), {}))
    tiers = _tiers(answer)
    places = [place for tier in tiers for place in tier["places"]]
    first_place = places[0] if places else None
    where = wording["where"].format(step_number=values.get("step_number", ""),
                                    step_name=values.get("step_name", ""))
    first = " ".join(str(values.get("step_what", "")).split())
    no_place = wording["no_place"].format(**council.as_slots())
    rights = wording["rights"].get(role if role in wording["rights"] else "self")
    place_text = (f"{first_place['name']} ({first_place['contact']})" if first_place
                  else council.phone)
    return {
        "kind": CARD_KIND,
        "replaces": len(answer.messages),
        "headings": dict(wording["headings"]),
        "where": where,
        "where_detail": str(values.get("step_next", "")),
        "first": first,
        "place": first_place,
        "no_place": None if first_place else no_place,
        "rights": list(rights),
        "more": tiers,
        "told": str(summary.get("told", "")),
        "next": str(summary.get("next_action", "")),
        "sms": wording["sms"].format(council_name=council.name, where=where, first=first,
                                     place=place_text, council_phone=council.phone),
    }


def card_for_channel(answer: Answer, channel: str | None, slots: Mapping[str, Any]
                     ) -> dict[str, Any] | None:
    """The card for channels that can show it (the web widget); None for every other channel."""
    return build_card(answer, slots.get("person_role")) if channel in CARD_CHANNELS else None
