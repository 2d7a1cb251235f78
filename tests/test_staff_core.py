"""Staff console core: account CLI, the call panel, outcomes and case notes, the queue, lookup,
and the staff wording variants in the built domain."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.directory import default as default_directory
from bot.needs_log import NeedsLog
from bot.needs_log import schema as t
from bot.nlu.domain_builder import build_domain
from bot.staff import lookup, outcome, queue
from bot.staff.accounts import SignInRefused, StaffAccounts
from bot.staff.console import Console
from bot.staff.panel import build_panel, correction_events
from bot.staff.settings import StaffSettings
from tests.staff.call import CALL
from tests.staff.server import SECRET

ROOT = Path(__file__).resolve().parent.parent


def test_staff_add_reads_the_password_from_stdin_and_stores_only_a_hash(staff_db_url, tmp_path):
    env = {**os.environ, "WAYFINDER_SECRET": SECRET, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bot", "--database-url", staff_db_url, "staff",
                           "add",
                           "dee"], input="lantern-plum-0042\n", text=True, capture_output=True,
                          env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "lantern-plum-0042" not in done.stdout + done.stderr
    accounts = StaffAccounts(staff_db_url)
    assert accounts.sign_in("dee", "lantern-plum-0042")
    with pytest.raises(SignInRefused):
        accounts.sign_in("dee", "lantern-plum-0043")
    accounts.dispose()
    assert b"lantern-plum-0042" not in (tmp_path / "wf.db").read_bytes()


def test_staff_add_refuses_a_short_password(staff_db_url):
    env = {**os.environ, "WAYFINDER_SECRET": SECRET, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bot", "--database-url", staff_db_url, "staff",
                           "add",
                           "dee"], input="short\n", text=True, capture_output=True, env=env,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 2 and "password" in done.stderr


def test_sessions_end_after_idle_time_and_lockout_ends_after_its_time(staff_db_url):
    settings = StaffSettings(idle_minutes=30, max_hours=10, max_failures=5, lockout_minutes=15,
                             secure_cookie=False)
    accounts = StaffAccounts(staff_db_url, settings)
    accounts.add("eve", "a-long-enough-password")
    now = datetime(2026, 1, 5, 9, 0)
    token = accounts.sign_in("eve", "a-long-enough-password", now=now)
    assert accounts.session(token, now=now + timedelta(minutes=29))
    assert accounts.session(token, now=now + timedelta(minutes=61)) is None  # idle 32 min
    for _ in range(5):
        with pytest.raises(SignInRefused):
            accounts.sign_in("eve", "wrong-password-here", now=now)
    with pytest.raises(SignInRefused):
        accounts.sign_in("eve", "a-long-enough-password", now=now + timedelta(minutes=14))
    assert accounts.sign_in("eve", "a-long-enough-password", now=now + timedelta(minutes=16))
    accounts.dispose()


def test_panel_shows_needs_step_tiers_rights_and_places_with_contacts():
    panel = build_panel(CALL, default_directory())
    assert [a for a, _ in panel.needs] == ["nutrition", "carer_support"]
    assert panel.step and panel.step[0] == 1
    assert panel.tiers and all(tier["reason"] and tier["urgency"] for tier in panel.tiers)
    assert any("carer's assessment" in right for right in panel.rights)
    assert panel.places and all(place["contact"] for place in panel.places)
    assert panel.safeguarding is False


def test_panel_turns_red_with_the_councils_procedure_on_a_disclosure():
    panel = build_panel({**CALL, "safeguarding_concern": True, "risk_kinds": ["neglect"]},
                        default_directory())
    assert panel.safeguarding and panel.risk_kinds == ["Neglect"]
    text = " ".join(panel.procedure) + panel.numbers
    assert "0113 496 0111" in text and "999" in text  # data/council.yml safeguarding line


def test_panel_shows_a_workers_words_for_each_risk_kind_not_its_id():
    kinds = ["domestic_abuse", "carer_breaking_point", "kind_from_a_newer_model"]
    panel = build_panel({**CALL, "safeguarding_concern": True, "risk_kinds": kinds},
                        default_directory())
    # data/vocabulary.yml risk_kinds, staff; an id the vocabulary does not know falls back
    assert panel.risk_kinds == ["Domestic abuse / coercive control",
                                "Carer at breaking point (fears harming the person)",
                                "kind from a newer model"]
    html = Console(None).panel_html(panel)  # type: ignore[arg-type]
    assert "What was disclosed: Domestic abuse / coercive control, Carer at breaking point" in html
    assert "domestic_abuse" not in html and "domestic abuse," not in html
    note = outcome.case_note(outcome.parse_outcome({}, []), panel, today=date(2026, 12, 1))
    assert "(Domestic abuse / coercive control, Carer at breaking point" in note


@pytest.mark.parametrize("slot,value", [("risk_check", False), ("safeguarding_concern", False),
                                        ("network", "lots"), ("need_areas", ["pizza"]),
                                        ("person_role", "staff"), ("need_areas", "nutrition")])
def test_corrections_accept_only_known_slots_and_values(slot, value):
    with pytest.raises(ValueError):
        correction_events(slot, value)


def test_outcome_is_recorded_under_channel_staff_and_the_note_has_no_caller_words(staff_db_url):
    panel = build_panel({**CALL, "what_matters": "Mrs Jones at 07700 900123 cannot cook"},
                        default_directory())
    ids = [p["id"] for p in panel.places]
    form = {"place": ids[:2], "action": ["carers_assessment"], "unmet_area": ["nutrition"],
            "note": ["Caller will ring back Friday."]}
    result = outcome.parse_outcome(form, ids)
    log = NeedsLog(staff_db_url)
    outcome.record(log, "staff-0123456789abcdef", result, panel)
    outcome.record(log, "staff-0123456789abcdef", result, panel)  # saving twice adds nothing
    with log.engine.connect() as db:
        contact = db.execute(select(t.contact)).one()
        outcomes = set(db.execute(select(t.outcome.c.outcome)).scalars())
        services = db.execute(select(t.signposted_service.c.service_id)).scalars().all()
    assert contact.channel == "staff" and contact.furthest_step == 1
    assert outcomes == {"signposted", "carers_assessment", "unmet_need"}
    assert sorted(services) == sorted(ids[:2])
    note = outcome.case_note(result, panel, today=date(2026, 12, 1))
    assert len(note) < 1000 and "Jones" not in note and "07700" not in note
    assert "carer's assessment" in note and "Caller will ring back Friday." in note
    assert panel.places[0]["name"] in note
    log.dispose()


@pytest.mark.parametrize("form", [{"place": ["not-offered"]}, {"action": ["arrest"]},
                                  {"unmet_area": ["pizza"]}, {"note": ["x" * 1000]},
                                  {"note": ["bell\x07"]}])
def test_outcome_refuses_anything_unexpected(form):
    with pytest.raises(ValueError):
        outcome.parse_outcome(form, ["a"])


def test_attention_queue_lists_kinds_only_and_mark_handled_removes_it(staff_db_url):
    log = NeedsLog(staff_db_url)
    log.record_contact("web-session-1", "web")
    log.record_safeguarding("web-session-1", ["financial_abuse"], "k1")
    log.record_contact("quiet-session", "web")
    flags = queue.waiting(log.engine)
    assert [f.kinds for f in flags] == [("financial_abuse",)]
    assert flags[0].labels == ("Financial abuse / scams",)  # what the queue page shows
    assert flags[0].contact_id != "web-session-1" and flags[0].channel == "web"
    assert queue.mark_handled(log.engine, flags[0].contact_id) is True
    assert queue.mark_handled(log.engine, flags[0].contact_id) is False
    assert queue.mark_handled(log.engine, "x" * 32) is False
    assert queue.waiting(log.engine) == []
    log.erase_sender("web-session-1")  # erasing the person removes the handled mark too
    with log.engine.connect() as db:
        assert db.execute(select(t.attention_handled)).all() == []
    log.dispose()


def test_lookup_filters_by_need_tier_district_and_free():
    found = lookup.lookup({"need": "carer_support", "tier": "peer", "district": "nm3",
                           "free": "1"}, default_directory())
    assert found.searched and found.places and not found.bad_district
    assert all(p["cost"] for p in found.places)
    none = lookup.lookup({"need": "carer_support", "district": "ZZ9"}, default_directory())
    assert none.bad_district and none.places  # an unknown district still shows places
    assert lookup.lookup({}, default_directory()).searched is False


QUESTIONS = ["utter_welcome", "utter_ask_person_role", "utter_ask_what_matters",
             "utter_ask_network", "utter_ask_has_budget", "utter_ask_sds_step",
             "utter_ask_risk_check", "utter_where_you_are", "utter_summary", "utter_after_answer"]


@pytest.mark.parametrize("name", QUESTIONS)
def test_every_form_question_and_key_reply_has_a_staff_variant(name):
    variants = build_domain()["responses"][name]
    staff = [v for v in variants if v.get("channel") == "staff"]
    citizen = [v for v in variants if not v.get("channel")]
    assert staff and citizen
    assert all("I'm staff" not in v["text"] for v in staff)
    if name.startswith("utter_ask") and name != "utter_ask_sds_step":
        assert all("Ask" in v["text"] for v in staff)


def test_channel_variants_must_extend_an_existing_response_with_a_channel():
    from bot.nlu.domain_builder import DomainMergeError, merge

    base = {"responses": {"utter_x": [{"text": "citizen"}]}}
    merge(base, {"channel_variants": {"utter_x": [{"channel": "staff", "text": "staff"}]}}, "f")
    assert base["responses"]["utter_x"] == [{"text": "citizen"},
                                            {"channel": "staff", "text": "staff"}]
    with pytest.raises(DomainMergeError):
        merge(base, {"channel_variants": {"utter_x": [{"text": "no channel"}]}}, "f")
    with pytest.raises(DomainMergeError):
        merge(base, {"channel_variants": {"utter_missing": [{"channel": "staff", "text": "t"}]}},
              "f")


def test_every_faq_answer_has_a_staff_variant_that_does_not_say_you():
    responses = build_domain()["responses"]
    answers = [name for name in responses if name.startswith("utter_faq/")]
    assert len(answers) >= 9
    for name in answers:
        staff = [v["text"] for v in responses[name] if v.get("channel") == "staff"]
        assert staff, name
        words = {w.strip(".,:()").lower() for text in staff for w in text.split()}
        assert not words & {"you", "your", "you're", "yourself"}, (name, staff)
