"""What a worker types in the outcome page survives a reload and goes when its work is done.

Kept in the tab's sessionStorage under a hash of the call id (bot/staff/static/console.js); the
caller's phone number is never kept. Sends one text (test_console_corrections.py counts only the
texts its own call sends, so the order of the files does not matter).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.staff_browser.calls import SIGNPOSTING_CALL, Keys, new_caller, run_call
from tests.staff_browser.conftest import sign_in

pytestmark = pytest.mark.e2e  # needs the servers: make staff-test (kept out of make unit)
NOTE = "Caller will ring back after talking to her brother."
PHONE = "07700 900457"


def stored(page: Any) -> dict[str, str]:
    return page.evaluate("() => Object.fromEntries(Object.entries(sessionStorage))")


def outcome_form(page: Any, console_url: str) -> None:
    page.goto(console_url + "/outcome")
    page.wait_for_selector("#outcome-form textarea#note")


def reload(page: Any) -> None:
    page.reload()
    page.wait_for_load_state("load")


def test_outcome_draft_survives_a_reload_and_goes_when_the_call_ends(page, console_url):
    sign_in(page, console_url)
    keys = Keys(page)
    new_caller(keys)
    run_call(keys, SIGNPOSTING_CALL)  # the whole call: the panel has places to tick
    call_key = page.get_attribute('meta[name="call"]', "content")
    assert call_key and not call_key.startswith("staff-")  # a hash, never the conversation id
    outcome_form(page, console_url)
    page.locator("#note").focus()
    keys.type(NOTE)
    page.check("input[name=action][value=carers_assessment]")
    page.select_option("#unmet_area", index=1)
    unmet = page.locator("#unmet_area").input_value()
    first_place = page.locator("input[name=place]").first.get_attribute("value")
    page.check(f"input[name=place][value='{first_place}']")

    reload(page)
    assert page.locator("#note").input_value() == NOTE
    assert page.is_checked("input[name=action][value=carers_assessment]")
    assert not page.is_checked("input[name=action][value=needs_assessment]")
    assert page.locator("#unmet_area").input_value() == unmet
    assert page.is_checked(f"input[name=place][value='{first_place}']")
    kept = stored(page)
    assert list(kept) == [f"wf-draft:{call_key}:outcome"]
    assert NOTE in json.loads(kept[f"wf-draft:{call_key}:outcome"])["note"]
    assert "csrf" not in kept[f"wf-draft:{call_key}:outcome"]

    with page.expect_navigation():  # the call ends: New caller
        keys.press("Alt+n")
    page.wait_for_selector("#transcript li.bot")
    assert stored(page) == {}
    outcome_form(page, console_url)
    assert page.locator("#note").input_value() == ""
    assert not page.is_checked("input[name=action][value=carers_assessment]")


def test_saved_outcome_and_text_leave_no_draft_and_never_the_number(page, console_url):
    sign_in(page, console_url)
    keys = Keys(page)
    new_caller(keys)
    run_call(keys, SIGNPOSTING_CALL)
    outcome_form(page, console_url)
    page.locator("#note").focus()
    keys.type(NOTE)
    reload(page)
    assert page.locator("#note").input_value() == NOTE
    page.locator("input[name=place]").first.check()
    with page.expect_navigation():
        page.locator("#outcome-form button[type=submit]").click()
    page.wait_for_selector("#sms-form")
    assert NOTE in page.locator("#case-note").input_value()
    assert stored(page) == {}  # the outcome is saved: its draft is gone

    page.locator("#sms-phone").focus()
    keys.type(PHONE)
    everything = json.dumps(stored(page))
    assert "900457" not in everything and "0770" not in everything
    keys.press("Enter")
    page.wait_for_function("() => document.getElementById('sms-result').textContent"
                           ".startsWith('Sent')")
    assert stored(page) == {}
    outcome_form(page, console_url)  # reload the outcome page: nothing comes back
    assert page.locator("#note").input_value() == ""
    assert stored(page) == {}
