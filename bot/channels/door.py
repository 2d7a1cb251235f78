"""Input at the door: what every chat channel does with a message before Rasa sees it.

- text must be a string (the channels answer 400 otherwise);
- control characters are stripped (new lines and tabs become spaces);
- more than WAYFINDER_MAX_MESSAGE_CHARS (about 8 KB) is refused with a clear reply, and
  nothing is stored; an empty message gets a clear reply too;
- a leading "/" is a button payload only when it is exactly the payload of a button this
  conversation was offered; otherwise the slash is dropped and the words are read as words, so
  "/ I want to kill myself" reaches the safeguarding detector.

If Rasa fails on the turn (database locked or down), the person gets the `trouble` text (999,
Samaritans and the council's number) instead of nothing.
guard(on_new_message, agent_of) wraps Rasa's message handler for any channel.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered

from bot import settings
from bot.council import load_council

WORDING_PATH = settings.PROJECT_ROOT / "data" / "channels" / "door.yml"
DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn"}  # control, invisible format, lone surrogate, unassigned
SPACES = re.compile(r"[\t\r\n\v\f\u2028\u2029]+")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DoorWording:
    too_long: str
    empty: str
    trouble: str
    opening_payloads: frozenset[str]


@lru_cache(maxsize=1)
def wording(path: str | None = None) -> DoorWording:
    data = yaml.safe_load(Path(path or WORDING_PATH).read_text(encoding="utf-8"))
    slots = load_council().as_slots()
    texts = {key: data[key].format(**slots) for key in ("too_long", "empty", "trouble")}
    return DoorWording(**texts, opening_payloads=frozenset(data.get("opening_payloads") or ()))


def clean(text: str) -> str:
    """Control and invisible characters out, runs of new lines and tabs to one space."""
    text = SPACES.sub(" ", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in DROPPED)
    return unicodedata.normalize("NFC", text).strip()


def too_long(text: str) -> bool:
    return len(text) > settings.max_message_chars()


def offered_payloads(tracker: Any) -> set[str]:
    """Every button payload this conversation has been shown."""
    payloads: set[str] = set()
    for event in getattr(tracker, "events", None) or []:
        if isinstance(event, BotUttered):
            for button in (event.data or {}).get("buttons") or []:
                if isinstance(button, dict) and isinstance(button.get("payload"), str):
                    payloads.add(button["payload"].strip())
    return payloads


def read_slash(text: str, offered: set[str]) -> str:
    """A payload only if it was offered; otherwise the words after the slash."""
    if not text.startswith("/") or text in offered or text in wording().opening_payloads:
        return text
    return text.lstrip("/").strip()


async def _offered(agent: Any, sender: str) -> set[str]:
    try:
        tracker = await agent.tracker_store.retrieve(sender)
    except Exception as error:  # noqa: BLE001 - unknown payloads then read as words
        logger.error("door.tracker_unavailable %s", type(error).__name__)
        return set()
    return offered_payloads(tracker)


def guard(on_new_message: Callable[[UserMessage], Awaitable[Any]],
          agent_of: Callable[[], Any]) -> Callable[[UserMessage], Awaitable[Any]]:
    """Rasa's message handler, with the door checks in front of it."""

    async def checked(message: UserMessage) -> Any:
        text = clean(message.text) if isinstance(message.text, str) else ""
        if too_long(text):
            logger.info("door.refused_too_long chars=%d", len(text))
            await message.output_channel.send_text_message(message.sender_id,
                                                           wording().too_long)
            return None
        if text.startswith("/"):
            agent = agent_of()
            offered = await _offered(agent, message.sender_id) if agent else set()
            text = read_slash(text, offered)
        if not text:
            await message.output_channel.send_text_message(message.sender_id, wording().empty)
            return None
        message.text = text
        try:
            return await on_new_message(message)
        except Exception as error:  # noqa: BLE001 - e.g. the database is locked or down
            logger.error("door.turn_failed %s", type(error).__name__)
            await message.output_channel.send_text_message(message.sender_id, wording().trouble)
            return None

    return checked
