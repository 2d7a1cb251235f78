"""A slow or failing server, going offline, retries that are never processed twice, long words,
narrow screens, reduced motion, and a council site on another origin."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from bot.council import load_council
from tests.browser.conftest import demo_url
from tests.browser.harness import STATE, check_axe, shoot, user_texts, wait_for_bot
from tests.browser.journey import click_choice, open_widget

pytestmark = pytest.mark.e2e
WEBHOOK = "**/webhooks/widget/webhook"


def test_slow_server_shows_busy_and_typing_then_the_reply(open_page):
    page = open_page()
    page.goto(demo_url())
    open_widget(page)

    def slow(route):
        time.sleep(2.5)
        route.continue_()

    page.route(WEBHOOK, slow)
    page.locator(".wf-choices button", has_text="I need help for myself").click()
    typing = page.locator(".wf-typing")
    typing.wait_for(state="visible", timeout=2000)
    assert page.locator(".wf-log").get_attribute("aria-busy") == "true"
    assert page.locator("[role=status]").inner_text().strip().endswith("Wayfinder is typing")
    check_axe(page, "busy-typing")
    wait_for_bot(page, 2)
    assert not typing.is_visible()


def test_failed_send_keeps_the_words_and_a_retry_is_processed_once(open_page):
    page = open_page()
    page.goto(f"{STATE['site_url']}/?timeout=20000")
    open_widget(page)
    click_choice(page, "I need help for myself")
    seen = []

    def lose_the_answer(route):
        seen.append(route.request.post_data_json)
        route.fetch()  # the server gets it and answers ...
        route.fulfill(status=502, body="bad gateway")  # ... but the answer is lost on the way

    page.route(WEBHOOK, lose_the_answer)
    words = "I need help with meals please"
    page.get_by_label("Your message").fill(words)
    page.get_by_role("button", name="Send").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert load_council().phone in alert.inner_text()
    assert page.get_by_label("Your message").input_value() == words  # nothing lost
    check_axe(page, "send-failed")
    page.unroute(WEBHOOK)
    with page.expect_request(WEBHOOK) as retried:
        page.get_by_role("button", name="Try again").click()
    wait_for_bot(page, 3)
    assert retried.value.post_data_json["message_id"] == seen[0]["message_id"]
    assert page.get_by_label("Your message").input_value() == ""
    assert page.locator(".wf-msg.wf-me", has_text=words).count() == 1
    assert user_texts(seen[0]["sender"]).count(words) == 1  # processed once, not twice


def test_timeout_then_retry(open_page):
    page = open_page()
    page.goto(f"{STATE['site_url']}/?timeout=3000")
    open_widget(page)

    def hang(route):
        time.sleep(4)
        try:
            route.continue_()
        except Exception:  # noqa: BLE001 - the browser gave up already
            pass

    page.route(WEBHOOK, hang)
    page.locator(".wf-choices button", has_text="I need help for myself").click()
    page.get_by_role("alert").wait_for(timeout=15000)
    assert "taking too long" in page.get_by_role("alert").inner_text()
    page.unroute(WEBHOOK)
    page.get_by_role("button", name="Try again").click()
    wait_for_bot(page, 2)
    assert page.locator(".wf-msg.wf-me", has_text="I need help for myself").count() == 1


def test_offline_says_so_with_the_council_number(open_page):
    page = open_page()
    page.goto(demo_url())
    open_widget(page)
    page.context.set_offline(True)
    page.get_by_label("Your message").fill("hello")
    page.get_by_role("button", name="Send").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "offline" in alert.inner_text() and load_council().phone in alert.inner_text()
    assert alert.locator("a[href^='tel:']").count() == 1
    shoot(page, "offline")
    page.context.set_offline(False)


@pytest.mark.parametrize("width", [320])
def test_reflow_at_320px_and_long_words_wrap(open_page, width):
    page = open_page("mobile")
    page.set_viewport_size({"width": width, "height": 640})  # 1280 px at 400% zoom
    page.goto(demo_url())
    open_widget(page)
    page.get_by_label("Your message").fill("x" * 300)
    page.get_by_role("button", name="Send").click()
    wait_for_bot(page, 2)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    overflow = page.evaluate("""() => [...document.querySelectorAll('.wf-root *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length""")
    assert overflow == 0
    small = page.evaluate("""() => [...document.querySelectorAll('.wf-root button, .wf-root input')]
        .filter(e => e.offsetParent && (e.getBoundingClientRect().height < 24
                                        || e.getBoundingClientRect().width < 24)).length""")
    assert small == 0  # WCAG 2.2 target size
    check_axe(page, "reflow-320")


def test_reduced_motion_stops_the_typing_animation(open_page):
    page = open_page(reduced_motion="reduce")
    page.goto(demo_url())
    open_widget(page)
    page.route(WEBHOOK, lambda route: (time.sleep(1.5), route.continue_()))
    page.locator(".wf-choices button", has_text="I need help for myself").click()
    page.locator(".wf-typing").wait_for()
    name = page.evaluate(
        "() => getComputedStyle(document.querySelector('.wf-typing span')).animationName")
    assert name == "none"


def test_council_site_on_another_origin_and_no_one_else(open_page):
    page = open_page()
    page.goto(STATE["site_url"] + "/")
    open_widget(page)
    assert "Northmoor" in page.locator(".wf-msg.wf-bot").first.inner_text()
    check_axe(page, "council-site-other-origin")
    # another site is refused by the server, whatever the browser does
    request = urllib.request.Request(
        f"{STATE['rasa_url']}/webhooks/widget/webhook",
        data=json.dumps({"sender": "web-x", "message": "hello", "message_id": "a"}).encode(),
        headers={"Content-Type": "application/json", "Origin": "https://evil.example"})
    try:
        urllib.request.urlopen(request, timeout=30)  # noqa: S310 - loopback
        raise AssertionError("a request from another site was accepted")
    except urllib.error.HTTPError as error:
        assert error.code == 403
    with urllib.request.urlopen(f"{STATE['rasa_url']}/webhooks/chat/", timeout=30) as reply:  # noqa: S310
        csp = reply.headers["Content-Security-Policy"]
    assert csp == f"frame-ancestors 'self' {STATE['site_url']}"


def test_chat_page_is_the_same_widget(open_page):
    page = open_page("mobile")
    page.goto(f"{STATE['rasa_url']}/webhooks/chat/")
    wait_for_bot(page, 1)
    assert page.locator(".wf-root.wf-inline").count() == 1
    click_choice(page, "I need help for myself")
    check_axe(page, "chat-page")
