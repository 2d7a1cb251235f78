"""A whole journey by mouse and by keyboard only, on desktop and mobile: what the person sees,
where the answer lands, where focus goes, and axe-core in every state."""

from __future__ import annotations

import pytest

from bot.council import load_council
from tests.browser.conftest import demo_url
from tests.browser.harness import check_axe, shoot
from tests.browser.journey import focused, keyboard_journey, mouse_journey, open_widget

pytestmark = pytest.mark.e2e


def card_in_view(page) -> None:
    card = page.locator(".wf-card").bounding_box()
    log = page.locator(".wf-log").bounding_box()
    height = page.viewport_size["height"]
    assert 0 <= card["y"] < height - 100, card  # its top and first lines are on screen
    assert log["y"] - 1 <= card["y"] <= log["y"] + log["height"] - 100, (card, log)
    assert page.locator(".wf-card h3").first.is_visible()


@pytest.mark.parametrize("size", ["desktop", "mobile"])
def test_whole_journey_by_mouse(open_page, size):
    page = open_page(size)
    page.goto(demo_url())
    check_axe(page, f"{size}-0-council-page")
    open_widget(page)
    check_axe(page, f"{size}-1-welcome")

    mouse_journey(page, check=lambda state: check_axe(page, f"{size}-2-{state}"))
    card_in_view(page)
    check_axe(page, f"{size}-3-answer-card")
    card = page.locator(".wf-card")
    headings = card.locator("h3").all_inner_texts()
    assert headings[:4] == ["Where you are", "The first thing to do", "One place to try",
                            "Your rights"]
    assert card.locator("a[href^='tel:']").count() >= 1  # tap to call the place
    # the 15 text bubbles of the answer are not shown to the widget: the card stands for them
    assert page.locator(".wf-msg.wf-bot", has_text="Good:").count() == 0
    # old buttons are disabled once answered, and the chosen one is marked
    assert page.locator(".wf-choices button[aria-pressed='true']").count() == 4
    first_group = page.locator(".wf-choices").first.locator("button")
    assert all(first_group.nth(i).is_disabled() for i in range(first_group.count()))
    # focus moved to the answer's first heading (a screen reader reads from there)
    assert focused(page)["text"] == "Where you are"

    page.get_by_role("button", name="Show more").click()
    more = card.locator(".wf-more")
    assert more.is_visible() and more.locator("h4").count() >= 1
    assert "Your summary to keep" in more.locator("h3").all_inner_texts()
    check_axe(page, f"{size}-4-show-more")
    # the live region is named and holds only short notes of new messages, not the whole answer
    status = page.locator("[role=status][aria-label='New messages']")
    assert status.count() == 1
    announced = status.inner_text()
    assert "Your answer is ready" in announced and len(announced) < 600


@pytest.mark.parametrize("size", ["desktop", "mobile"])
def test_whole_journey_by_keyboard_only(open_page, size):
    page = open_page(size)
    page.goto(demo_url())
    seen = keyboard_journey(page)
    for step in seen:  # every focused control shows the focus style (yellow with a black edge)
        assert step["shadow"] != "none" or "solid" in step["outline"], step
    assert page.locator(".wf-card").is_visible()
    card_in_view(page)
    assert focused(page)["text"] == "Where you are"
    page.keyboard.press("Tab")  # next stop after the heading: the place's phone link
    assert focused(page)["tag"] == "A"
    shoot(page, f"{size}-keyboard-answer-card")
    # Escape closes the panel and returns focus to the launcher
    page.keyboard.press("Escape")
    assert focused(page)["text"] == "Get help with care and support"


def test_numbers_and_emails_are_links_and_the_danger_line_calls(open_page):
    page = open_page()
    page.goto(demo_url())
    open_widget(page)
    council = load_council()
    danger = page.locator(".wf-danger")
    assert danger.locator("a[href='tel:999']").count() == 1
    assert danger.locator(f"a[href='tel:{council.phone.replace(' ', '')}']").count() == 1
