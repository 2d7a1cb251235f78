"""SMS turns are answered within Twilio's 15 s even when Rasa is slow, with the urgent numbers."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.sms.wording import load_wording
from tests.fake_twilio import ScriptedBot, harness


class SlowBot(ScriptedBot):
    async def __call__(self, message: object) -> None:
        self.received.append(message)
        await asyncio.sleep(2.0)


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYFINDER_SECRET", "channel-test-secret-0123456789")
    monkeypatch.setattr("bot.channels.twilio_sms.RASA_TURN_LIMIT_S", 0.5)


def test_a_slow_turn_is_answered_in_time_with_999_and_samaritans():
    bot = SlowBot()
    with harness(bot) as h:
        started = time.monotonic()
        shown = h.say("I need help")
        elapsed = time.monotonic() - started
    assert elapsed < 1.8, elapsed
    assert shown == [load_wording().error]
    assert "999" in shown[0] and "116 123" in shown[0]
    assert [m.text for m in bot.received] == ["I need help"]  # Rasa still got the message


def test_when_rasa_fails_the_error_text_has_the_urgent_numbers():
    with harness(ScriptedBot(fail=True)) as h:
        shown = h.say("I want to kill myself")
    assert shown == [load_wording().error] and "999" in shown[0] and "116 123" in shown[0]
