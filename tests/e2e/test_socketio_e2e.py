"""The socket.io channel (for a council's own web widget) answers like the REST channel."""

from __future__ import annotations

import queue
import uuid

import pytest
import socketio

from bot.council import load_council
from tests.e2e.client import RASA_URL

pytestmark = pytest.mark.e2e


def test_socketio_widget_gets_the_welcome_and_buttons():
    replies: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", replies.put)
    session = uuid.uuid4().hex
    client.connect(RASA_URL, socketio_path="/socket.io", transports=["polling"], wait_timeout=30)
    try:
        client.emit("session_request", {"session_id": session})
        client.emit("user_uttered", {"message": "hello", "session_id": session})
        first = replies.get(timeout=60)
    finally:
        client.disconnect()
    assert load_council().name in first["text"]
    assert [r["title"] for r in first["quick_replies"]][0] == "I need help for myself"
