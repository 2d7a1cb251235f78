"""Staff console: texting the places (through the official Twilio client, to a fake Twilio API on
loopback), adding looked-up places to the call, and the sign-in limit per client address,
against the real routes on a real server (scripted assistant, tests/staff/fake_server.py)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.directory import default as default_directory
from bot.needs_log import NeedsLog, make_engine
from bot.needs_log import schema as t
from bot.privacy import pseudonym
from bot.sms.gsm7 import is_gsm7
from bot.sms.segments import count_segments
from bot.staff.accounts import StaffAccounts
from tests.fake_twilio import FakeTwilioAPI
from tests.phone_leak import phone_forms_in
from tests.staff import server as staff_server
from tests.staff.http import Browser

PASSWORD = "plum-orchard-47-lantern"
TWILIO = {"TWILIO_ACCOUNT_SID": "ACstaff", "TWILIO_AUTH_TOKEN": "staff-auth-token",
          "TWILIO_NUMBER": "+447700900999"}
PHONE = "07700 900456"


def start_server(folder: Path, extra_env: dict[str, str]) -> tuple[subprocess.Popen, dict]:
    accounts = {name: PASSWORD for name in ("alice", "bob", "carol", "dan")}
    return staff_server.start(folder, accounts, extra_env, keep_twilio=False)


@pytest.fixture(scope="module")
def twilio():
    with FakeTwilioAPI(TWILIO["TWILIO_ACCOUNT_SID"], TWILIO["TWILIO_AUTH_TOKEN"]) as api:
        yield api


@pytest.fixture(scope="module")
def server(tmp_path_factory, twilio):
    process, info = start_server(tmp_path_factory.mktemp("staff_sms"),
                                 {**TWILIO, "TWILIO_API_BASE_URL": twilio.url})
    yield info
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory):
    process, info = start_server(tmp_path_factory.mktemp("staff_limit"),
                                 {"WAYFINDER_STAFF_IP_MAX_FAILURES": "3"})
    yield info
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def no_sms_server(tmp_path_factory):
    process, info = start_server(tmp_path_factory.mktemp("staff_nosms"), {})
    yield info
    process.terminate()
    process.wait(timeout=10)


def in_a_call(server, name: str = "alice") -> tuple[Browser, list[str]]:
    """Signed in, a new call about meals; returns the browser and the panel's place ids."""
    browser = Browser(server["base"])
    assert browser.sign_in(name, PASSWORD).status == 303
    assert browser.post("/call/new", form={"csrf": browser.csrf()}).status == 303
    reply = browser.post("/call/message", body={"text": "she needs help with meals"},
                         headers={"X-CSRF-Token": browser.csrf()})
    ids = re.findall(r'name="place" value="([^"]+)"', browser.get("/outcome").body)
    assert reply.status == 200 and ids
    return browser, ids


def text_places(browser: Browser, phone: object, places: list[str]):
    return browser.post("/outcome/sms", body={"phone": phone, "places": places},
                        headers={"X-CSRF-Token": browser.csrf()})


def test_one_click_texts_the_ticked_places_and_keeps_no_number(server, twilio):
    browser, ids = in_a_call(server)
    saved = browser.post("/outcome", form={"csrf": browser.csrf(), "place": ids[:2]})
    assert saved.status == 200 and 'id="sms-form"' in saved.body
    before = len(twilio.sent)
    reply = text_places(browser, PHONE, ids[:2])
    assert reply.status == 200 and "Sent" in reply.json()["message"]
    assert len(twilio.sent) == before + 1
    sent = twilio.sent[-1]
    assert sent.to == "+447700900456" and sent.from_ == TWILIO["TWILIO_NUMBER"]
    assert is_gsm7(sent.body) and count_segments(sent.body) <= 3
    assert sent.body.count("\n1. ") == 1 and "\n2. " in sent.body and "\n3. " not in sent.body
    for path in server["folder"].iterdir():  # database, its journal, the server's log
        assert not phone_forms_in(path.read_bytes()), path.name


@pytest.mark.parametrize("phone", ["0113 496 0100", "hello", "", "+1 202 555 0100", 7700900456,
                                   "0" * 200])
def test_a_bad_number_gets_a_clear_message_and_nothing_is_sent(server, twilio, phone):
    browser, ids = in_a_call(server)
    before = len(twilio.sent)
    reply = text_places(browser, phone, ids[:1])
    assert reply.status == 400 and "not a UK mobile number" in reply.json()["error"]
    assert len(twilio.sent) == before


def test_only_places_of_this_call_can_be_texted(server, twilio):
    browser, _ = in_a_call(server)
    before = len(twilio.sent)
    for places in (["made-up-id"], [], "all", None):
        reply = text_places(browser, PHONE, places)  # type: ignore[arg-type]
        assert reply.status == 400 and "nothing to text" in reply.json()["error"]
    assert len(twilio.sent) == before


