"""Shared devices: nothing kept unless asked, quick exit, and clearing ends it on the server."""

from __future__ import annotations

import pytest

from tests.browser.conftest import demo_url
from tests.browser.harness import check_axe, shoot, tracker, wait_for_bot
from tests.browser.journey import NEEDS, click_choice, open_widget

pytestmark = pytest.mark.e2e


def sender_of(page) -> str:
    with page.expect_request("**/webhooks/widget/webhook") as request:
        page.get_by_label("Your message").fill(NEEDS)
        page.get_by_role("button", name="Send").click()
    wait_for_bot(page, 3)
    return request.value.post_data_json["sender"]


def test_reload_forgets_unless_remember_was_chosen(open_page):
    page = open_page()
    page.goto(demo_url())
    open_widget(page)
    click_choice(page, "I need help for myself")
    first = sender_of(page)
    kept = "() => Object.keys(localStorage).length + Object.keys(sessionStorage).length"
    assert page.evaluate(kept) == 0
    page.reload()
    open_widget(page)
    assert page.locator(".wf-msg.wf-me").count() == 0  # a fresh start: nothing of the first person

    click_choice(page, "I need help for myself")
    page.get_by_label("Remember this conversation on this device").check()
    check_axe(page, "remember-ticked")
    second = sender_of(page)
    assert second != first
    shown = page.locator(".wf-msg").count()
    page.reload()
    page.get_by_role("button", name="Get help with care and support").click()
    assert page.locator(".wf-msg").count() == shown  # the conversation is back
    assert page.get_by_label("Remember this conversation on this device").is_checked()
    # and it carries on in the same conversation on the server
    with page.expect_request("**/webhooks/widget/webhook") as request:
        click_choice(page, "Some help, but there are gaps")
    assert request.value.post_data_json["sender"] == second
    shoot(page, "remembered-after-reload")


def test_clear_this_conversation_forgets_it_here_and_on_the_server(open_page):
    page = open_page()
    page.goto(demo_url())
    open_widget(page)
    click_choice(page, "I need help for myself")
    page.get_by_label("Remember this conversation on this device").check()
    sender = sender_of(page)
    assert any(e.get("event") == "user" for e in tracker(sender)["events"])
    with page.expect_response("**/webhooks/widget/end") as ended:
        page.get_by_role("button", name="Clear this conversation").click()
    assert ended.value.ok
    wait_for_bot(page, 1)  # a fresh welcome
    assert not any(e.get("event") == "user" for e in tracker(sender)["events"])
    assert page.locator(".wf-msg.wf-me").count() == 0
    assert page.evaluate("() => localStorage.getItem('wayfinder-conversation')") is None
    check_axe(page, "cleared")


@pytest.mark.parametrize("how", ["button", "triple-shift"])
def test_exit_this_page_leaves_at_once(open_page, how):
    page = open_page()
    page.goto(demo_url())
    open_widget(page)
    click_choice(page, "I need help for myself")
    if how == "button":
        page.get_by_role("button", name="Exit this page").click()
    else:
        page.get_by_label("Your message").fill("my son takes my money")
        for _ in range(3):
            page.keyboard.press("Shift")
    page.wait_for_url("https://www.bbc.co.uk/weather")
    assert page.title() == "Weather"
    page.go_back()  # the chat is not one step back in the history
    assert "/webhooks/widget/demo/" not in page.url
