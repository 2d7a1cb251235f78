"""Every disclosure, mid-form at every guided question, in process (no servers, no action server).

python -m tests.safeguarding_exhaustive [--model models/rasa]   (make safeguarding-test)
All 234 x 6 pairs over HTTP would take half an hour; in process it takes a few minutes. Each
conversation is built from events, paused at one question, with no action server configured, and
must get urgent numbers in the FIRST reply and safeguarding_concern set. Exits 1 on any miss.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import structlog
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.model import get_local_model
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from tests.safeguarding.corpus import disclosures

QUESTIONS = ("person_role", "what_matters", "network", "has_budget", "sds_step", "risk_check")


def mid_form_events(question: str) -> list:
    """A conversation paused at `question` of guide_form."""
    return [ActionExecuted("action_session_start"), SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered("/i_am_self", {"name": "i_am_self", "confidence": 1.0}),
            ActionExecuted("guide_form"), ActiveLoop("guide_form"),
            SlotSet("requested_slot", question), ActionExecuted("action_listen")]


URGENT = ("999", "116 123", "0808 2000 247", "0800 1111")


async def run(model: str) -> int:
    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(get_local_model(model))
    # Rasa's own debug lines (one per prediction, thousands here) would bury the result.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    urgent = URGENT + tuple(str(slot.initial_value) for slot in agent.domain.slots
                            if slot.name == "safeguarding_phone" and slot.initial_value)
    store = InMemoryTrackerStore(agent.domain)
    agent.tracker_store = store
    agent.processor.tracker_store = store
    misses = []
    items = disclosures()
    for question in QUESTIONS:
        for number, item in enumerate(items):
            sender = f"x-{question}-{number}"
            tracker = await store.get_or_create_tracker(sender)
            tracker.update_with_events(mid_form_events(question), agent.domain)
            await store.save(tracker)
            output = CollectingOutputChannel()
            await agent.handle_message(UserMessage(item["text"], output, sender))
            first = output.messages[0].get("text", "") if output.messages else ""
            slots = (await store.retrieve(sender)).current_slot_values()
            if not any(number in first for number in urgent):
                misses.append((question, item["text"]))
            elif not slots.get("safeguarding_concern"):
                misses.append((question, item["text"] + " (flag not set)"))
    total = len(items) * len(QUESTIONS)
    for question, text in misses[:20]:
        print(f"  missed at {question}: {text!r}")
    print(f"crisis reply first, mid-form: {total - len(misses)} / {total}")
    return 1 if misses else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/rasa")
    args = parser.parse_args(argv)
    return asyncio.run(run(args.model))


if __name__ == "__main__":
    sys.exit(main())
