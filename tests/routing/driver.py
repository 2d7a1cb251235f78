"""Drives a vignette through the whole conversation over REST, as a newcomer would, and scores
the places shown: every place fits (kind not in `wrong`, open to the person's groups) and at
least one `fitting` kind is shown.

The person answers each question with their own message for it when they have one; otherwise
they press the button that matches their facts (as a person would), or say "not sure".
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.directory import Directory
from bot.directory.fit import eligible

ROLE_BUTTONS = {"self": "/i_am_self", "carer": "/i_am_carer", "staff": "/i_am_staff"}
BUDGET_BUTTONS = {"yes": "/affirm", "no": "/deny", "unknown": "/dont_know"}
CHANNEL_INPUT = {"sms": "twilio", "web": "rest", "staff": "rest"}
MAX_TURNS = 16
# Slots reported for a vignette: ids and numbers only, never what the person typed (held-out).
REPORTED_SLOTS = ("person_role", "need_areas", "person_groups", "person_age", "sds_step",
                  "has_budget", "network", "postcode_district", "requested_slot")


@dataclass
class Result:
    """One vignette's outcome."""

    id: str
    ok: bool
    category: str  # fits | wrong_kind | not_eligible | no_fitting_kind | no_places | stuck
    shown: list[str] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    turns: int = 0
    step: Any = None
    slots: dict[str, Any] = field(default_factory=dict)


class Rest:
    """A conversation with a running Wayfinder over the REST channel (or Twilio-like input)."""

    def __init__(self, url: str, token: str, channel: str) -> None:
        self.url, self.token = url, token
        self.sender = f"vignette-{uuid.uuid4().hex[:12]}"
        self.channel = channel

    def _post(self, path: str, body: Any) -> Any:
        request = urllib.request.Request(f"{self.url}{path}", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as reply:  # noqa: S310 - loopback
            return json.loads(reply.read() or b"null")

    def say(self, text: str) -> list[str]:
        body = {"sender": self.sender, "message": text}
        if self.channel == "sms":
            body["metadata"] = {"input_channel": "twilio"}
        replies = self._post("/webhooks/rest/webhook", body) or []
        return [str(r.get("text") or "") for r in replies]

    def tracker(self) -> dict[str, Any]:
        url = (f"{self.url}/conversations/{self.sender}/tracker?include_events=NONE"
               f"&token={self.token}")
        with urllib.request.urlopen(url, timeout=60) as reply:  # noqa: S310 - loopback
            return json.loads(reply.read())


def place_names(lines: Iterable[str], names: list[str]) -> list[str]:
    """Directory names shown as places ('- Name: ...' lines), longest name first."""
    found: list[str] = []
    for text in lines:
        for line in text.splitlines():
            line = line.strip()
            if not line.startswith("- "):
                continue
            body = line[2:]
            match = next((n for n in names if body.startswith(n)), None)
            if match and match not in found:
                found.append(match)
    return found


def judge(vignette: Mapping[str, Any], shown: list[str], directory: Directory) -> Result:
    """Scores the places shown against the vignette's fitting and wrong kinds and its groups."""
    by_name = {e.listing.name: e.listing for e in directory.entries}
    fitting = set(vignette.get("fitting") or [])
    wrong = [str(w) for w in vignette.get("wrong") or []]
    facts = vignette.get("facts") or {}
    groups = set(facts.get("groups") or [])
    if vignette.get("role") == "carer":
        groups.add("carers")
    bad, category = [], "fits"
    any_fitting = False
    for name in shown:
        listing = by_name[name]
        kinds = set(listing.kinds)
        any_fitting = any_fitting or bool(kinds & fitting)
        hit = [w for w in wrong if (":" not in w and w in kinds) or (
            ":" in w and w.split(":")[0] in kinds and w.split(":")[1] in listing.groups)]
        if hit and not kinds & fitting:
            bad.append(f"{name} (wrong: {', '.join(hit)})")
            category = "wrong_kind"
        elif not eligible(listing.groups, groups):
            bad.append(f"{name} (for {', '.join(listing.groups)})")
            category = "not_eligible" if category == "fits" else category
    if not shown:
        category = "no_places"
    elif not any_fitting and category == "fits":
        category = "no_fitting_kind"
    return Result(str(vignette.get("id")), category == "fits", category, shown, bad)


def _answer(slot: str, vignette: Mapping[str, Any], unsent: dict[str, str],
            asked: dict[str, int]) -> str:
    facts = vignette.get("facts") or {}
    tries = asked.get(slot, 0)

    def take(*keys: str) -> str:
        parts = [unsent.pop(k) for k in keys if k in unsent]
        return " ".join(parts)

    if slot == "person_role":
        return (take("who_for") if tries == 0 else "") or ROLE_BUTTONS[vignette["role"]]
    if slot == "what_matters":
        return take("whats_hard", "what_matters", "where") or "I'm not sure what would help"
    if slot == "network":
        typed = take("family_friends", "where") if tries == 0 else ""
        level = "none" if facts.get("lives_alone") else "some"
        return typed or f'/inform_network{{"network":"{level}"}}'
    if slot == "has_budget":
        typed = take("money") if tries == 0 else ""
        return typed or BUDGET_BUTTONS.get(str(facts.get("has_budget")), "/dont_know")
    if slot == "sds_step":
        step = facts.get("sds_step")
        return f'/inform_step{{"sds_step":"{step}"}}' if step else "not sure"
    if slot == "risk_check":
        return "no"
    return "not sure"


def drive(vignette: Mapping[str, Any], url: str, token: str,
          directory: Directory) -> Result:
    """The whole conversation for one vignette, then its score."""
    chat = Rest(url, token, str(vignette.get("channel") or "web"))
    messages = dict(vignette.get("messages") or {})
    unsent = {k: str(v) for k, v in messages.items() if v}
    opening = unsent.pop("opening", None) or unsent.pop("who_for", "hello")
    seen = chat.say(opening)
    asked: dict[str, int] = {}
    turns = 1
    tracker: dict[str, Any] = {}
    while turns < MAX_TURNS:
        tracker = chat.tracker()
        slots = tracker.get("slots") or {}
        if slots.get("recommendation_given"):
            break
        slot = slots.get("requested_slot")
        if slot:
            text = _answer(slot, vignette, unsent, asked)
            asked[slot] = asked.get(slot, 0) + 1
        elif "who_for" in unsent:
            text = unsent.pop("who_for")
        else:
            text = ROLE_BUTTONS[vignette["role"]] if not slots.get("person_role") else \
                (unsent.pop("whats_hard", "") or "I need some help")
        seen += chat.say(text)
        turns += 1
    names = sorted((e.listing.name for e in directory.entries), key=len, reverse=True)
    slots = tracker.get("slots") or {}
    reported = {k: slots.get(k) for k in REPORTED_SLOTS}
    if not slots.get("recommendation_given"):
        return Result(str(vignette.get("id")), False, "stuck", turns=turns, slots=reported)
    result = judge(vignette, place_names(seen, names), directory)
    result.turns, result.step, result.slots = turns, slots.get("sds_step"), reported
    return result
