"""Rasa's socket.io channel with input checked at the door (bot/channels/door.py).

credentials.yml: bot.channels.socketio_door.DoorSocketIOInput (same settings as `socketio`).
A message event whose data is not an object, or whose message is not a string, gets a clear
reply on the socket instead of an exception; metadata that is not an object is dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.channels.door import guard, wording
from bot.channels.rest_door import agent_of, remember_app


class DoorSocketIOInput(SocketIOInput):
    """socket.io input that never passes malformed data to Rasa."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        seen: dict[str, Any] = {}
        blueprint = super().blueprint(guard(on_new_message, lambda: agent_of(seen)))
        remember_app(blueprint, seen)
        assert self.sio is not None  # set by the parent's blueprint()
        handlers = self.sio.handlers[self.namespace or "/"]
        on_message = handlers[self.user_message_evt]
        on_session = handlers.get("session_request")

        async def checked_message(sid: str, data: Any = None) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("message"), str):
                await self.sio.emit(self.bot_message_evt, {"text": wording().empty}, room=sid,
                                    namespace=self.namespace)
                return
            data = dict(data)
            if not isinstance(data.get(self.metadata_key), dict):
                data.pop(self.metadata_key, None)
            if not isinstance(data.get("session_id"), (str, type(None))):
                data.pop("session_id")
            if self.session_persistence and not data.get("session_id"):
                data["session_id"] = sid  # Rasa would drop it silently; answer on this socket
                self.sio.enter_room(sid, sid, namespace=self.namespace)
            await on_message(sid, data)

        async def checked_session(sid: str, data: Any = None) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("session_id"),
                                                             (str, type(None))):
                data = {}
            await on_session(sid, data)

        self.sio.on(self.user_message_evt, checked_message, namespace=self.namespace)
        if on_session is not None:
            self.sio.on("session_request", checked_session, namespace=self.namespace)
        return blueprint
