"""The console in chromium, keyboard only: correcting the recommended help and the rights (what
the outcome records changes), adding a looked-up place to the call, and texting the places to the
caller (a fake Twilio API on loopback, through the SMS channel's official client)."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import vocab
from bot.needs_log import make_engine
from bot.needs_log import schema as t
from tests.phone_leak import phone_forms_in
from tests.staff_browser.calls import SIGNPOSTING_CALL, Keys, new_caller, run_call, transcript
from tests.staff_browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e  # needs the servers: make staff-test (kept out of make unit)
PROVIDER = vocab.label("tiers", "provider", "staff")


def check_page(page, out: Path, name: str) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name


def latest_staff_contact() -> str:
    engine = make_engine(os.environ["DATABASE_URL"])
    with engine.connect() as db:
        found = db.execute(select(t.contact.c.id).where(t.contact.c.channel == "staff")
                           .order_by(t.contact.c.last_seen.desc())).first()
    engine.dispose()
    assert found, "no staff call in the needs log"
    return found[0]


def rows(table, column: str, contact_id: str) -> set[str]:
    engine = make_engine(os.environ["DATABASE_URL"])
    with engine.connect() as db:
        found = set(db.execute(select(table.c[column]).where(
            table.c.contact_id == contact_id)).scalars())
    engine.dispose()
    return found


def tick_only(keys: Keys, summary_id: str, wanted: set[str]) -> None:
    """Opens a 'Change ...' box from its summary, sets its boxes with Tab and Space, saves."""
    page = keys.page
    page.locator(f"#{summary_id}").focus()
    keys.press("Enter")
    boxes = page.locator(f"#{summary_id} + fieldset input[type=checkbox]")
    for index in range(boxes.count()):
        keys.press("Tab")
        box = boxes.nth(index)
        if box.is_checked() != (box.get_attribute("value") in wanted):
            keys.press("Space")
    keys.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.save") is not None
    keys.press("Enter")
    page.wait_for_function("id => document.activeElement?.id === id", arg=summary_id)


def test_help_and_rights_corrected_by_keyboard_change_the_panel_and_the_record(
        page, console_url, out):
    sign_in(page, console_url)
    keys = Keys(page)
    new_caller(keys)
    run_call(keys, SIGNPOSTING_CALL)
    answer = transcript(page).split("Caller:")[-1]
    assert "Rights to mention:" in answer and "Your rights" not in answer
    assert "When you are ready" not in answer and "As a carer you can" not in answer
    assert PROVIDER not in page.inner_text("#tiers-now")

    tick_only(keys, "change-tiers", {"provider"})
    assert page.inner_text("#tiers-now").count("Tier ") == 1
    assert PROVIDER in page.inner_text("#tiers-now")
    assert "Changed by you" in page.inner_text("#panel")
    tick_only(keys, "change-rights", {"carer"})
    rights = page.inner_text("#rights-now")
    assert "carer's assessment" in rights and "s9" not in rights
    keys.press("Enter")  # focus is back on the summary: open it again for the picture
    check_page(page, out, "11-call-corrected")

    with page.expect_navigation():
        keys.press("Alt+o")
    page.locator("#note").focus()
    keys.type("Tiers changed after talking it through.")
    keys.press("Tab")
    keys.press("Enter")
    page.wait_for_selector("#case-note")
    note = page.locator("#case-note").input_value()
    assert f"Help suggested: {PROVIDER}." in note
    assert "Rights to mention: Carer's assessment (Care Act s10)." in note
    contact = latest_staff_contact()
    assert rows(t.recommended_tier, "tier", contact) == {"provider"}  # peer etc. taken out


def test_a_looked_up_place_is_added_to_the_call_ticked_and_texted(page, console_url, out):
    sign_in(page, console_url)
    keys = Keys(page)
    new_caller(keys)
    run_call(keys, SIGNPOSTING_CALL[:2])
    page.goto(console_url + "/lookup")
    page.select_option("#need", "home_safety")
    page.locator("#district").focus()
    keys.press("Enter")
    page.wait_for_selector("#results .add-place button")
    first = page.locator("#results li").first
    name = first.locator("strong").inner_text()
    first.locator("button").focus()
    with page.expect_navigation():
        keys.press("Enter")
    assert "Added to this call's places" in page.inner_text("#added-note")
    assert "In this call's places" in page.locator("#results li").first.inner_text()
    check_page(page, out, "12-lookup-added")

    with page.expect_navigation():
        keys.press("Alt+o")
    box = page.get_by_label(name, exact=False)
    service_id = box.get_attribute("value")
    box.focus()
    keys.press("Space")
    page.locator("form.stack button[type=submit]").focus()
    keys.press("Enter")
    page.wait_for_selector("#sms-form")
    assert name in page.locator("#case-note").input_value()
    already = len(_sent())  # other tests in this run may have sent texts before this one
    page.locator("#sms-phone").focus()
    keys.type("0770 0900 4x5")  # a typing slip: a clear message, nothing sent
    keys.press("Enter")
    page.wait_for_function("() => document.getElementById('sms-result').textContent")
    assert "not a UK mobile number" in page.inner_text("#sms-result")
    page.locator("#sms-phone").fill("")
    keys.type("07700 900456")
    keys.press("Enter")
    page.wait_for_function("() => document.getElementById('sms-result').textContent"
                           ".startsWith('Sent')")
    assert page.locator("#sms-phone").input_value() == ""
    check_page(page, out, "13-outcome-texted")

    sent = _sent()[already:]  # exactly one text from this call: the slip sent nothing
    assert len(sent) == 1 and sent[0]["to"] == "+447700900456"
    assert f"1. {name}" in sent[0]["body"]
    contact = latest_staff_contact()
    assert service_id in rows(t.signposted_service, "service_id", contact)
    assert "signposted" in rows(t.outcome, "outcome", contact)
    for path in Path(os.environ["STAFF_TEST_OUT"]).glob("*"):
        if path.is_file():
            assert not phone_forms_in(path.read_bytes()), path.name


def _sent() -> list[dict]:
    """Every text the fake Twilio API has taken in this run, oldest first."""
    base = os.environ["TWILIO_API_BASE_URL"]
    with urllib.request.urlopen(base + "/sent.json", timeout=10) as reply:  # noqa: S310
        return json.loads(reply.read())["sent"]
