"""A carer's whole journey by text message, through the real Rasa server, with signed requests.

Needs the Rasa server (and action server) that `make test` starts, with the SMS channel on:
WAYFINDER_TEST_RASA_URL, TWILIO_AUTH_TOKEN=test-auth-token, TWILIO_ACCOUNT_SID=ACtest,
TWILIO_NUMBER=+447700900123, TWILIO_PUBLIC_BASE_URL=$WAYFINDER_TEST_RASA_URL. Assertions are on
what the phone would show, and tolerate changes of wording: the journey is driven by what each
question is about, not by its exact words.
"""

from __future__ import annotations

import os
import random
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pytest
import requests

from bot.council import load_council
from bot.privacy import pseudonym
from bot.sms.gsm7 import is_gsm7, septets
from bot.sms.segments import count_segments
from bot.sms.wording import load_wording
from tests.fake_twilio import WEBHOOK_PATH, message_sid, sign_form, sms_params

pytestmark = pytest.mark.e2e

TOKEN = os.environ.get("TWILIO_AUTH_TOKEN") or "test-auth-token"
MAX_TURNS = 16
CARER_STORY = ("My mum has dementia and lives alone. She finds washing and cooking hard now, "
               "and I am worn out from doing it all after work.")
# Things a phone must never show: payloads, intent or action names, unfilled placeholders.
LEAKS = re.compile(r"(^|\s)/[a-z_]+|[{}]|\b(i_am_\w+|inform_\w+|utter_\w+|action_\w+|"
                   r"affirm|deny|sds_step|person_role)\b")
OPTION_SPLIT = re.compile(r"(?:^Reply |;? or |, |; )(?=\d+ for )")


def rasa_url() -> str:
    url = os.environ.get("WAYFINDER_TEST_RASA_URL", "").rstrip("/")
    assert url, "WAYFINDER_TEST_RASA_URL is not set: run these through `make test`"
    return url


def drama_phone() -> str:
    """A random number from Ofcom's range kept for drama (07700 900000-900999)."""
    return f"+447700900{random.randint(200, 999):03d}"


@dataclass
class Turn:
    sent: str
    shown: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.shown)

    def options(self) -> dict[int, str]:
        """The numbered options at the end of this turn ({} if there are none)."""
        lines = self.shown[-1].split("\n") if self.shown else []
        if not lines or not lines[-1].startswith("Reply "):
            return {}
        found: dict[int, str] = {}
        for piece in OPTION_SPLIT.split(lines[-1].rstrip(".")):
            match = re.match(r"(\d+) for (.+)$", piece.strip())
            if match:
                found[int(match.group(1))] = match.group(2).strip()
        return found


@dataclass
class Phone:
    """A basic phone texting the council's number: every request signed as Twilio signs it."""

    number: str = field(default_factory=drama_phone)
    turns: list[Turn] = field(default_factory=list)
    last_params: dict[str, str] = field(default_factory=dict)

    def post(self, params: dict[str, str]) -> requests.Response:
        url = rasa_url()
        public = (os.environ.get("TWILIO_PUBLIC_BASE_URL") or url).rstrip("/")
        body, headers = sign_form(public + WEBHOOK_PATH, params, TOKEN)
        return requests.post(url + WEBHOOK_PATH, data=body, headers=headers, timeout=60)

    def text(self, body: str) -> Turn:
        self.last_params = sms_params(body, phone=self.number, sid=message_sid())
        answer = self.post(self.last_params)
        assert answer.status_code == 200, (answer.status_code, answer.text[:300])
        root = ET.fromstring(answer.text)
        assert root.tag == "Response"
        turn = Turn(body, [(m.text or "") for m in root.findall("Message")])
        check_turn(turn)
        self.turns.append(turn)
        return turn

    def transcript(self) -> str:
        return "\n".join(f"> {t.sent}\n< " + "\n< ".join(t.shown) for t in self.turns)


def check_turn(turn: Turn) -> None:
    """What every reply must be on a basic phone."""
    assert len(turn.shown) <= 3, turn.shown
    for text in turn.shown:
        assert text.strip(), turn.shown
        assert is_gsm7(text), text
        assert not LEAKS.search(text), text
    for text in turn.shown[:-1]:
        assert septets(text) <= 306, text  # only the last text may carry an overflow


def pick(turn: Turn, *patterns: str) -> int | None:
    """The number of the first option whose title matches one of patterns."""
    for pattern in patterns:
        for number, title in turn.options().items():
            if re.search(pattern, title, re.IGNORECASE):
                return number
    return None


def is_recommendation(text: str) -> bool:
    return bool(re.search(r"\bstep \d of 7\b|to keep", text, re.IGNORECASE))


