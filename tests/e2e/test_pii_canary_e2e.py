"""Journeys that type a name, phone number, email, full postcode, NHS number and birth date
over REST, socket.io and SMS. tests/e2e/run.py then searches every table, file and log the run
leaves behind (tests/e2e/pii_canary.py) and fails if any of them is found."""

from __future__ import annotations

import os
import queue
import uuid

import pytest
import requests
import socketio

from tests.e2e.client import RASA_URL, Chat
from tests.e2e.pii_canary import MESSAGES
from tests.fake_twilio import WEBHOOK_PATH, message_sid, sign_form, sms_params

pytestmark = pytest.mark.e2e


def test_canary_journey_over_rest():
    chat = Chat()
    chat.say("hello")
    chat.say("/i_am_self")
    for message in MESSAGES:
        assert chat.say(message), "no reply"
    assert chat.say("talk to a person")


def test_canary_journey_over_socketio():
    replies: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", replies.put)
    session = uuid.uuid4().hex
    client.connect(RASA_URL, socketio_path="/socket.io", transports=["polling"], wait_timeout=30)
    try:
        client.emit("session_request", {"session_id": session})
        for message in MESSAGES:
            client.emit("user_uttered", {"message": message, "session_id": session})
            assert replies.get(timeout=60)
    finally:
        client.disconnect()


def test_canary_journey_over_sms():
    token = os.environ.get("TWILIO_AUTH_TOKEN", "test-auth-token")
    public = os.environ.get("TWILIO_PUBLIC_BASE_URL", RASA_URL).rstrip("/")
    for message in ["hi", "1", *MESSAGES]:
        body, headers = sign_form(public + WEBHOOK_PATH, sms_params(
            message, phone="+447700900461", sid=message_sid()), token)
        answer = requests.post(RASA_URL + WEBHOOK_PATH, data=body, headers=headers, timeout=60)
        assert answer.status_code == 200 and "<Message>" in answer.text