def test_a_number_that_texted_stop_is_not_texted(server, twilio):
    log = NeedsLog(server["url"])
    log.set_sms_opt_out(pseudonym("+447700900777"), True)
    log.dispose()
    browser, ids = in_a_call(server)
    before = len(twilio.sent)
    reply = text_places(browser, "07700 900777", ids[:1])
    assert reply.status == 409 and "STOP" in reply.json()["error"]
    assert len(twilio.sent) == before


def test_three_texts_a_call_then_a_clear_refusal(server, twilio):
    browser, ids = in_a_call(server, "bob")
    for _ in range(3):
        assert text_places(browser, PHONE, ids[:1]).status == 200
    reply = text_places(browser, PHONE, ids[:1])
    assert reply.status == 429 and "3 texts" in reply.json()["error"]


def test_when_twilio_refuses_the_handler_is_told_it_was_not_sent(server, twilio):
    browser, ids = in_a_call(server, "carol")
    twilio.fail_with, twilio.fail_times, twilio.failed = (400, 21610, "Unsubscribed"), 0, 0
    try:
        reply = text_places(browser, PHONE, ids[:1])
    finally:
        twilio.fail_with = None
    assert reply.status == 502 and "could not be sent" in reply.json()["error"]


@pytest.mark.parametrize("headers", [{}, {"X-CSRF-Token": "forged-token-0123456789"}])
def test_texting_needs_the_sessions_csrf_token(server, twilio, headers):
    browser, ids = in_a_call(server)
    before = len(twilio.sent)
    reply = browser.post("/outcome/sms", body={"phone": PHONE, "places": ids}, headers=headers)
    assert reply.status == 403 and len(twilio.sent) == before
    assert Browser(server["base"]).post("/outcome/sms", body={"phone": PHONE}).status == 401


def test_without_sms_settings_the_console_says_why_and_sends_nothing(no_sms_server):
    browser, ids = in_a_call(no_sms_server)
    saved = browser.post("/outcome", form={"csrf": browser.csrf(), "place": ids[:1]})
    assert "Texting is not set up" in saved.body and 'id="sms-form"' not in saved.body
    reply = text_places(browser, PHONE, ids[:1])
    assert reply.status == 404 and "not set up" in reply.json()["error"]


def test_a_looked_up_place_is_added_to_the_call_and_recorded_as_signposted(server):
    browser, ids = in_a_call(server)
    other = next(s for s in default_directory().search(need_areas="home_safety", limit=20)
                 if s.id not in ids)
    page = browser.get("/lookup?need=home_safety")
    assert f'name="service" value="{other.id}"' in page.body
    added = browser.post("/lookup/add", form={"csrf": browser.csrf(), "service": other.id,
                                              "need": "home_safety", "evil": "x"})
    assert added.status == 303 and added.headers["location"].endswith(
        "/lookup?need=home_safety&added=yes")
    assert "In this call&#39;s places" in browser.get("/lookup?need=home_safety").body
    outcome = browser.get("/outcome").body
    assert f'value="{other.id}"' in outcome
    saved = browser.post("/outcome", form={"csrf": browser.csrf(), "place": [other.id]})
    assert saved.status == 200 and other.name in saved.body
    engine = make_engine(server["url"])
    with engine.connect() as db:
        services = set(db.execute(select(t.signposted_service.c.service_id)).scalars())
    engine.dispose()
    assert other.id in services
    bad = browser.post("/lookup/add", form={"csrf": browser.csrf(), "service": "made-up"})
    assert bad.headers["location"].endswith("added=no")
    assert browser.post("/lookup/add", form={"service": other.id}).status == 403


def test_sign_in_is_limited_per_address_across_accounts(limited_server):
    server = limited_server
    accounts = StaffAccounts(server["url"])
    accounts.add("erin", PASSWORD)
    accounts.dispose()
    assert Browser(server["base"]).sign_in("erin", PASSWORD).status == 303  # works at first
    browser = Browser(server["base"])
    for name in ("dan", "erin", "frank"):  # three wrong guesses, three different accounts
        assert browser.sign_in(name, "wrong password here").status == 401
    for headers in ({}, {"X-Forwarded-For": "203.0.113.9"}):
        page = browser.get("/signin")
        pre = re.search(r'name="csrf" value="([^"]+)"', page.body).group(1)
        reply = browser.post("/signin", form={"csrf": pre, "name": "erin",
                                              "password": PASSWORD}, headers=headers)
        assert reply.status == 429 and "Too many wrong sign-ins" in reply.body
        assert "wf_staff" not in browser.cookies
    engine = make_engine(server["url"])
    with engine.connect() as db:
        locked = db.execute(select(t.staff_account.c.locked_until).where(
            t.staff_account.c.name == "erin")).scalar()
    engine.dispose()
    assert locked is None  # the address was stopped, not the account
