"""Playwright with Debian's chromium (never a downloaded browser), axe-core from npm."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import debian_chromium

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError("run these tests with python -m tests.staff_browser.run "
                           "(make staff-test)")
    return value


@pytest.fixture(scope="session")
def console_url() -> str:
    return env("STAFF_TEST_RASA_URL") + "/webhooks/staff"


@pytest.fixture(scope="session")
def out() -> Path:
    return Path(env("STAFF_TEST_OUT"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with debian_chromium() as chromium:
        yield chromium


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    yield context.new_page()
    context.close()


def sign_in(page: Any, console_url: str) -> None:
    """Keyboard only: the name field has focus; Tab to the password; Enter signs in."""
    page.goto(console_url + "/call")
    assert page.url.endswith("/signin")
    # autofocus lands a moment after load: typing before it would lose the name
    page.wait_for_function("() => document.activeElement?.id === 'name'")
    page.keyboard.type(env("STAFF_TEST_NAME"))
    page.keyboard.press("Tab")
    page.keyboard.type(env("STAFF_TEST_PASSWORD"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/call")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """WCAG 2.2 A/AA violations on the page as it is now."""
    page.evaluate(AXE.read_text(encoding="utf-8") + ";0")  # DevTools evaluation: CSP stays on
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           WCAG)
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"]]
