"""Erasing one person (log, opt-out and Rasa tracker) and purging old data, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.__main__ import main
from bot.needs_log import NeedsLog
from bot.privacy import pseudonym
from tests.db_fixtures import *  # noqa: F403
from tests.db_fixtures import make_events_table, table_rows

NOW = datetime(2025, 6, 1, 12, 0)
PHONE = "+447700900123"
SMS_SENDER = "sms-sender"  # replaced per test by pseudonym(PHONE), see the fixture below
WEB_SENDER = "3f2c9e1a-web-session"


@pytest.fixture(autouse=True)
def _sms_sender(secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SMS channel gives Rasa pseudonym(phone), never the number (needs the test secret)."""
    monkeypatch.setitem(globals(), "SMS_SENDER", pseudonym(PHONE))


def epoch(at: datetime) -> float:
    return at.replace(tzinfo=timezone.utc).timestamp()


def everyone(log: NeedsLog, at: datetime = NOW) -> None:
    for sender, channel in ((SMS_SENDER, "sms"), (WEB_SENDER, "web"), ("other-person", "web")):
        log.record_contact(sender, channel, "self", "NM4", at=at)
        log.record_needs(sender, ["dressing", "nutrition"], at=at)
        log.record_step(sender, 3, at=at)
        log.record_recommendation(sender, ["community"], ["svc-7"], "m1", at=at)
        log.record_unmet_need(sender, "dressing", None, "no_service", "m2", at=at)
        log.record_outcome(sender, "recommendation_given", at=at)
        log.record_safeguarding(sender, ["neglect"], "m3", at=at)
    log.set_sms_opt_out(SMS_SENDER, True)
    log.set_sms_opt_out(pseudonym("+447700900999"), True)
    make_events_table(log.engine, [
        {"sender_id": SMS_SENDER, "timestamp": epoch(at)},
        {"sender_id": SMS_SENDER, "timestamp": epoch(at), "type_name": "bot"},
        {"sender_id": WEB_SENDER, "timestamp": epoch(at)},
        {"sender_id": "other-person", "timestamp": epoch(at)},
    ])


def contact_ids(log: NeedsLog) -> set[str]:
    return {r["id"] for r in table_rows(log.engine, "wf_contact")}


def all_contact_ids_in_children(log: NeedsLog) -> set[str]:
    names = ("wf_need", "wf_recommended_tier", "wf_signposted_service", "wf_unmet_need",
             "wf_outcome", "wf_safeguarding")
    return {r["contact_id"] for n in names for r in table_rows(log.engine, n)}


@pytest.mark.parametrize("asked_with", [PHONE, "07700 900123", "+44 7700 900123", "tracker id"])
def test_erasing_an_sms_sender_removes_log_opt_out_and_tracker(log, asked_with):
    asked_with = SMS_SENDER if asked_with == "tracker id" else asked_with
    everyone(log)
    deleted = log.erase_sender(asked_with)
    # contact + 2 needs + tier + service + unmet + 2 outcomes + safeguarding + opt-out + 2 events
    assert deleted == 12
    assert contact_ids(log) == {pseudonym(WEB_SENDER), pseudonym("other-person")}
    assert pseudonym(SMS_SENDER) not in all_contact_ids_in_children(log)
    assert {r["sender_id"] for r in table_rows(log.engine, "events")} == {WEB_SENDER,
                                                                           "other-person"}
    assert log.is_sms_opted_out(SMS_SENDER) is False
    assert log.is_sms_opted_out(pseudonym("+447700900999")) is True
    assert log.erase_sender(asked_with) == 0  # a repeated request finds nothing left


def test_erasing_a_web_sender_uses_the_raw_session_id_in_the_tracker(log):
    everyone(log)
    assert log.erase_sender(WEB_SENDER) == 10
    assert pseudonym(WEB_SENDER) not in contact_ids(log) | all_contact_ids_in_children(log)
    assert WEB_SENDER not in {r["sender_id"] for r in table_rows(log.engine, "events")}
    assert len(table_rows(log.engine, "events")) == 3


def test_erase_works_without_a_tracker_table(log):
    log.record_needs("lonely", ["relationships"])
    assert log.erase_sender("lonely") == 2
    assert contact_ids(log) == set()


@pytest.mark.parametrize("bad", ["", None, "x" * 600])
def test_erase_rejects_bad_ids(log, bad):
    log.record_needs("keep-me", ["relationships"])
    with pytest.raises(ValueError):
        log.erase_sender(bad)
    assert contact_ids(log) == {pseudonym("keep-me")}


def test_purge_deletes_what_is_older_than_the_retention_period(log):
    old = NOW - timedelta(days=400)
    everyone(log, at=old)
    log.record_contact("returning", "web", at=old)
    log.record_needs("returning", ["dressing"], at=old)  # an old fact of a person seen recently
    log.record_needs("returning", ["nutrition"], at=NOW - timedelta(days=10))
    log.record_contact("recent", "sms", at=NOW - timedelta(days=1))
    with log.uow() as uow:
        uow.repo.claim_message("sms", "h-old", old)
        uow.repo.claim_message("sms", "h-new", NOW)
        uow.commit()
    with log.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO events (id, sender_id, type_name, timestamp, data) "
            f"VALUES (99, 'recent', 'user', {epoch(NOW - timedelta(days=1))}, '{{}}')")
    counts = log.purge(365, now=NOW)
    assert counts["wf_contact"] == 3
    assert counts["wf_need"] == 7  # 3 people x 2 + the returning person's old need
    assert counts["wf_safeguarding"] == 3
    assert counts["wf_inbound_message"] == 1
    assert counts["events"] == 4
    assert contact_ids(log) == {pseudonym("returning"), pseudonym("recent")}
    assert [r["need_area"] for r in table_rows(log.engine, "wf_need")] == ["nutrition"]
    assert [r["sender_id"] for r in table_rows(log.engine, "events")] == ["recent"]
    assert log.purge(365, now=NOW) == {k: 0 for k in counts}  # nothing left to purge


def test_retention_comes_from_the_environment(log, monkeypatch):
    log.record_contact("a", "web", at=NOW - timedelta(days=40))
    log.record_contact("b", "web", at=NOW - timedelta(days=20))
    assert log.purge(now=NOW)["wf_contact"] == 0  # default 365 days
    monkeypatch.setenv("WAYFINDER_RETENTION_DAYS", "30")
    assert log.purge(now=NOW)["wf_contact"] == 1
    assert contact_ids(log) == {pseudonym("b")}
    monkeypatch.setenv("WAYFINDER_RETENTION_DAYS", "soon")
    with pytest.raises(ValueError):
        log.purge(now=NOW)


@pytest.mark.parametrize("days", [0, -5, True, "30", 2.5])
def test_purge_rejects_a_bad_period(log, days):
    log.record_contact("a", "web", at=NOW - timedelta(days=4000))
    with pytest.raises(ValueError):
        log.purge(days, now=NOW)
    assert len(contact_ids(log)) == 1


def test_the_cli_erases_and_purges(log, db_url, capsys):
    everyone(log, at=datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=500))
    log.record_contact("fresh", "web")
    assert main(["--database-url", db_url, "erase", "07700 900123", "--yes"]) == 0
    assert "deleted 12 rows" in capsys.readouterr().out
    assert main(["--database-url", db_url, "purge", "--older-than-days", "365"]) == 0
    out = capsys.readouterr().out
    assert "wf_contact=2" in out and "events=2" in out
    assert contact_ids(log) == {pseudonym("fresh")}
    with pytest.raises(SystemExit):
        main(["--database-url", db_url, "purge", "--older-than-days", "0"])