def answer(turn: Turn, asked: set[str]) -> str:
    """What the carer texts back to this turn, chosen by what the question is about."""
    text, options = turn.text.lower(), turn.options()
    if options and "role" not in asked and pick(turn, r"look after|care for"):
        asked.add("role")
        return str(pick(turn, r"look after|care for"))  # by number: "2"
    if not options and "matters" not in asked and re.search(r"matter|hard|own words", text):
        asked.add("matters")
        return CARER_STORY
    if options and re.search(r"family|friends|neighbour", text) and pick(turn, r"^some"):
        asked.add("network")
        number = pick(turn, r"^some")
        return {1: "one", 2: "two", 3: "three"}.get(number or 0, str(number))  # by word
    if options and re.search(r"budget", text) and pick(turn, r"^yes"):
        asked.add("budget")
        return "yes"  # by the option's own word
    if options and len(options) >= 5 and pick(turn, r"plan"):
        asked.add("step")
        return f"{pick(turn, r'plan')}."  # "2."
    if options and re.search(r"hurt|danger|harm|risk", text) and pick(turn, r"^no"):
        asked.add("risk")
        return str(pick(turn, r"^no"))
    if "matters" not in asked:
        asked.add("matters")
        return CARER_STORY  # the welcome invites the story in the carer's own words
    raise AssertionError(f"the journey got stuck at: {turn.shown}")


def run_journey(phone: Phone) -> Turn:
    """Texts hello, then answers every question as a carer until the recommendation arrives."""
    asked: set[str] = set()
    turn = phone.text("Hello")
    for _ in range(MAX_TURNS):
        if is_recommendation(turn.text):
            return turn
        turn = phone.text(answer(turn, asked))
    raise AssertionError("no recommendation after all the questions:\n" + phone.transcript())


def test_a_carer_completes_the_journey_by_text() -> None:
    phone = Phone()
    assert phone.text("START").shown == [load_wording().opted_in]  # clean from any earlier run
    result = run_journey(phone)
    journey = phone.turns[1:]
    sent = [t.sent for t in journey]
    assert CARER_STORY in sent, phone.transcript()
    # Every question with options showed them as a numbered list the carer could answer.
    asked_with_options = [t for t in journey if t.options()]
    assert len(asked_with_options) >= 3, phone.transcript()
    assert all(list(t.options()) == list(range(1, len(t.options()) + 1))
               for t in asked_with_options)
    # The answer says where they are in the seven steps or gives something to keep.
    assert is_recommendation(result.text), phone.transcript()
    segments = sum(count_segments(text) for t in journey for text in t.shown)
    print(f"\nSMS journey: {len(journey)} turns, {segments} segments\n{phone.transcript()}")


def test_after_the_answer_talk_to_a_person_shows_the_council_number() -> None:
    phone = Phone()
    phone.text("START")
    result = run_journey(phone)
    option = pick(result, r"person|someone|call|ring")
    assert option is not None, result.shown
    shown = phone.text(str(option)).text
    assert load_council().phone in shown, shown


def test_stop_help_start_duplicates_and_forgeries_on_the_live_server() -> None:
    phone, wording = Phone(), load_wording()
    phone.text("START")
    hello = phone.text("Hello")
    assert hello.shown
    replay = phone.post(phone.last_params)  # Twilio delivers the same message again
    assert replay.status_code == 200 and ET.fromstring(replay.text).findall("Message") == []
    forged = requests.post(rasa_url() + WEBHOOK_PATH, data=sms_params("hi", phone=phone.number),
                           timeout=30)
    assert forged.status_code == 403
    assert phone.text("HELP").shown == [wording.help]
    assert phone.text("stop").shown == [wording.opted_out]
    assert phone.text("Are you still there?").shown == []  # nothing more is sent
    assert phone.text("START").shown == [wording.opted_in]


def user_texts_in_rasa(number: str) -> list[str]:
    """What Rasa's tracker holds for this phone (looked up by its pseudonym, never the number)."""
    token = os.environ.get("WAYFINDER_TEST_RASA_TOKEN") or os.environ.get("RASA_TOKEN", "")
    assert token, "WAYFINDER_TEST_RASA_TOKEN (Rasa's HTTP API token) is not set"
    answer = requests.get(f"{rasa_url()}/conversations/{pseudonym(number)}/tracker",
                          params={"token": token}, timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    return [e.get("text") or "" for e in answer.json().get("events", [])
            if e.get("event") == "user"]


def test_a_crisis_from_an_opted_out_number_sends_nothing_back_but_reaches_rasa() -> None:
    phone = Phone()
    phone.text("START")
    assert phone.text("STOP").shown == [load_wording().opted_out]
    assert phone.text("My son hits me and takes my pension").shown == []
    # Rasa heard it (so the crisis is flagged for staff). This needs the test process to share
    # WAYFINDER_SECRET with the servers, so that pseudonym() gives the same conversation id.
    assert "My son hits me and takes my pension" in user_texts_in_rasa(phone.number), (
        "the opted-out crisis text is not in Rasa's tracker (or WAYFINDER_SECRET differs "
        "between this test and the Rasa server)")
    assert phone.number not in str(user_texts_in_rasa(phone.number))
    phone.text("START")
    # Opted back in, a crisis gets urgent help at once, with 999 in it.
    urgent = phone.text("My son hits me and takes my pension").text
    assert "999" in urgent, urgent
