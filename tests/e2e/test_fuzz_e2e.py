"""Fuzzing every public endpoint of the real Rasa server (stage 2: no action server) with
hypothesis: REST, socket.io, SMS and the chat page. Oversized, empty, wrong types, invalid
UTF-8, control characters, leading slash, forged payloads and forged signatures.

What must hold: no 5xx, no silent empty reply to a well-formed message, and nothing stored
beyond the limits (no user text over 8,000 characters, no control characters).
"""

from __future__ import annotations

import json
import os
import queue
import uuid

import pytest
import requests
import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from tests.fake_twilio import WEBHOOK_PATH, message_sid, sign_form, sms_params

pytestmark = [pytest.mark.e2e, pytest.mark.no_actions]
LIMIT = 8000
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
PAYLOADS = ["/i_am_self", '/inform_network{"network":"strong"}', '/inform_step{"sds_step":"99"}',
            "/restart", "/session_start", "/disclose_harm", "/nlu_fallback", "/", "//", "/ help"]
texts = st.one_of(
    st.text(max_size=300),
    st.sampled_from(PAYLOADS),
    st.builds(lambda p, t: p + t, st.sampled_from(PAYLOADS), st.text(max_size=40)),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", "\x00", "🙂", "\n", " "]),
              st.integers(LIMIT - 5, LIMIT + 3000)),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x9f), max_size=60),
)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                           max_leaves=6)


def _url() -> str:
    url = os.environ.get("WAYFINDER_TEST_RASA_NO_ACTIONS_URL", "")
    assert url, "run through make e2e (stage 2)"
    return url


def _rest(body: bytes) -> requests.Response:
    return requests.post(_url() + "/webhooks/rest/webhook", data=body,
                         headers={"Content-Type": "application/json"}, timeout=60)


@FUZZ
@given(message=texts)
def test_rest_any_text_gets_an_answer(message):
    answer = _rest(json.dumps({"sender": f"fuzz-{uuid.uuid4().hex[:8]}",
                               "message": message}).encode())
    assert answer.status_code == 200, (answer.status_code, answer.text[:200])
    assert [r for r in answer.json() if r.get("text") or r.get("buttons")], "silent reply"


@FUZZ
@given(body=st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=200),
                      st.dictionaries(st.sampled_from(["sender", "message", "metadata",
                                                       "input_channel"]), json_values)
                      .map(lambda v: json.dumps(v).encode())))
def test_rest_malformed_bodies_get_400_or_an_answer_never_5xx(body):
    answer = _rest(body)
    assert answer.status_code < 500, (answer.status_code, answer.text[:200])
    if answer.status_code == 200:
        assert answer.json(), "silent reply"
    else:
        assert answer.status_code in (400, 413), answer.status_code


def test_rest_invalid_utf8_and_huge_bodies_are_refused_cleanly():
    assert _rest(b'{"sender": "x", "message": "\xff\xfe"}').status_code == 400
    huge = json.dumps({"sender": "x", "message": "a" * 200_000}).encode()
    assert _rest(huge).status_code == 413


def _sms(body: str, phone: str) -> requests.Response:
    base = _url()
    public = os.environ.get("TWILIO_PUBLIC_BASE_URL", base).rstrip("/")
    token = os.environ.get("TWILIO_AUTH_TOKEN", "test-auth-token")
    signed, headers = sign_form(public + WEBHOOK_PATH, sms_params(body, phone=phone,
                                                                  sid=message_sid()), token)
    return requests.post(base + WEBHOOK_PATH, data=signed, headers=headers, timeout=60)


@FUZZ
@given(message=texts.filter(lambda t: len(t) < 1700))
def test_sms_any_text_gets_an_answer_or_a_clean_keyword_silence(message):
    answer = _sms(message, f"+4477009{uuid.uuid4().int % 100000:05d}")
    assert answer.status_code == 200, (answer.status_code, answer.text[:200])
    assert "<Message>" in answer.text or message.strip().upper() in {"STOP", "STOPALL"}


@FUZZ
@given(body=st.binary(max_size=300),
       signature=st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=40))
def test_sms_forged_or_garbage_requests_never_5xx(body, signature):
    answer = requests.post(_url() + WEBHOOK_PATH, data=body, timeout=30,
                           headers={"X-Twilio-Signature": signature,
                                    "Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code < 500 and answer.status_code in (400, 403, 413, 415)


@FUZZ
@given(query=st.text(max_size=50))
def test_chat_page_never_5xx(query):
    answer = requests.get(_url() + "/webhooks/chat/", params={"q": query}, timeout=30)
    assert answer.status_code == 200 and "<html" in answer.text.lower()


@settings(max_examples=15, deadline=None, derandomize=True)
@given(data=st.one_of(json_values, st.fixed_dictionaries({"message": texts})))
def test_socketio_any_data_gets_an_answer(data):
    replies: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", replies.put)
    session = uuid.uuid4().hex
    client.connect(_url(), socketio_path="/socket.io", transports=["polling"], wait_timeout=30)
    try:
        client.emit("session_request", {"session_id": session})
        if isinstance(data, dict):
            data = {**data, "session_id": session}
        client.emit("user_uttered", data)
        first = replies.get(timeout=30)
    finally:
        client.disconnect()
    assert first.get("text") or first.get("quick_replies"), first


def test_nothing_stored_beyond_the_limits():
    """Runs last in this file: every user text stored by the fuzzing above is within limits."""
    engine = create_engine(os.environ["DATABASE_URL"], future=True)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "select data from events where type_name = 'user' and sender_id like 'fuzz-%'"
        )).scalars().all()
    engine.dispose()
    assert rows, "the fuzz tests stored nothing at all"
    stored = [json.loads(row).get("text") or "" for row in rows]
    assert max(len(t) for t in stored) <= LIMIT
    assert not [t for t in stored if any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f for c in t)]


def test_socketio_message_without_a_session_still_gets_an_answer():
    replies: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", replies.put)
    client.connect(_url(), socketio_path="/socket.io", transports=["polling"], wait_timeout=30)
    try:
        client.emit("user_uttered", {"message": "/ I want to kill myself"})
        seen = [replies.get(timeout=30)]
    finally:
        client.disconnect()
    assert "999" in seen[0].get("text", ""), seen
