"""The needs log records each fact once (replays write nothing) and stores ids only.

Every test runs twice: on SQLite and on PostgreSQL (see tests/db_fixtures.py).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from bot.needs_log import NeedsLog, default_database_url, make_engine
from bot.privacy import pseudonym
from tests.db_fixtures import *  # noqa: F403
from tests.db_fixtures import table_rows

T0 = datetime(2024, 5, 6, 9, 30)
WF_TABLES = ["wf_contact", "wf_need", "wf_recommended_tier", "wf_signposted_service",
             "wf_unmet_need", "wf_outcome", "wf_safeguarding", "wf_inbound_message",
             "wf_sms_opt_out"]


def counts(log: NeedsLog) -> dict[str, int]:
    return {name: len(table_rows(log.engine, name)) for name in WF_TABLES}


def record_a_conversation(log: NeedsLog, sender: str = "web-session-1") -> None:
    log.record_contact(sender, "web", "carer", "NM3 4XY", at=T0)
    log.record_needs(sender, ["nutrition", "carer_support"], at=T0)
    log.record_step(sender, 2, at=T0)
    log.record_recommendation(sender, ["information", "peer"], ["svc-101", "svc-102"], "msg-1",
                              at=T0)
    log.record_unmet_need(sender, "carer_support", "peer", "none_fit", "msg-2", at=T0)
    log.record_outcome(sender, "recommendation_given", at=T0)
    log.record_safeguarding(sender, ["neglect"], "msg-3", at=T0)


def test_a_conversation_is_recorded_with_ids_only(log):
    record_a_conversation(log)
    contact = table_rows(log.engine, "wf_contact")
    assert contact == [{"id": pseudonym("web-session-1"), "channel": "web", "role": "carer",
                        "postcode_district": "NM3", "first_seen": T0, "last_seen": T0,
                        "furthest_step": 2, "staff_attention": True}]
    assert sorted(r["need_area"] for r in table_rows(log.engine, "wf_need")) == [
        "carer_support", "nutrition"]
    assert sorted(r["tier"] for r in table_rows(log.engine, "wf_recommended_tier")) == [
        "information", "peer"]
    assert sorted(r["service_id"] for r in table_rows(log.engine, "wf_signposted_service")) == [
        "svc-101", "svc-102"]
    unmet = table_rows(log.engine, "wf_unmet_need")
    assert [(u["need_area"], u["tier"], u["reason"]) for u in unmet] == [
        ("carer_support", "peer", "none_fit")]
    outcomes = sorted(r["outcome"] for r in table_rows(log.engine, "wf_outcome"))
    assert outcomes == ["recommendation_given", "safeguarding"]
    assert [r["kind"] for r in table_rows(log.engine, "wf_safeguarding")] == ["neglect"]


def test_replaying_every_call_writes_no_second_row(log):
    record_a_conversation(log)
    before = counts(log)
    for _ in range(3):
        record_a_conversation(log)
    assert counts(log) == before
    assert before["wf_contact"] == 1 and before["wf_need"] == 2


def test_a_new_message_is_a_new_row_but_a_replayed_one_is_not(log):
    log.record_recommendation("s", ["community"], [], "msg-1")
    log.record_recommendation("s", ["community"], [], "msg-2")
    log.record_recommendation("s", ["community"], [], "msg-2")
    assert len(table_rows(log.engine, "wf_recommended_tier")) == 2
    assert log.record_unmet_need("s", "dressing", None, "no_service", "m9") is True
    assert log.record_unmet_need("s", "dressing", None, "no_service", "m9") is False


def test_contact_is_updated_not_duplicated(log):
    contact_id = log.record_contact("s1", "sms", at=T0)
    assert log.record_contact("s1", "sms", "self", "nm1", at=T0 + timedelta(hours=2)) == contact_id
    log.record_contact("s1", "web", at=T0 - timedelta(hours=1))  # an older replay
    (row,) = table_rows(log.engine, "wf_contact")
    assert row["role"] == "self" and row["postcode_district"] == "NM1"
    assert row["channel"] == "sms"  # the first channel is kept
    assert row["first_seen"] == T0 - timedelta(hours=1)
    assert row["last_seen"] == T0 + timedelta(hours=2)


def test_timezone_aware_times_are_stored_as_utc(log):
    bst = timezone(timedelta(hours=1))
    log.record_contact("s", "web", at=datetime(2024, 6, 1, 12, 0, tzinfo=bst))
    assert table_rows(log.engine, "wf_contact")[0]["first_seen"] == datetime(2024, 6, 1, 11, 0)


def test_furthest_step_only_moves_forward(log):
    for step in (3, 1, 5, 2):
        log.record_step("s", step)
    assert table_rows(log.engine, "wf_contact")[0]["furthest_step"] == 5


def test_facts_before_the_contact_still_count(log):
    log.record_needs("early", ["dressing"])
    (row,) = table_rows(log.engine, "wf_contact")
    assert row["id"] == pseudonym("early") and row["channel"] is None


@pytest.mark.parametrize(("postcode", "district"), [
    ("NM1 2AB", "NM1"), ("nm12ab", "NM1"), ("  sw1a 1aa ", "SW1A"), ("NM8", "NM8"),
    ("m1", "M1"), ("", None), (None, None)])
def test_only_the_postcode_district_is_kept(log, postcode, district):
    log.record_contact("s", "web", postcode_district=postcode)
    assert table_rows(log.engine, "wf_contact")[0]["postcode_district"] == district


def test_nothing_identifying_is_stored(log):
    phone, session = "+447700900123", "web-session-Joan-Smith"
    sms_sender = pseudonym(phone)  # what the SMS channel gives Rasa
    log.record_contact(sms_sender, "sms", "self", "NM2 7QT")
    log.record_contact(session, "web", "carer", "NM2 7QT")
    log.record_needs(session, ["dressing"])
    log.claim_inbound_message("sms", "SM" + "a" * 32)
    log.set_sms_opt_out(sms_sender, True)
    dump = " ".join(str(v) for name in WF_TABLES for row in table_rows(log.engine, name)
                    for v in row.values())
    for secret in (phone, "7700900123", session, "Joan", "7QT", "SM" + "a" * 32):
        assert secret not in dump
    ids = {r["id"] for r in table_rows(log.engine, "wf_contact")}
    assert ids == {pseudonym(sms_sender), pseudonym(session)}


BAD_CALLS = [
    ("record_contact", ("s", "carrier-pigeon")),
    ("record_contact", ("s", "web", "neighbour")),
    ("record_contact", ("s", "web", None, "Flat 2, 10 High St")),
    ("record_contact", ("s", "web", None, "07700 900123")),
    ("record_contact", ("", "web")),
    ("record_contact", ("x" * 600, "web")),
    ("record_contact", (None, "web")),
    ("record_needs", ("s", ["nutrition", "I can't cook since my stroke"])),
    ("record_needs", ("s", ["NUTRITION"])),
    ("record_needs", ("s", [None])),
    ("record_needs", ("s", ["nutrition\x00"])),
    ("record_step", ("s", 8)),
    ("record_step", ("s", 0)),
    ("record_step", ("s", "3")),
    ("record_step", ("s", True)),
    ("record_recommendation", ("s", ["tier 1"], [], "m1")),
    ("record_recommendation", ("s", ["information"], ["svc 1 with spaces"], "m1")),
    ("record_recommendation", ("s", [], [], "m1")),
    ("record_recommendation", ("s", ["information"], [], "")),
    ("record_recommendation", ("s", ["information"], [], "has space")),
    ("record_recommendation", ("s", ["information"], [], "k" * 200)),
    ("record_unmet_need", ("s", "dressing", None, "too expensive", "m1")),
    ("record_unmet_need", ("s", "flying", None, "no_service", "m1")),
    ("record_unmet_need", ("s", "dressing", "gold", "no_service", "m1")),
    ("record_outcome", ("s", "happy")),
    ("record_outcome", ("s", b"abandoned")),
    ("claim_inbound_message", ("carrier-pigeon", "SM1")),
    ("claim_inbound_message", ("sms", "")),
    ("set_sms_opt_out", ("+447700900123", True)),
    ("set_sms_opt_out", ("07700900123", True)),
    ("is_sms_opted_out", ("07700900123",)),
]


@pytest.mark.parametrize(("method", "args"), BAD_CALLS,
                         ids=[f"{m}-{i}" for i, (m, _a) in enumerate(BAD_CALLS)])
def test_bad_input_is_rejected_and_nothing_is_stored(log, method, args):
    with pytest.raises(ValueError):
        getattr(log, method)(*args)
    assert all(n == 0 for n in counts(log).values())


def test_unknown_safeguarding_kind_keeps_the_flag_but_not_the_text(log):
    log.record_safeguarding("s", ["my neighbour hits me", "domestic_abuse"], "m1")
    kinds = sorted(r["kind"] for r in table_rows(log.engine, "wf_safeguarding"))
    assert kinds == ["domestic_abuse", "unspecified_risk"]  # one spelling of the fallback kind
    assert log.needs_staff_attention("s") is True
    assert log.needs_staff_attention("someone-else") is False


def test_risk_pattern_ids_are_accepted_as_kinds(log):
    from bot.needs_log.validate import risk_pattern_ids

    ids = sorted(risk_pattern_ids())
    assert ids, "data/patterns/risk.yml should define risk ids"
    log.record_safeguarding("s", ids, "m1")
    assert sorted(r["kind"] for r in table_rows(log.engine, "wf_safeguarding")) == ids


def test_inbound_messages_are_claimed_once_and_stored_hashed(log):
    assert log.claim_inbound_message("sms", "SM123") is True
    assert log.claim_inbound_message("sms", "SM123") is False
    assert log.claim_inbound_message("web", "SM123") is True  # another channel's id space
    assert log.claim_inbound_message("sms", "SM124") is True
    rows = table_rows(log.engine, "wf_inbound_message")
    assert len(rows) == 3 and all("SM12" not in r["message_hash"] for r in rows)


def test_sms_opt_out_round_trip(log):
    number = pseudonym("+447700900123")
    assert log.is_sms_opted_out(number) is False
    log.set_sms_opt_out(number, True)
    log.set_sms_opt_out(number, True)
    assert log.is_sms_opted_out(number) is True
    log.set_sms_opt_out(number, False)
    assert log.is_sms_opted_out(number) is False
    assert len(table_rows(log.engine, "wf_sms_opt_out")) == 1


def test_concurrent_replays_write_one_row(db_url):
    logs = [NeedsLog(db_url) for _ in range(4)]
    errors: list[BaseException] = []

    def work(log: NeedsLog) -> None:
        try:
            for _ in range(5):
                log.record_contact("busy", "web", "self")
                log.record_needs("busy", ["dressing", "nutrition"])
                log.record_recommendation("busy", ["information"], ["svc-1"], "m1")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(log,)) for log in logs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert counts(logs[0])["wf_contact"] == 1 and counts(logs[0])["wf_need"] == 2
    assert counts(logs[0])["wf_recommended_tier"] == 1
    for log in logs:
        log.dispose()


def test_default_url_and_sqlite_settings(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = default_database_url()
    assert url.startswith("sqlite:////") and url.endswith("data/local/wayfinder.db")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1/x")
    assert default_database_url() == "postgresql://u@127.0.0.1/x"
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    with engine.connect() as connection:
        pragma = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
    engine.dispose()
    assert pragma == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                      "busy_timeout": 10_000}


def test_postgres_engine_pings(db_url):
    engine = make_engine(db_url)
    try:
        if engine.dialect.name == "postgresql":
            assert engine.pool._pre_ping is True
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
