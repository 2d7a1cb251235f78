"""Playwright with Debian's chromium (never a downloaded browser); one browser for the stage."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.harness import SIZES, STATE
from tests.chromium import debian_chromium


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not STATE:
        raise RuntimeError("run the browser tests with python -m tests.browser.run")
    with debian_chromium() as chromium:
        yield chromium


@pytest.fixture()
def open_page(browser: Any) -> Iterator[Any]:
    """open_page(size, **context options) -> a page on a fresh context (nothing shared)."""
    contexts = []

    def make(size: str = "desktop", **options: Any) -> Any:
        context = browser.new_context(viewport=SIZES[size], **options)
        context.set_default_timeout(60_000)
        # Exit this page goes to a real site; answer it here so no test reaches the internet.
        context.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(
            status=200, content_type="text/html",
            body="<!doctype html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def demo_url() -> str:
    return f"{STATE['rasa_url']}/webhooks/widget/demo/"
