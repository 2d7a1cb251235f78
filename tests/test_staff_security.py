"""Staff console security, against the real routes on a real server (scripted assistant).

Every staff route refuses anonymous requests, missing or forged CSRF tokens and expired
sessions; a request cannot pick its conversation or claim to be staff; passwords are never
stored or logged in clear; lockout works.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.needs_log import make_engine
from bot.needs_log.schema import staff_account, staff_session
from bot.staff.accounts import StaffAccounts
from tests.staff import server as staff_server
from tests.staff.http import Browser

PASSWORD = "plum-orchard-47-lantern"
PAGES = ["/", "/call", "/lookup", "/lookup?need=nutrition", "/outcome", "/queue"]
POSTS = ["/call/new", "/call/message", "/call/correct", "/outcome", "/queue/handled", "/signout",
         "/outcome/sms", "/lookup/add"]
STAFF_WORDS = ["New caller", "Safeguarding queue", "Outcome of the call", "Look up a place"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    process, info = staff_server.start(
        tmp_path_factory.mktemp("staff"), {"alice": PASSWORD, "bob": PASSWORD + "-b"},
        {"WAYFINDER_STAFF_MAX_FAILURES": "5"})
    yield info
    staff_server.stop(process)


def signed_in(server, name="alice", password=PASSWORD) -> Browser:
    browser = Browser(server["base"])
    assert browser.sign_in(name, password).status == 303
    return browser


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_pages_redirect_to_sign_in_with_no_staff_content(server, path):
    reply = Browser(server["base"]).get(path)
    assert reply.status == 303
    assert reply.headers["location"].endswith("/webhooks/staff/signin")
    assert not any(word in reply.body for word in STAFF_WORDS)


@pytest.mark.parametrize("path", POSTS)
def test_anonymous_posts_get_401(server, path):
    reply = Browser(server["base"]).post(path, body={"text": "hello", "staff": True})
    assert reply.status == 401
    assert not any(word in reply.body for word in STAFF_WORDS)


@pytest.mark.parametrize("path", POSTS)
def test_a_made_up_session_cookie_is_refused(server, path):
    browser = Browser(server["base"], cookies={"wf_staff": "x" * 43})
    assert browser.post(path, body={"text": "hi"}).status == 401
    assert browser.get("/call").status == 303


def test_sign_in_sets_a_strict_httponly_cookie_and_shows_the_console(server):
    browser = Browser(server["base"])
    reply = browser.sign_in("alice", PASSWORD)
    assert reply.status == 303 and reply.headers["location"].endswith("/call")
    session = [c for c in reply.set_cookies if c.startswith("wf_staff=")][0]
    assert "HttpOnly" in session and "SameSite=Strict" in session
    assert "Path=/webhooks/staff/" in session
    page = browser.get("/call")
    assert page.status == 200 and "New caller" in page.body
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_sign_in_without_its_form_token_is_refused(server):
    browser = Browser(server["base"])
    reply = browser.post("/signin", form={"name": "alice", "password": PASSWORD})
    assert reply.status == 403
    assert "wf_staff" not in browser.cookies


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("token", [None, "", "forged-token-0123456789", "alice's"])
def test_posts_without_the_sessions_csrf_token_are_refused(server, path, token):
    browser = signed_in(server)
    headers = {} if token is None else {"X-CSRF-Token": token}
    reply = browser.post(path, body={"text": "hello"}, headers=headers)
    assert reply.status == 403
    assert browser.get("/call").status == 200  # still signed in: nothing happened


def test_another_sessions_csrf_token_does_not_work(server):
    alice, bob = signed_in(server), signed_in(server, "bob", PASSWORD + "-b")
    reply = alice.post("/call/new", form={"csrf": bob.csrf()})
    assert reply.status == 403


def test_a_call_uses_the_sessions_conversation_not_one_the_request_names(server):
    alice, bob = signed_in(server), signed_in(server, "bob", PASSWORD + "-b")
    assert alice.post("/call/new", form={"csrf": alice.csrf()}).status == 303
    assert bob.post("/call/new", form={"csrf": bob.csrf()}).status == 303
    engine = make_engine(server["url"])
    with engine.connect() as db:
        calls = dict(db.execute(select(staff_session.c.account_name, staff_session.c.call_id)
                                .where(staff_session.c.call_id.is_not(None))).all())
    engine.dispose()
    assert calls["alice"] != calls["bob"] and calls["alice"].startswith("staff-")
    reply = alice.post("/call/message", body={"text": "my neighbour hurt me",
                                              "call_id": calls["bob"], "sender": calls["bob"]},
                       headers={"X-CSRF-Token": alice.csrf()})
    assert reply.status == 200 and reply.json()["safeguarding"] is True
    bob_page = bob.get("/call").body
    assert "neighbour" not in bob_page and "Safeguarding: act now" not in bob_page


def test_expired_sessions_are_refused(server):
    browser = signed_in(server)
    token = browser.csrf()
    engine = make_engine(server["url"])
    with engine.begin() as db:
        db.execute(update(staff_session).where(staff_session.c.csrf_token == token).values(
            last_seen=datetime.utcnow() - timedelta(hours=2)))
    engine.dispose()
    assert browser.post("/call/new", form={"csrf": token}).status == 401
    reply = browser.get("/call")
    assert reply.status == 303 and "signin" in reply.headers["location"]


def test_sign_out_ends_the_session_on_the_server(server):
    browser = signed_in(server)
    cookie = browser.cookies["wf_staff"]
    assert browser.post("/signout", form={"csrf": browser.csrf()}).status == 303
    replay = Browser(server["base"], cookies={"wf_staff": cookie})
    assert replay.get("/call").status == 303


def test_lockout_after_five_wrong_passwords(server):
    accounts = StaffAccounts(server["url"])
    accounts.add("carol", PASSWORD)
    accounts.dispose()
    browser = Browser(server["base"])
    for _ in range(5):
        assert browser.sign_in("carol", "wrong password here").status == 401
    reply = browser.sign_in("carol", PASSWORD)
    assert reply.status == 401 and "wf_staff" not in browser.cookies
    assert "locked" in reply.body  # the sign-in page explains lockout without saying which
    assert Browser(server["base"]).sign_in("alice", PASSWORD).status == 303  # others unaffected


def test_passwords_are_never_stored_or_logged_in_clear(server):
    signed_in(server)
    Browser(server["base"]).sign_in("alice", "a wrong guess 12345")
    engine = make_engine(server["url"])
    with engine.connect() as db:
        hashes = db.execute(select(staff_account.c.password_hash)).scalars().all()
    engine.dispose()
    assert hashes and all(h.startswith("scrypt$") and PASSWORD not in h for h in hashes)
    for path in server["db"].parent.iterdir():
        content = path.read_bytes()
        assert PASSWORD.encode() not in content and b"a wrong guess 12345" not in content


def test_same_password_hashes_differently_and_verifies(server):
    from bot.staff.passwords import hash_password, verify_password

    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second
    assert verify_password(PASSWORD, first) and not verify_password(PASSWORD + "x", first)


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
def test_posts_from_another_origin_are_refused_even_with_the_token(server, origin):
    browser = signed_in(server)
    reply = browser.post("/call/new", form={"csrf": browser.csrf()}, headers={"Origin": origin})
    assert reply.status == 403
    same = browser.post("/call/new", form={"csrf": browser.csrf()},
                        headers={"Origin": server["base"].split("/webhooks")[0]})
    assert same.status == 303
