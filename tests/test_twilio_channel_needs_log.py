"""The channel on the real needs log (a temporary SQLite file): dedup and opt-out survive a
restart, and the phone number is never written anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.needs_log import NeedsLog
from bot.privacy import pseudonym
from tests.fake_twilio import (
    PHONE,
    TOKEN,
    ScriptedBot,
    harness,
    post_signed,
    sms_params,
    twiml_messages,
)


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYFINDER_SECRET", "channel-test-secret-0123456789")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "wayfinder.db"


def test_dedup_and_opt_out_survive_a_restart_on_the_real_needs_log(db: Path) -> None:
    url = f"sqlite:///{db}"
    bot = ScriptedBot()
    params = sms_params("my wife has dementia and I am worn out", sid="SM" + "a" * 32)
    with harness(bot, store=NeedsLog(url)) as first:
        assert twiml_messages(post_signed(first.url, params, TOKEN).text) == ["Thanks, noted."]
        assert first.say("STOP")  # the confirmation
    with harness(bot, store=NeedsLog(url)) as second:  # a new process, same database
        replay = post_signed(second.url, params, TOKEN)
        after_stop = second.say("are you still there")
        back = second.say("START")
        reply = second.say("hello again")
    assert twiml_messages(replay.text) == []
    assert after_stop == [] and back and reply == ["Thanks, noted."]
    assert bot.texts() == ["my wife has dementia and I am worn out", "are you still there",
                           "hello again"]
    assert NeedsLog(url).is_sms_opted_out(pseudonym(PHONE)) is False


def test_the_phone_number_is_never_stored(db: Path) -> None:
    url = f"sqlite:///{db}"
    with harness(store=NeedsLog(url)) as h:
        h.say("hello")
        h.say("STOP")
    log = NeedsLog(url)
    assert log.is_sms_opted_out(pseudonym(PHONE)) is True
    log.dispose()
    stored = b"".join(p.read_bytes() for p in db.parent.glob("wayfinder.db*"))
    digits = PHONE.lstrip("+")
    for form in (PHONE, digits, "07700900001", "7700900001", "7700 900001"):
        assert form.encode() not in stored
        assert form.encode("utf-16-le") not in stored
