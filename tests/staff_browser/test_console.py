"""The staff console in Debian's chromium against the real assistant (python -m bot.serve).

Each test signs in with the keyboard; every page is checked with axe-core (WCAG 2.2 A/AA) and
photographed into results/staff/ for a person to look at.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.needs_log import make_engine
from bot.needs_log import schema as t
from tests.staff_browser.calls import (
    SIGNPOSTING_CALL,
    Keys,
    new_caller,
    record_outcome,
    rest,
    run_call,
    transcript,
    wait_for,
)
from tests.staff_browser.conftest import axe_violations, sign_in

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e  # needs the servers: make staff-test (kept out of make unit)


def check_page(page, out: Path, name: str) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name


def contacts(channel: str | None = None) -> list:
    engine = make_engine(os.environ["DATABASE_URL"])
    with engine.connect() as db:
        statement = select(t.contact)
        if channel:
            statement = statement.where(t.contact.c.channel == channel)
        rows = db.execute(statement).all()
    engine.dispose()
    return rows


def outcomes_of(contact_id: str) -> set[str]:
    engine = make_engine(os.environ["DATABASE_URL"])
    with engine.connect() as db:
        found = set(db.execute(select(t.outcome.c.outcome).where(
            t.outcome.c.contact_id == contact_id)).scalars())
    engine.dispose()
    return found


def test_sign_in_page_is_accessible_and_refuses_a_wrong_password(page, console_url, out):
    page.goto(console_url + "/queue")
    assert page.url.endswith("/signin") and "Safeguarding queue" not in page.content()
    check_page(page, out, "01-signin")
    page.keyboard.type("tester")
    page.keyboard.press("Tab")
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error")
    assert "That did not work" in page.inner_text(".error")


def test_full_signposting_call_by_keyboard_with_outcome_and_case_note(page, console_url, out):
    sign_in(page, console_url)
    check_page(page, out, "02-call-empty")
    keys = Keys(page)
    new_caller(keys)
    assert "New call. Ask the caller" in transcript(page)
    run_call(keys, SIGNPOSTING_CALL)
    text = transcript(page)
    assert "Question 1 of 6" not in text and "I'm staff" not in text
    assert "For the case record" in text and "Your summary to keep" not in text
    panel = page.inner_text("#panel")
    assert "food and meals" in panel and "support for carers" in panel
    assert "carer's assessment" in panel and "Urgency" in panel and "0113 496" in panel
    assert "Safeguarding: act now" not in panel
    check_page(page, out, "03-call-answer")

    note = record_outcome(keys, places=2, note="Caller will ring the cafe on Thursday.")
    assert "Referred for a needs assessment." in note and "Caller will ring the cafe" in note
    assert "food and meals" in note and len(note) < 1000
    assert "My mum can't cook" not in note  # the caller's own words never go in the note
    check_page(page, out, "04-outcome-saved")
    assert page.inner_text("#copy-note") == "Copy case note"
    keys.press("Enter")  # focus is on the copy button
    page.wait_for_function("() => document.getElementById('copied').textContent.length > 0")

    staff_rows = contacts("staff")
    assert staff_rows, "the call is in the needs log under channel staff"
    recorded = set().union(*(outcomes_of(row.id) for row in staff_rows))
    assert {"recommendation_given", "signposted", "needs_assessment"} <= recorded

    report = out / "report"
    subprocess.run([sys.executable, "-m", "bot", "report", "--format", "csv", "--out",
                    str(report)], cwd=ROOT, env=os.environ, check=True, capture_output=True)
    with (report / "channels.csv").open(encoding="utf-8") as handle:
        people = {row["channel"]: row["people"] for row in csv.DictReader(handle)}
    assert people["staff"] not in ("0", ""), people


def test_outcome_form_is_accessible(page, console_url, out):
    sign_in(page, console_url)
    keys = Keys(page)
    new_caller(keys)
    run_call(keys, SIGNPOSTING_CALL[:2])
    keys.press("Alt+o")
    page.wait_for_selector("form textarea#note")
    check_page(page, out, "05-outcome-form")


def test_correcting_a_need_area_by_click_updates_the_panel(page, console_url, out):
    sign_in(page, console_url)
    keys = Keys(page)
    new_caller(keys)
    run_call(keys, SIGNPOSTING_CALL[:2])
    page.click("#panel summary")
    page.check("#panel input[value=community_access]")
    page.uncheck("#panel input[value=nutrition]")
    page.click("#save-needs")
    page.wait_for_function("() => document.getElementById('needs-now').innerText"
                           ".includes('getting out and about')")
    assert "food and meals" not in page.inner_text("#needs-now")
    assert "support for carers" in page.inner_text("#needs-now")


def test_safeguarding_call_turns_the_panel_red_with_the_procedure(page, console_url, out):
    sign_in(page, console_url)
    keys = Keys(page)
    new_caller(keys)
    keys.say("2")
    keys.say("Her son hits her and takes her pension money.")
    page.wait_for_selector("#panel.red .alarm")
    alarm = page.inner_text("#panel .alarm")
    assert "Safeguarding: act now" in alarm and "0113 496 0111" in alarm and "999" in alarm
    assert "referral" in alarm
    check_page(page, out, "06-call-safeguarding")


def test_direct_lookup_finds_places_with_contacts(page, console_url, out):
    sign_in(page, console_url)
    page.goto(console_url + "/lookup")
    check_page(page, out, "07-lookup-empty")
    page.select_option("#need", "carer_support")
    page.select_option("#tier", "peer")
    page.fill("#district", "NM3")
    page.keyboard.press("Enter")
    page.wait_for_selector("#results")
    results = page.inner_text("#results")
    assert "Carers" in results and "Contact: 0113 496" in results
    check_page(page, out, "08-lookup-results")


def test_attention_queue_shows_kinds_only_and_can_be_marked_handled(page, console_url, out):
    sender = f"queue-citizen-{uuid.uuid4().hex[:8]}"
    rest(sender, "my carer takes money from my purse every week")
    flagged = wait_for(lambda: [r for r in contacts("web") if r.staff_attention])
    assert flagged
    sign_in(page, console_url)
    page.goto(console_url + "/queue")
    table = page.inner_text("#queue")
    assert "Financial abuse / scams" in table and "web" in table  # staff words, not the id
    assert "purse" not in page.content() and sender not in page.content()
    assert "\tstaff\t" not in table  # staff calls are handled live, not queued
    check_page(page, out, "09-queue")
    rows = page.locator("#queue tbody tr").count()
    page.locator("#queue tbody tr button").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/queue?handled=1")
    assert page.locator("#queue tbody tr").count() == rows - 1
    check_page(page, out, "10-queue-handled")


def test_a_citizen_claiming_to_be_staff_gets_no_staff_powers(page, console_url):
    claim = {"staff": True, "channel": "staff", "input_channel": "staff", "role": "staff"}
    rest("claims-staff-1", "/i_am_staff", metadata=claim)
    replies = rest("claims-staff-1", "my dad needs help with meals", metadata=claim)
    words = " ".join(r.get("text", "") for r in replies)
    assert "Ask the caller" not in words and "For the case record" not in words
    assert "Noted for the person you are calling about" not in words
    assert len(contacts("staff")) == len({r.id for r in contacts("staff")})
    assert all(row.channel == "web" for row in contacts() if row.role == "staff")
    page.goto(console_url + "/call")
    assert page.url.endswith("/signin")
