"""Held-out safeguarding evaluation: recall per kind, false alarms per category, mid-form, SMS.

python -m tests.safeguarding_heldout [--model models/rasa] [--project]   (make safeguarding-heldout)
The held-out set (tests/safeguarding/heldout/) was written by people who never saw the patterns or
the training data; it is never trained on (tests/test_safeguarding_heldout_overlap.py). Each text
is parsed ONCE; only the dialogue policy depends on the state, so every disclosure is then checked
at every guided question from the parse, and once more end to end through the SMS output channel.
--project measures on the project's own corpus (items marked held_out: true) instead.
Prints the issue's targets as met or NOT MET; exits 1 below the regression floors.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import structlog
import yaml
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.model import get_local_model
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.twilio_sms import TwilioSMSOutput
from bot.sms.buttons import match_reply, options_from_buttons
from tests import safeguarding_conversation as conversation
from tests.safeguarding.corpus import load
from tests.safeguarding_exhaustive import QUESTIONS, URGENT, mid_form_events

HELDOUT = Path(__file__).resolve().parent / "safeguarding" / "heldout"
# The targets (issue 9, "An evaluation that can fail"): printed as met or NOT MET.
TARGET_URGENT_OR_CHECK, TARGET_URGENT = 0.99, 0.95
TARGET_NEAR_URGENT, TARGET_NEAR_CHECK = 0.03, 0.15
# What make test enforces: no regression below the figures reached (2026-12-01, fourth session:
# urgent-or-check 0.992, urgent 0.953, near-miss 999s 0.048, checks 0.101; fifth session, model
# with denied words marked, hard examples weighted, seven outside writers: 0.994, 0.953, 0.037,
# 0.076). Tighten these as the detector improves; issue 9 stays open until the targets above are
# met. Never loosen them.
MIN_URGENT_OR_CHECK, MIN_URGENT = 0.99, 0.95
MAX_NEAR_URGENT, MAX_NEAR_CHECK = 0.045, 0.09
CHECKS = ("utter_safeguarding_check", "utter_safeguarding_check_suicidal")


def heldout_sets(project: bool) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(disclosures [{kind, text}], near-misses [{category, text}])."""
    if project:
        disc = [{"kind": i["kinds"][0], "text": i["text"]} for i in load("disclosures")
                if i.get("held_out")]
        near = [{"category": n, "text": i["text"]} for n in ("near_misses", "positive_risk")
                for i in load(n) if i.get("held_out")]
        return disc, near
    disc_file, near_file = HELDOUT / "disclosures.yml", HELDOUT / "near_misses.yml"
    if not disc_file.exists() or not near_file.exists():
        raise SystemExit(f"held-out set missing: {disc_file} and {near_file} must exist")
    disc = yaml.safe_load(disc_file.read_text(encoding="utf-8"))["disclosures"]
    near = yaml.safe_load(near_file.read_text(encoding="utf-8"))["near_misses"]
    return list(disc), list(near)


def outcome_of(parse: dict[str, Any]) -> str:
    """urgent, check or none, as SafeguardingDetector left it in the parse."""
    if (parse.get("intent") or {}).get("name") == "disclose_harm":
        return "urgent"
    for entity in parse.get("entities") or ():
        if entity.get("entity") == "risk_outcome":
            return str(entity.get("value"))
    return "none"


