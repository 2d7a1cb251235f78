"""Rasa's REST channel, plus message ids: a retry of a message already handled is answered from
the tracker instead of being handled twice.

POST /webhooks/rest/webhook {"sender": "...", "message": "...", "message_id": "..."}
Without a message_id it behaves exactly like Rasa's RestInput. With one, the check and the
handling run under Rasa's own lock for the conversation (the Redis lock store in a cluster), so a
retry that reaches another instance while the first is still working waits, then finds it done.
A client retries with the same id when a request failed in flight (an instance died, a timeout).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

MAX_MESSAGE_ID = 128


def message_id_of(request: Request) -> str | None:
    value = (request.json or {}).get("message_id")
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


class RestOnceInput(RestInput):
    """Same URL and name as Rasa's REST channel ("rest")."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def handle_once(self, request: Request, agent: Any, message: UserMessage,
                          collector: CollectingOutputChannel) -> list[dict[str, Any]]:
        async with agent.lock_store.lock(message.sender_id):
            tracker = await agent.tracker_store.retrieve(message.sender_id)
            if tracker is not None:
                events = [event.as_dict() for event in tracker.events]
                earlier = replies_to(events, message.message_id)
                if earlier is not None:
                    return [{**reply, "recipient_id": message.sender_id} for reply in earlier]
            await agent.processor.handle_message(message)
        return collector.messages

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest = Blueprint(f"custom_webhook_{type(self).__name__}",
                         inspect.getmodule(self).__name__)

        @rest.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender_id,
                                  input_channel=self._extract_input_channel(request),
                                  metadata=self.get_metadata(request),
                                  message_id=message_id_of(request))
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                # Still loading the model (just started, or restarted after a crash): Rasa would
                # answer 200 with nothing and drop the message. Say so, and the client retries.
                return response.json({"error": "not ready"}, status=503,
                                     headers={"Retry-After": "1"})
            if message_id_of(request) is None:
                await on_new_message(message)
                return response.json(collector.messages)
            return response.json(await self.handle_once(request, agent, message, collector))

        return rest
