"""Rasa's REST channel with input checked at the door (bot/channels/door.py).

credentials.yml: bot.channels.rest_door.DoorRestInput (served at /webhooks/rest/webhook, as the
built-in one, so the chat page, tests and bench are unchanged).
Malformed JSON, a body that is not an object, and a missing or non-string sender or message
get 400 with a short reason; too long or empty messages get a clear reply and are not stored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.request import Request

from bot.channels.door import guard

# 8,000 characters of emoji escaped in JSON (\ud83d\ude42) are 96 KB: those still get the clear
# "too long" reply; anything bigger is refused before it is parsed.
MAX_BODY_BYTES = 128 * 1024


def _body(request: Request) -> dict[str, Any]:
    if len(request.body or b"") > MAX_BODY_BYTES:
        raise PayloadTooLarge("the request is too large")
    try:
        body = request.json
    except InvalidUsage:
        raise InvalidUsage("the body must be JSON") from None
    except Exception:  # noqa: BLE001 - invalid UTF-8 and the like
        raise InvalidUsage("the body must be JSON") from None
    if not isinstance(body, dict):
        raise InvalidUsage("the body must be a JSON object")
    return body


class DoorRestInput(RestInput):
    """REST input that refuses malformed requests with 400 instead of answering []."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, req: Request) -> str | None:
        sender = _body(req).get("sender")
        if sender is not None and (not isinstance(sender, str) or not sender.strip()
                                   or len(sender) > 128):
            raise InvalidUsage("'sender' must be a short string")
        return sender

    def _extract_message(self, req: Request) -> str | None:
        message = _body(req).get("message")
        if not isinstance(message, str):
            raise InvalidUsage("'message' must be a string")
        return message

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()  # not chosen by the caller

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        metadata = _body(request).get("metadata")
        return metadata if isinstance(metadata, dict) else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        seen: dict[str, Any] = {}
        blueprint = super().blueprint(guard(on_new_message, lambda: agent_of(seen)))
        remember_app(blueprint, seen)
        return blueprint


def remember_app(blueprint: Blueprint, seen: dict[str, Any]) -> None:
    """Keeps the Sanic app once the server starts, to reach Rasa's agent (its tracker store)."""

    @blueprint.listener("after_server_start")
    async def keep(app: Any, _loop: Any) -> None:
        seen["app"] = app


def agent_of(seen: dict[str, Any]) -> Any:
    app = seen.get("app")
    return getattr(getattr(app, "ctx", None), "agent", None) if app is not None else None
