"""Driving a call in the console with the keyboard only (shared by the tests and the bench)."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass
class Keys:
    """Counts every key press and typed character sent to the page."""

    page: Any
    count: int = 0

    def press(self, key: str) -> None:
        self.count += 1
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.count += len(text)
        self.page.keyboard.type(text)

    def say(self, text: str) -> None:
        """Type the caller's words (or a button number) and wait for Wayfinder's reply."""
        before = bot_lines(self.page)
        if len(text) == 1 and text.isdigit():
            self.press(text)
        else:
            self.type(text)
            self.press("Enter")
        self.page.wait_for_function(
            "n => document.querySelectorAll('#transcript li.bot').length > n", arg=before)


def bot_lines(page: Any) -> int:
    return page.locator("#transcript li.bot").count()


def last_reply(page: Any) -> str:
    return page.locator("#transcript li.bot").last.inner_text()


def transcript(page: Any) -> str:
    return page.locator("#transcript").inner_text()


def new_caller(keys: Keys) -> None:
    with keys.page.expect_navigation():
        keys.press("Alt+n")
    keys.page.wait_for_selector("#transcript li.bot")
    keys.page.wait_for_function("() => document.activeElement?.id === 'text'")


SIGNPOSTING_CALL = [  # (what the handler enters, words the reply must contain)
    ("2", "Ask the caller what matters most to the person they look after"),
    ("My mum can't cook her meals any more and I need a break. We live in NM3.",
     "Ask how much family, friends or neighbours help"),
    ("1", "personal budget"),
    ("2", "Ask the caller: is anyone being hurt"),
    ("2", "Record the outcome"),  # 2 = No: Yes comes first on every yes/no question (issue 9)
]


def run_call(keys: Keys, steps: list[tuple[str, str]]) -> None:
    for entered, expected in steps:
        keys.say(entered)
        assert expected in transcript(keys.page).split("Caller:")[-1], (entered, expected)


def record_outcome(keys: Keys, places: int, note: str) -> str:
    """Alt+O, tick the first `places` places and a needs-assessment referral, type a note,
    save; returns the case note."""
    page = keys.page
    with page.expect_navigation():
        keys.press("Alt+o")
    page.wait_for_selector("form input[name=place]")
    total = page.locator("input[name=place]").count()
    for index in range(total):
        if index < places:
            keys.press("Space")
        keys.press("Tab")
    keys.press("Space")  # first action: needs assessment referral
    for _ in range(3):  # carer's assessment, safeguarding referral, unmet-need list
        keys.press("Tab")
    keys.press("Tab")  # the note
    keys.type(note)
    keys.press("Tab")
    keys.press("Enter")
    page.wait_for_selector("#case-note")
    return page.locator("#case-note").input_value()


def rest(sender: str, text: str, metadata: dict | None = None) -> list[dict]:
    body: dict[str, Any] = {"sender": sender, "message": text}
    if metadata is not None:
        body["metadata"] = metadata
    request = urllib.request.Request(
        os.environ["STAFF_TEST_RASA_URL"] + "/webhooks/rest/webhook",
        data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as reply:  # noqa: S310 - loopback
        return json.loads(reply.read())


def wait_for(check: Any, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    return check()
