"""Keeping the summary: one printed A4 page, copy, and "text it to me" through the SMS channel."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import demo_url
from tests.browser.harness import STATE, check_axe, shoot
from tests.browser.journey import mouse_journey, open_widget
from tests.phone_leak import phone_forms_in

pytestmark = pytest.mark.e2e


def answered(open_page, **options):
    page = open_page(**options)
    page.add_init_script("window.print = () => { window.__printed = (window.__printed||0) + 1 };")
    page.goto(demo_url())
    open_widget(page)
    mouse_journey(page)
    return page


def test_print_gives_one_a4_page_with_the_summary(open_page):
    page = answered(open_page)
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("() => window.__printed") == 1
    page.emulate_media(media="print")
    shoot(page, "print-view")
    text = page.locator(".wf-printing").inner_text()
    assert "Your summary to keep" in text and "Where you are" in text
    assert page.locator(".wf-printing .wf-more").is_visible()  # the details print too
    assert not page.locator(".wf-launcher").is_visible()
    assert not page.locator(".wf-printing .wf-keep").is_visible()  # no buttons on paper
    assert not page.locator("h1").is_visible()  # nothing of the council's page
    pdf = page.pdf(format="A4", print_background=False)
    (STATE["out"] / "summary.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, pages


def test_copy_puts_the_summary_on_the_clipboard(open_page):
    page = answered(open_page, permissions=["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy").click()
    page.get_by_text("Copied.").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("Wayfinder, Northmoor Borough Council")
    assert "Where you are: Step 1 of 7" in copied and "What to do next:" in copied


def test_text_it_to_me_sends_the_summary_and_keeps_no_number(open_page):
    page = answered(open_page)
    twilio = STATE["twilio"]
    before = len(twilio.sent)
    page.get_by_role("button", name="Text it to me").click()
    check_axe(page, "text-it-to-me")
    page.get_by_label("Your mobile number").fill("07700 900456")
    page.get_by_role("button", name="Send the text").click()
    page.get_by_text("Sent. It should arrive").wait_for()
    assert len(twilio.sent) == before + 1
    sent = twilio.sent[-1]
    assert sent.to == "+447700900456" and "Step 1 of 7" in sent.body
    assert page.get_by_label("Your mobile number").input_value() == ""
    stored = page.evaluate("() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    assert "900456" not in stored
    log = (STATE["out"] / "serve.log").read_text()
    assert not phone_forms_in(log.encode())
    assert not phone_forms_in((STATE["out"] / "wayfinder.db").read_bytes())
