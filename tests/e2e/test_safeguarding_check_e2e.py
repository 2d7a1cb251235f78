"""The check question against the real servers (issue 9): a grey answer mid-form gets one gentle
question; "no" carries on with the answer kept, "yes" gets the urgent help; the same by SMS.

GREY is a fall with no sign of injury, the issue's own example of the grey zone (the risk model
gives it about 0.38, between config.yml's check 0.3 and urgent 0.55). If a new model moves it out
of that band, these tests say so: pick another grey message, never loosen what they check.
"""

from __future__ import annotations

import pytest

from tests.e2e.client import Chat, new_sender
from tests.e2e.test_safeguarding_e2e import _missing_numbers, _reach
from tests.e2e.test_sms_journey_e2e import Phone, pick

pytestmark = pytest.mark.e2e
GREY = "I had a fall in the kitchen this morning, I think I'm ok"
CHECK = "Is anyone hurt or in danger right now?"


def _texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def _checked_mid_form() -> tuple[Chat, list[dict]]:
    chat = Chat(new_sender("sg-check"))
    _reach(chat, "what_matters")
    replies = chat.say(GREY)
    return chat, replies


def test_a_grey_answer_mid_form_gets_one_gentle_question_with_yes_first():
    _, replies = _checked_mid_form()
    assert [r.get("text") for r in replies] == [CHECK], replies
    titles = [b.get("title") for b in replies[0].get("buttons") or []]
    assert titles == ["Yes", "No"]
    assert "999" not in _texts(replies)


def test_no_to_the_check_carries_on_and_keeps_the_answer():
    chat, _ = _checked_mid_form()
    after = chat.say("no")
    shown = _texts(after)
    assert shown.startswith("Thank you. Let's carry on."), shown
    assert CHECK not in shown and "999" not in shown
    slots = chat.slots()
    assert slots.get("what_matters") == GREY  # not asked to say it again
    assert slots.get("requested_slot") == "network" and "Question 2 of 4" in shown, shown
    assert slots.get("safeguarding_concern") is not True


def test_yes_to_the_check_gets_the_urgent_help():
    chat, _ = _checked_mid_form()
    after = chat.say("yes")
    assert _missing_numbers(after, ("fall_long_lie",)) == [], _texts(after)
    assert chat.slots().get("safeguarding_concern") is True


def test_by_sms_the_check_is_numbered_yes_first_and_2_carries_on():
    phone = Phone()
    phone.text("START")
    phone.text("Hello")
    first = phone.text("1")  # "it's for me", the welcome's first option
    assert "Question 1 of 4" in first.text, phone.transcript()
    asked = phone.text(GREY)
    assert asked.text.startswith(CHECK), phone.transcript()
    assert pick(asked, r"^yes") == 1 and pick(asked, r"^no") == 2, phone.transcript()
    assert "999" not in asked.text
    after = phone.text("2")
    assert after.text.startswith("Thank you. Let's carry on."), phone.transcript()
    assert CHECK not in after.text and "999" not in after.text, phone.transcript()
    assert "Question 2 of 4" in after.text, phone.transcript()  # the answer was kept
