"""A tiny REST client for the end-to-end tests: what a person would send and see."""

from __future__ import annotations

import json
import os
import urllib.request
import uuid
from typing import Any

RASA_URL = os.environ.get("WAYFINDER_TEST_RASA_URL", "http://127.0.0.1:5006")
TOKEN = os.environ.get("WAYFINDER_TEST_RASA_TOKEN", "")


def new_sender(prefix: str = "e2e") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def post_json(url: str, body: Any, timeout: float = 60) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 - loopback
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def get(url: str, timeout: float = 30) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:  # noqa: S310 - loopback
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


class Chat:
    """One person's conversation over the REST channel."""

    def __init__(self, sender: str | None = None) -> None:
        self.sender = sender or new_sender()

    def say(self, message: str) -> list[dict[str, Any]]:
        status, replies = post_json(f"{RASA_URL}/webhooks/rest/webhook",
                                    {"sender": self.sender, "message": message})
        assert status == 200, status
        return replies or []

    def text(self, message: str) -> str:
        """Everything the person sees after sending `message`, as one string."""
        return "\n".join(reply.get("text", "") for reply in self.say(message))

    def tracker(self) -> dict[str, Any]:
        status, body = get(f"{RASA_URL}/conversations/{self.sender}/tracker?token={TOKEN}")
        assert status == 200, status
        return json.loads(body)

    def slots(self) -> dict[str, Any]:
        return self.tracker()["slots"]
