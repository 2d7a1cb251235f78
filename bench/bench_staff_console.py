"""Keystrokes and seconds from "New caller" to a recorded outcome in the staff console, next to
the same calls through the citizen chat (median over the vignettes).

Run by make staff-test (tests/staff_browser/run.py starts the servers and sets STAFF_TEST_*).
Console: Debian's chromium driven by Playwright with the keyboard only; every key counted; the
clock runs from Alt+N to the case note on screen. Citizen chat: the same answers sent over the
REST channel the chat page uses; keys = characters typed + Enter, a button = Tab presses to reach
it + Enter (optimistic for the chat); seconds are machine time only (nobody reading). The chat
cannot record an outcome, so its figures stop at the answer, plus the case note the handler
would then type by hand (the console's note length, as a lower bound).
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.chromium import debian_chromium  # noqa: E402
from tests.staff_browser.calls import Keys, new_caller, record_outcome, rest  # noqa: E402
from tests.staff_browser.conftest import env, sign_in  # noqa: E402

# (kind, value, payload): a button is picked by its number, text is typed as the caller said it.
VIGNETTES = {
    "carer, meals and a break": [
        ("button", 2, "/i_am_carer"),
        ("text", "My mum can't cook her meals any more and I need a break. We live in NM3.", ""),
        ("button", 1, '/inform_network{"network":"none"}'),
        ("button", 2, "/deny"),
        ("button", 2, "/deny")],  # danger question: 1 Yes, 2 No (Yes first everywhere)
    "lonely after a fall": [
        ("button", 1, "/i_am_self"),
        ("text", "I can't get out since my fall and I'm lonely. I live in NM5.", ""),
        ("button", 1, '/inform_network{"network":"none"}'),
        ("button", 2, "/deny"),
        ("button", 2, "/deny")],  # danger question: 1 Yes, 2 No (Yes first everywhere)
    "budget, setting up support": [
        ("button", 1, "/i_am_self"),
        ("text", "I need help to wash and get dressed in the mornings.", ""),
        ("button", 2, '/inform_network{"network":"some"}'),
        ("button", 1, "/affirm"),
        ("button", 5, '/inform_step{"sds_step":"5"}'),
        ("button", 2, "/deny")],  # danger question: 1 Yes, 2 No (Yes first everywhere)
}
NOTE = "Caller will ring back after speaking to family."


def console_call(page, steps) -> tuple[int, float, int, bool]:
    keys = Keys(page)
    started = time.monotonic()
    new_caller(keys)
    for _kind, value, _payload in steps:
        keys.say(str(value))
    reached = "For the case record" in page.locator("#transcript").inner_text()
    note = record_outcome(keys, places=2, note=NOTE)
    return keys.count, time.monotonic() - started, len(note), reached


CHECK_QUESTION = "Is anyone hurt or in danger right now?"


def citizen_call(steps) -> tuple[int, float, bool]:
    sender, keys = f"bench-citizen-{uuid.uuid4().hex[:8]}", 0
    started = time.monotonic()
    replies = []
    for kind, value, payload in steps:
        if kind == "text":
            keys += len(value) + 1
            replies = rest(sender, value)
        else:
            keys += int(value) + 1
            replies = rest(sender, payload)
        if any(CHECK_QUESTION in (r.get("text") or "") for r in replies):
            keys += 3  # the safety check (issue 9) asked first: "no" + Enter, as a person would
            replies = rest(sender, "no")
    reached = any("What would you like to do now?" in (r.get("text") or "") for r in replies)
    return keys, time.monotonic() - started, reached


def main() -> int:
    console_url = env("STAFF_TEST_RASA_URL") + "/webhooks/staff"
    rows = []
    with debian_chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        sign_in(page, console_url)
        for name, steps in VIGNETTES.items():
            c_keys, c_secs, note_len, c_ok = console_call(page, steps)
            p_keys, p_secs, p_ok = citizen_call(steps)
            rows.append((name, c_keys, c_secs, c_ok, p_keys, p_secs, p_ok, note_len))
    print("\nStaff console vs citizen chat, New caller -> recorded outcome (keyboard only)")
    print(f"{'vignette':28} {'console keys':>12} {'console s':>9} {'chat keys':>9} "
          f"{'chat s':>7} {'chat keys + note':>16}")
    for name, c_keys, c_secs, c_ok, p_keys, p_secs, p_ok, note_len in rows:
        flag = "" if c_ok and p_ok else "  (did not reach the answer)"
        print(f"{name:28} {c_keys:12d} {c_secs:9.1f} {p_keys:9d} {p_secs:7.1f} "
              f"{p_keys + note_len:16d}{flag}")
    med = statistics.median
    print(f"{'median':28} {med(r[1] for r in rows):12.0f} {med(r[2] for r in rows):9.1f} "
          f"{med(r[4] for r in rows):9.0f} {med(r[5] for r in rows):7.1f} "
          f"{med(r[4] + r[7] for r in rows):16.0f}")
    print("Console keys include typing the caller's words, the outcome form and a "
          f"{len(NOTE)}-character note; the chat records no outcome and no case note.")
    return 0 if all(r[3] and r[6] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
