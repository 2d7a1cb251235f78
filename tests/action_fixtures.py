"""Builds rasa_sdk trackers and runs actions the way the action server would."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.nlu.domain_builder import build_domain

DOMAIN = build_domain()


def make_tracker(slots: dict[str, Any] | None = None, text: str = "hello",
                 intent: str = "describe_needs", entities: list[dict[str, Any]] | None = None,
                 channel: str = "rest", active_loop: str | None = None,
                 sender: str = "web-test-person", message_id: str = "m-1") -> Tracker:
    """A tracker whose latest user message is `text` with the given intent and entities."""
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update({k: v.get("initial_value") for k, v in DOMAIN["slots"].items()})
    all_slots.update(slots or {})
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99},
              "entities": entities or [], "message_id": message_id}
    events = [{"event": "action", "name": "action_listen", "timestamp": 1.0},
              {"event": "user", "text": text, "timestamp": 2.0, "parse_data": latest,
               "input_channel": channel, "message_id": message_id}]
    return Tracker(sender, all_slots, latest, events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def run(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(messages sent, events returned) from running one action."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def project(needs_log: Any, tracker: Tracker, events: list[dict[str, Any]]) -> None:
    """What Rasa and the needs-log consumer do with an action's events: stamp and apply them."""
    from bot.needs_log.projection import Projector

    projector = Projector(needs_log)
    for event in events:
        projector.apply(tracker.sender_id, {**event, "timestamp": event.get("timestamp")
                                            or time.time()})


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [message.get("response") for message in messages]
