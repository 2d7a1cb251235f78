"""Debian's chromium (never a downloaded browser) through Playwright's Python client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = "/usr/bin/chromium"  # apt's chromium package (make browser-deps installs it)
ARGS = ["--no-sandbox", "--disable-gpu"]  # root in a container, no screen


@contextmanager
def debian_chromium() -> Iterator[Any]:
    """A headless chromium for the whole stage; closed after it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