class Evaluation:
    """One loaded agent, used in process with no action server."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.domain = agent.domain
        phone = [str(s.initial_value) for s in self.domain.slots
                 if s.name == "safeguarding_phone" and s.initial_value]
        self.urgent_numbers = URGENT + tuple(phone)

    def shows_numbers(self, text: str) -> bool:
        return any(number in text for number in self.urgent_numbers)

    def next_action(self, tracker: DialogueStateTracker) -> tuple[str, list[Any]]:
        prediction = self.agent.processor._predict_next_with_tracker(tracker)
        name = self.domain.action_names_or_texts[prediction.max_confidence_index]
        return name, list(prediction.events or [])  # the ensemble moves optional events here

    def response_text(self, action: str, channel: str | None = None) -> str:
        variants = self.domain.responses.get(action) or []
        chosen = [v for v in variants if v.get("channel") == channel] or \
                 [v for v in variants if not v.get("channel")]
        return str(chosen[0].get("text", "")) if chosen else ""

    def mid_form_ok(self, text: str, parse: dict[str, Any], question: str) -> bool:
        """Urgent numbers in the first reply, or the check question and urgent numbers on yes."""
        tracker = DialogueStateTracker.from_events(f"m-{question}", [], self.domain.slots)
        tracker.update_with_events(mid_form_events(question), self.domain)
        tracker.update(UserUttered(text, parse.get("intent"), parse.get("entities"), parse))
        action, events = self.next_action(tracker)
        if action not in CHECKS:
            return action.startswith("utter_safeguarding_") and \
                self.shows_numbers(self.response_text(action))
        yes = UserUttered("/affirm", {"name": "affirm", "confidence": 1.0})
        tracker.update_with_events(
            [*events, ActionExecuted(action), ActionExecuted("action_listen"), yes], self.domain)
        action, events = self.next_action(tracker)
        return any(isinstance(e, SlotSet) and e.key == "safeguarding_concern" and e.value
                   for e in events) and self.shows_numbers(self.response_text(action))

    async def sms_ok(self, text: str, sender: str) -> bool:
        """Through the SMS output: numbers in the first text, or in the reply to "1" (Yes)."""
        output = TwilioSMSOutput()
        await self.agent.handle_message(UserMessage(text, output, sender))
        if not output.messages:
            return False
        first = output.messages[0]
        if self.shows_numbers(first.get("text", "")):
            return True
        options = options_from_buttons(first.get("buttons"))
        chosen = match_reply("1", options)
        if chosen is None or chosen.title != "Yes":
            return False
        output = TwilioSMSOutput()
        await self.agent.handle_message(UserMessage(chosen.payload, output, sender))
        return bool(output.messages) and self.shows_numbers(output.messages[0].get("text", ""))


def _rate(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def _target(what: str, met: bool, value: float, goal: str) -> None:
    print(f"issue 9 target: {what} {value:.3f} {goal}: {'met' if met else 'NOT MET'}")


def report(disc: list[dict[str, str]], near: list[dict[str, str]],
           outcomes: dict[str, str]) -> list[str]:
    """Prints the tables; returns the failures."""
    failures: list[str] = []
    by_kind: dict[str, list[str]] = defaultdict(list)
    for item in disc:
        by_kind[item["kind"]].append(outcomes[item["text"]])
    print(f"{'kind':24} {'n':>4} {'urgent':>7} {'urg|chk':>8}")
    for kind in sorted(by_kind):
        values = by_kind[kind]
        urgent = _rate(values.count("urgent"), len(values))
        either = _rate(len(values) - values.count("none"), len(values))
        print(f"{kind:24} {len(values):4d} {urgent:7.3f} {either:8.3f}")
    values = [outcomes[i["text"]] for i in disc]
    urgent = _rate(values.count("urgent"), len(values))
    either = _rate(len(values) - values.count("none"), len(values))
    print(f"{'ALL disclosures':24} {len(values):4d} {urgent:7.3f} {either:8.3f}")
    _target("urgent-or-check recall", either >= TARGET_URGENT_OR_CHECK, either,
            f">= {TARGET_URGENT_OR_CHECK}")
    _target("urgent recall", urgent >= TARGET_URGENT, urgent, f">= {TARGET_URGENT}")
    if either < MIN_URGENT_OR_CHECK:
        failures.append(f"urgent-or-check recall {either:.3f} < {MIN_URGENT_OR_CHECK}")
    if urgent < MIN_URGENT:
        failures.append(f"urgent recall {urgent:.3f} < {MIN_URGENT}")
    near_urgent, near_check = conversation.category_rates(near, outcomes, "near-miss category",
                                                          "ALL near-misses")
    _target("near-misses urgent", near_urgent <= TARGET_NEAR_URGENT, near_urgent,
            f"<= {TARGET_NEAR_URGENT}")
    _target("near-misses check", near_check <= TARGET_NEAR_CHECK, near_check,
            f"<= {TARGET_NEAR_CHECK}")
    if near_urgent > MAX_NEAR_URGENT:
        failures.append(f"near-misses urgent {near_urgent:.3f} > {MAX_NEAR_URGENT}")
    if near_check > MAX_NEAR_CHECK:
        failures.append(f"near-misses check {near_check:.3f} > {MAX_NEAR_CHECK}")
    return failures


async def run(model: str, project: bool) -> int:
    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(get_local_model(model))
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    store = InMemoryTrackerStore(agent.domain)
    agent.tracker_store = store
    agent.processor.tracker_store = store
    evaluation = Evaluation(agent)
    disc, near = heldout_sets(project)
    turns = [] if project else conversation.items()
    parses: dict[str, dict[str, Any]] = {}
    for item in [*disc, *near, *turns]:
        if item["text"] not in parses:
            parses[item["text"]] = await agent.parse_message(item["text"])
    outcomes = {text: outcome_of(parse) for text, parse in parses.items()}
    failures = report(disc, near, outcomes) + conversation.report(turns, outcomes)
    mid_misses = [(q, i["text"]) for i in disc for q in QUESTIONS
                  if not evaluation.mid_form_ok(i["text"], parses[i["text"]], q)]
    total = len(disc) * len(QUESTIONS)
    mid_ok = total - len(mid_misses)
    print(f"\nmid-form (every disclosure at each of {len(QUESTIONS)} questions): "
          f"urgent help first or after yes {mid_ok} / {total}")
    sms_ok = 0
    for number, item in enumerate(disc):
        sms_ok += await evaluation.sms_ok(item["text"], f"sms-{number}")
    print(f"SMS channel: urgent help first or after replying 1 (Yes) {sms_ok} / {len(disc)}")
    # Mid-form and SMS follow the parse: they must not lose any disclosure the parse caught.
    caught = sum(outcomes[i["text"]] != "none" for i in disc)
    if mid_ok < caught * len(QUESTIONS):
        failures.append(f"mid-form lost disclosures: {mid_ok} < {caught * len(QUESTIONS)}")
    if sms_ok < caught:
        failures.append(f"SMS lost disclosures: {sms_ok} < {caught}")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/rasa")
    parser.add_argument("--project", action="store_true",
                        help="measure on the project corpus (held_out: true items) instead")
    args = parser.parse_args(argv)
    return asyncio.run(run(args.model, args.project))


if __name__ == "__main__":
    sys.exit(main())
