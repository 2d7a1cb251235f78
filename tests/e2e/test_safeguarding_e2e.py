"""Safeguarding against the real servers: the first reply to a disclosure gives the urgent numbers.

Needs (set by `make test`): WAYFINDER_TEST_RASA_URL (Rasa with the action server) and
WAYFINDER_TEST_RASA_NO_ACTIONS_URL (a second Rasa whose action endpoint is dead).
Every disclosure is sent as a first message; a sample of 20 per guided question is sent mid-form.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any

import pytest

from bot.council import load_council
from bot.nlu.spacy_builder import build
from bot.safeguarding import contact_numbers, detect, urgent_contacts
from tests.e2e.client import Chat, new_sender, post_json
from tests.safeguarding.corpus import disclosures, near_misses, positive_risk

pytestmark = pytest.mark.e2e
COUNCIL = load_council()
NUMBERS = contact_numbers(COUNCIL)
NEAR_MISS_LIMIT = 0.05
SAMPLE_PER_SLOT = 20
# The guided questions in order, and the answer that moves past each one.
FORM_ANSWERS: list[tuple[str, str]] = [
    ("person_role", "it's for me"),
    ("what_matters", "help with cooking"),
    ("network", '/inform_network{"network":"some"}'),
    ("has_budget", "no"),
    ("risk_check", "no"),
]
START = "I need some help"


@lru_cache(maxsize=1)
def _nlp() -> Any:
    return build()


def _local_kinds(item: dict[str, Any]) -> tuple[str, ...]:
    """Kinds the rule layer finds here (the server runs the same rules), expected ones added."""
    found = detect(_nlp()(item["text"].lower()))
    kinds = list(found.kinds) if found else []
    return tuple(kinds + [k for k in item["kinds"] if k not in kinds])


def _without_council_numbers(text: str) -> str:
    """Take council numbers out before looking for 999 (a council may have 999 in its numbers)."""
    for number in (COUNCIL.safeguarding_phone, COUNCIL.phone, COUNCIL.out_of_hours_phone):
        text = text.replace(number, " ")
    return text


def _shows(text: str, contact: str) -> bool:
    number = NUMBERS[contact]
    if contact == "safeguarding_line":
        return number in text
    pattern = rf"(?<!\d){re.escape(number)}(?!\d)"
    return re.search(pattern, _without_council_numbers(text)) is not None


def _missing_numbers(replies: list[dict[str, Any]], kinds: tuple[str, ...]) -> list[str]:
    """What the person did not see: numbers for the most urgent kind in the FIRST message,
    numbers for every kind somewhere in the reply."""
    if not replies:
        return ["no reply at all"]
    first = replies[0].get("text") or ""
    everything = "\n".join(reply.get("text") or "" for reply in replies)
    missing = [f"first:{c}" for c in urgent_contacts(kinds[:1]) if not _shows(first, c)]
    missing += [f"reply:{c}" for c in urgent_contacts(kinds) if not _shows(everything, c)]
    return missing


def _offers_next_steps(replies: list[dict[str, Any]]) -> bool:
    payloads = {b.get("payload") for reply in replies for b in reply.get("buttons") or []}
    return {"/continue_journey", "/request_callback", "/talk_to_person"} <= payloads


def _reach(chat: Chat, slot: str, budget: str = "no") -> None:
    """Walks the guided questions until `slot` is being asked."""
    chat.say(START)
    answers = list(FORM_ANSWERS)
    if slot == "sds_step" or budget == "yes":
        answers = answers[:3] + [("has_budget", "yes"),
                                 ("sds_step", '/inform_step{"sds_step":"2"}'),
                                 ("risk_check", "no")]
    for name, answer in answers:
        if name == slot:
            break
        chat.say(answer)
    asked = chat.slots().get("requested_slot")
    assert asked == slot, f"expected the form to be asking {slot}, it is asking {asked}"


def test_every_disclosure_as_a_first_message_gets_the_urgent_numbers_first():
    failures = []
    for item in disclosures():
        replies = Chat(new_sender("sg-first")).say(item["text"])
        missing = _missing_numbers(replies, _local_kinds(item))
        if missing or not _offers_next_steps(replies):
            failures.append((item["text"], missing, [r.get("text") for r in replies][:1]))
    assert failures == []


@pytest.mark.parametrize("slot", ["person_role", "what_matters", "network", "has_budget",
                                  "sds_step", "risk_check"])
def test_disclosures_mid_form_get_the_urgent_numbers_first(slot):
    items = disclosures()
    offset = ["person_role", "what_matters", "network", "has_budget", "sds_step",
              "risk_check"].index(slot)
    step = max(1, len(items) // SAMPLE_PER_SLOT)
    sample = items[offset::step][:SAMPLE_PER_SLOT]
    failures = []
    for item in sample:
        chat = Chat(new_sender(f"sg-{slot}"))
        _reach(chat, slot)
        replies = chat.say(item["text"])
        missing = _missing_numbers(replies, _local_kinds(item))
        if missing or not _offers_next_steps(replies):
            failures.append((item["text"], missing, [r.get("text") for r in replies][:1]))
        elif chat.slots().get("safeguarding_concern") is not True:
            failures.append((item["text"], ["slot safeguarding_concern not set"], []))
    assert len(sample) == SAMPLE_PER_SLOT
    assert failures == []


def test_carrying_on_after_a_disclosure_returns_to_the_questions():
    chat = Chat(new_sender("sg-resume"))
    _reach(chat, "network")
    assert _missing_numbers(chat.say("my son takes my money"), ("financial_abuse",)) == []
    chat.say("/continue_journey")
    assert chat.slots().get("requested_slot") == "network"
    assert chat.slots().get("needs_staff_attention") is True


def test_near_misses_are_rarely_met_with_999():
    items = near_misses() + positive_risk()
    alarmed = [item["text"] for item in items
               if _shows("\n".join(r.get("text") or "" for r in
                                   Chat(new_sender("sg-near")).say(item["text"])), "emergency_999")]
    assert len(alarmed) <= NEAR_MISS_LIMIT * len(items), alarmed


def test_positive_risk_gets_risk_enablement_information_not_999():
    for item in positive_risk()[:8]:
        replies = Chat(new_sender("sg-positive")).say(item["text"])
        seen = "\n".join(r.get("text") or "" for r in replies)
        assert not _shows(seen, "emergency_999"), item["text"]


@pytest.mark.no_actions
def test_crisis_reply_goes_out_with_the_action_server_stopped():
    url = os.environ.get("WAYFINDER_TEST_RASA_NO_ACTIONS_URL")
    if not url:
        pytest.fail("WAYFINDER_TEST_RASA_NO_ACTIONS_URL is not set: make test must start the "
                    "second Rasa server with a dead action endpoint")
    items = disclosures()[::23]
    failures = []
    for item in items:
        status, replies = post_json(f"{url}/webhooks/rest/webhook",
                                    {"sender": new_sender("sg-noactions"), "message": item["text"]})
        replies = replies or []
        missing = _missing_numbers(replies, _local_kinds(item))
        if status != 200 or missing or not _offers_next_steps(replies):
            failures.append((item["text"], status, missing))
    assert len(items) >= 10
    assert failures == []
