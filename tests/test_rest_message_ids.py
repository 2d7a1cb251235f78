"""REST with message ids: a retry is answered from the tracker, never handled twice."""

from __future__ import annotations

from bot.channels.rest_door import replies_to

EVENTS = [
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "hello", "message_id": "m1"},
    {"event": "bot", "text": "Hi, I'm Wayfinder.", "data": {"buttons": [{"title": "Start"}]}},
    {"event": "bot", "text": "Who is the help for?", "data": {}},
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "me", "message_id": "m2"},
    {"event": "bot", "text": "Question 2", "data": {}},
]


def test_a_retry_gets_the_replies_that_followed_its_message():
    assert replies_to(EVENTS, "m1") == [
        {"text": "Hi, I'm Wayfinder.", "buttons": [{"title": "Start"}]},
        {"text": "Who is the help for?"}]
    assert replies_to(EVENTS, "m2") == [{"text": "Question 2"}]


def test_a_message_not_yet_handled_is_not_found():
    assert replies_to(EVENTS, "m3") is None
    assert replies_to([], "m1") is None
