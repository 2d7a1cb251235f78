"""Staff console drafts, what the server gives the browser: the call's key (a hash, never the
conversation id), which forms keep a draft, and a texting form that never puts the number in a
URL. The browser side is tests/staff_browser/test_console_drafts.py."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.directory import default as default_directory
from bot.staff.accounts import Session
from bot.staff.console import Console
from bot.staff.outcome import parse_outcome
from bot.staff.panel import build_panel
from tests.staff.call import CALL

CALL_ID = "staff-" + "ab" * 16
JS = Path(__file__).resolve().parents[1] / "bot" / "staff" / "static" / "console.js"
STUB = Path(__file__).resolve().parent / "staff" / "drafts_check.js"


def render(session: Session, **values: object) -> str:
    console = Console(assistant=None)  # type: ignore[arg-type]  # rendering only
    return console.page("outcome.html", session=session, active="outcome", **values).body.decode()


def test_the_page_names_the_call_by_a_hash_and_only_during_a_call():
    session = Session("tester", "csrf-token-x", CALL_ID)
    html = render(session, panel=build_panel(CALL, default_directory()))
    key = re.search(r'<meta name="call" content="([0-9a-f]+)">', html)
    assert key and len(key.group(1)) == 24 and CALL_ID not in html and "ab" * 16 not in html
    assert key.group(1) == session.call_key
    assert Session("tester", "csrf-token-x", "staff-" + "cd" * 16).call_key != session.call_key
    idle = render(Session("tester", "csrf-token-x", None), panel=None)
    assert 'name="call"' not in idle and Session("tester", "t", None).call_key == ""


def test_the_outcome_form_keeps_a_draft_and_works_without_javascript():
    html = render(Session("tester", "csrf-token-x", CALL_ID),
                  panel=build_panel(CALL, default_directory()))
    form = re.search(r"<form [^>]*data-draft=\"outcome\"[^>]*>", html)
    assert form and 'method="post"' in form.group(0) and "/outcome" in form.group(0)
    assert html.count("data-ends-call") == 2  # New caller and Sign out end the call's drafts


def test_the_texting_form_posts_and_its_number_is_never_kept():
    panel = build_panel(CALL, default_directory())
    saved = parse_outcome({"place": [panel.places[0]["id"]]}, [p["id"] for p in panel.places])
    html = render(Session("tester", "csrf-token-x", CALL_ID), panel=panel, saved=saved,
                  note="n", sms_on=True)
    form = re.search(r'<form id="sms-form"[^>]*>', html)
    assert form and 'method="post"' in form.group(0)  # without JS: never the number in a URL
    assert "data-draft=" not in form.group(0)
    assert 'data-draft-done="outcome"' in html  # saved: the outcome's draft is dropped
    phone = re.search(r'<input id="sms-phone"[^>]*>', html)
    assert phone and 'type="tel"' in phone.group(0) and 'name="phone"' in phone.group(0)
    script = JS.read_text(encoding="utf-8")
    assert 'f.type !== "hidden" && f.type !== "tel"' in script and 'f.name !== "phone"' in script


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_console_js_keeps_restores_and_drops_drafts_on_a_stub_page():
    run = subprocess.run(["node", str(STUB), str(JS)], capture_output=True, text=True, timeout=30,
                         check=True)
    seen = json.loads(run.stdout)
    assert list(seen["typed"]) == ["wf-draft:k1:outcome"]
    kept = json.loads(seen["typed"]["wf-draft:k1:outcome"])
    assert kept == {"note": ["ring back Thursday"], "action": ["needs_assessment"]}  # no number
    assert "0770" not in json.dumps(seen) and "tok" not in json.dumps(seen)
    assert seen["restored"] == {"note": "ring back Thursday", "box": True, "phone": ""}
    assert seen["ended"] == {} and seen["other_call"] == {}  # new caller; another call's draft
