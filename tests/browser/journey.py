"""Steps of a whole journey in the widget, by mouse or by keyboard only."""

from __future__ import annotations

from typing import Any

from tests.browser.harness import bot_count, wait_for_bot

NEEDS = "I can't cook or wash myself any more and I live in NM3"


def after(page: Any, action: Any) -> None:
    """Does `action` and waits for Wayfinder's reply."""
    before = bot_count(page)
    action()
    wait_for_bot(page, before + 1)


def click_choice(page: Any, name: str) -> None:
    button = page.locator(".wf-choices button:enabled", has_text=name).last
    after(page, button.click)


def open_widget(page: Any) -> None:
    after(page, page.get_by_role("button", name="Get help with care and support").click)


def mouse_journey(page: Any, check: Any = None) -> None:
    """From the welcome to the answer card; check(state) is called at each step."""
    click_choice(page, "I need help for myself")
    check and check("question-needs")
    page.get_by_label("Your message").fill(NEEDS)
    after(page, page.get_by_role("button", name="Send").click)
    check and check("question-network")
    click_choice(page, "Some help, but there are gaps")
    click_choice(page, "No")  # personal budget
    check and check("question-risk")
    page.locator(".wf-choices button:enabled", has_text="No").last.click()
    page.locator(".wf-card").wait_for()
    wait_for_bot(page, 1)


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
      return {text: (e.innerText || e.value || '').trim(), tag: e.tagName, cls: e.className,
              label: e.getAttribute('aria-label') || '', disabled: !!e.disabled,
              outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
              shadow: s.boxShadow, background: s.backgroundColor}; }""")


def tab_to(page: Any, text: str, limit: int = 60, backwards: bool = False) -> dict[str, Any]:
    """Presses Tab until an enabled element whose text is `text` has focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = focused(page)
        if now["text"] == text and not now["disabled"]:
            return now
    raise AssertionError(f"Tab never reached {text!r}")


def keyboard_journey(page: Any) -> list[dict[str, Any]]:
    """The whole journey with the keyboard only; returns what had focus at each choice."""
    seen = [tab_to(page, "Get help with care and support")]
    after(page, lambda: page.keyboard.press("Enter"))
    for choice in ("I need help for myself",):
        seen.append(tab_to(page, choice))
        after(page, lambda: page.keyboard.press("Enter"))
    seen.append(_to_input(page))
    page.keyboard.type(NEEDS)
    after(page, lambda: page.keyboard.press("Enter"))
    choices = ("Some help, but there are gaps", "No", "No")
    for number, choice in enumerate(choices, start=1):
        seen.append(tab_to(page, choice))
        before = bot_count(page)
        page.keyboard.press("Enter")
        if number == len(choices):  # the last answer brings the card
            page.locator(".wf-card").wait_for()
            wait_for_bot(page, 1)
        else:
            wait_for_bot(page, before + 1)
    return seen


def _to_input(page: Any) -> dict[str, Any]:
    for _ in range(40):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["tag"] == "INPUT" and "wf" not in now["cls"] and page.evaluate(
                "() => document.activeElement.type === 'text'"):
            return now
    raise AssertionError("Tab never reached the message box")
