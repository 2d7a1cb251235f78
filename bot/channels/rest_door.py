"""Rasa's REST channel with input checked at the door (bot/channels/door.py).

credentials.yml: bot.channels.rest_door.DoorRestInput (served at /webhooks/rest/webhook, as the
built-in one, so the chat page, tests and bench are unchanged).
Malformed JSON, a body that is not an object, and a missing or non-string sender or message
get 400 with a short reason; too long or empty messages get a clear reply and are not stored.

Message ids: {"sender": ..., "message": ..., "message_id": "..."}. A client retries with the same
id when a request failed in flight (an instance died, a timeout). The check and the handling run
under Rasa's own lock for the conversation (the Redis lock store in a cluster), so a retry that
reaches another instance while the first is still working waits, then is answered from the
tracker instead of being handled twice. Without an id it behaves as Rasa's RestInput.
While the model is still loading the channel answers 503 (Rasa answers 200 with nothing and
drops the message), so the client or the load balancer tries again.
"""

from __future__ import annotations

import inspect
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.door import guard

# 8,000 characters of emoji escaped in JSON (\ud83d\ude42) are 96 KB: those still get the clear
# "too long" reply; anything bigger is refused before it is parsed.
MAX_BODY_BYTES = 128 * 1024
MAX_MESSAGE_ID = 128
logger = logging.getLogger(__name__)


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
        checked = guard(on_new_message, lambda: agent_of(seen))
        rest = Blueprint(f"custom_webhook_{type(self).__name__}", inspect.getmodule(self).__name__)
        remember_app(rest, seen)

        @rest.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"error": "not ready"}, status=503,
                                     headers={"Retry-After": "1"})
            collector = CollectingOutputChannel()
            message_id = message_id_of(request)
            message = UserMessage(text, collector, sender_id,
                                  input_channel=self._extract_input_channel(request),
                                  metadata=self.get_metadata(request), message_id=message_id)
            try:
                if message_id is None:
                    await checked(message)
                elif not await handle_once(agent, message, seen):
                    # The turn failed (the door's "trouble" text is in the body): 503 tells a
                    # client that retries with the same id to do so (it is not handled twice).
                    return response.json(collector.messages, status=503,
                                         headers={"Retry-After": "1"})
            except CancelledError:
                logger.error("rest.message_timeout")
            return response.json(collector.messages)

        return rest


def message_id_of(request: Request) -> str | None:
    value = _body(request).get("message_id")
    if isinstance(value, str) and 0 < len(value) <= MAX_MESSAGE_ID:
        return value
    return None


def replies_to(events: list[dict[str, Any]], message_id: str) -> list[dict[str, Any]] | None:
    """The bot's replies that followed the user message with this id, or None if not there."""
    found = None
    for event in events:
        if event.get("event") == "user":
            if found is not None:
                break
            if event.get("message_id") == message_id:
                found = []
        elif event.get("event") == "bot" and found is not None:
            data = event.get("data") or {}
            reply = {"recipient_id": None, "text": event.get("text")}
            reply.update({k: v for k, v in data.items() if v and k != "elements"})
            found.append({k: v for k, v in reply.items() if v is not None})
    return found


async def handle_once(agent: Any, message: UserMessage, seen: dict[str, Any]) -> bool:
    """Handles the message unless a message with its id is already in the conversation (then
    its replies are sent again), all under the conversation's lock; False if the turn failed."""
    failed: list[Exception] = []

    async def process(checked_message: UserMessage) -> Any:
        try:  # inside the lock already: the processor, not agent.handle_message (locks again)
            return await agent.processor.handle_message(checked_message)
        except Exception as error:
            failed.append(error)
            raise

    async with agent.lock_store.lock(message.sender_id):
        tracker = await agent.tracker_store.retrieve(message.sender_id)
        if tracker is not None:
            earlier = replies_to([e.as_dict() for e in tracker.events], message.message_id)
            if earlier is not None:
                message.output_channel.messages.extend(  # a CollectingOutputChannel
                    {**reply, "recipient_id": message.sender_id} for reply in earlier)
                return True
        await guard(process, lambda: agent_of(seen))(message)
    return not failed


def remember_app(blueprint: Blueprint, seen: dict[str, Any]) -> None:
    """Keeps the Sanic app once the server starts, to reach Rasa's agent (its tracker store)."""

    @blueprint.listener("after_server_start")
    async def keep(app: Any, _loop: Any) -> None:
        seen["app"] = app


def agent_of(seen: dict[str, Any]) -> Any:
    app = seen.get("app")
    return getattr(getattr(app, "ctx", None), "agent", None) if app is not None else None
