"""The outcome of a call: checked, recorded in the needs log, and a case note to paste.

Only ids are stored (outcome ids, service ids, need areas). The case note is built from ids and
the call handler's own typed note; it is shown once for copying and never stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.content import need_label, need_labels
from bot.needs_log import NeedsLog
from bot.staff.panel import Panel
from bot.staff.wording import wording
from bot.vocab import NEED_AREAS

ACTIONS = ("needs_assessment", "carers_assessment", "safeguarding_referral")
MAX_NOTE = 999
CHANNEL = "staff"


@dataclass
class CallOutcome:
    places: list[str] = field(default_factory=list)  # service ids
    actions: list[str] = field(default_factory=list)
    unmet_area: str | None = None
    note: str = ""


def parse_outcome(form: Mapping[str, Sequence[str]], known_places: Sequence[str]) -> CallOutcome:
    """The posted form (multi-valued) as a CallOutcome; ValueError for anything unexpected."""
    places = list(dict.fromkeys(form.get("place", [])))
    if any(p not in known_places for p in places):
        raise ValueError("a place that was not offered in this call")
    actions = list(dict.fromkeys(form.get("action", [])))
    if any(a not in ACTIONS for a in actions):
        raise ValueError("unknown outcome")
    unmet = (form.get("unmet_area") or [""])[0] or None
    if unmet is not None and unmet not in NEED_AREAS:
        raise ValueError("unknown need area")
    note = (form.get("note") or [""])[0].replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        raise ValueError("note too long")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in note):
        raise ValueError("note has control characters")
    return CallOutcome(places, actions, unmet, note)


def record(log: NeedsLog, call_id: str, outcome: CallOutcome, panel: Panel) -> None:
    """Writes the outcome under channel 'staff' (idempotent: saving twice adds nothing). What the
    handler corrected in the panel is what is recorded: the call's need areas become the panel's,
    and tiers the handler took out are no longer counted as recommended."""
    log.record_contact(call_id, CHANNEL, role=None)
    log.correct_needs(call_id, [area for area, _ in panel.needs])
    if panel.step:
        log.record_step(call_id, panel.step[0])
    tiers = panel.tier_ids()
    if panel.tiers_corrected:
        log.correct_tiers(call_id, tiers)
    if tiers or outcome.places:
        log.record_recommendation(call_id, tiers, outcome.places, "staff_outcome")
    if outcome.places:
        log.record_outcome(call_id, "signposted")
    for action in outcome.actions:
        log.record_outcome(call_id, action)
    if outcome.unmet_area:
        log.record_unmet_need(call_id, outcome.unmet_area, None, "staff_noted",
                              f"staff_outcome:{outcome.unmet_area}")
        log.record_outcome(call_id, "unmet_need")


def case_note(outcome: CallOutcome, panel: Panel, today: date | None = None) -> str:
    """Plain text under 1,000 characters: ids turned into words, plus the handler's note."""
    words = wording()["case_note"]
    lines = [words["heading"].format(date=(today or date.today()).strftime("%d %B %Y"))]
    if panel.who:
        lines.append(words["about"].format(who=panel.who))
    if panel.needs:
        lines.append(words["needs"].format(needs=need_labels([a for a, _ in panel.needs])))
    if panel.step:
        lines.append(words["step"].format(step=panel.step[0], step_name=panel.step[1]))
    if panel.tiers:
        lines.append(words["tiers"].format(tiers=", ".join(t["label"] for t in panel.tiers)))
    if panel.right_ids:
        shorts = wording()["panel"]
        lines.append(words["rights"].format(
            rights=", ".join(shorts[f"right_{r}_short"] for r in panel.right_ids)))
    chosen = [p for p in panel.places if p["id"] in outcome.places]
    if chosen:
        lines.append(words["places"].format(
            places="; ".join(f"{p['name']} ({p['contact']})" for p in chosen)))
    for action in outcome.actions:
        lines.append(words["actions"][action])
    if outcome.unmet_area:
        lines.append(words["actions"]["unmet_need"].format(area=need_label(outcome.unmet_area)))
    if panel.safeguarding:
        lines.append(words["safeguarding"].format(kinds=", ".join(panel.risk_kinds) or "-"))
    fixed = "\n".join(lines)
    if outcome.note:
        room = MAX_NOTE - len(fixed) - 1 - len(words["staff_note"].format(note=""))
        fixed += "\n" + words["staff_note"].format(note=outcome.note[:max(room, 0)])
    return fixed[:MAX_NOTE]


def summary(outcome: CallOutcome) -> dict[str, Any]:
    return {"places": outcome.places, "actions": outcome.actions, "unmet": outcome.unmet_area}
