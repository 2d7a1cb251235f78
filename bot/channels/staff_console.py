"""The staff console as a Rasa input channel (name "staff", served at /webhooks/staff/).

Every message of a call goes through the same assistant with output channel "staff", so the
`channel: staff` response variants give call-handler wording and the needs log records channel
`staff`. The pages and the security live in bot/staff/web.py; this module only connects them to
Rasa (send a message, read the call's slots and transcript, correct a slot).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from sanic import Blueprint

from bot.staff.web import Console, build_blueprint

NAME = "staff"


class StaffOutput(CollectingOutputChannel):
    """Collects the replies of one turn; its name selects the `channel: staff` variants."""

    @classmethod
    def name(cls) -> str:
        return NAME


class RasaAssistant:
    """The console's view of Rasa: the agent is looked up on the running app when needed."""

    def __init__(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        self.on_new_message = on_new_message
        self.app: Any = None

    @property
    def agent(self) -> Any:
        return self.app.ctx.agent

    async def send(self, call_id: str, text: str) -> list[dict[str, Any]]:
        output = StaffOutput()
        await self.on_new_message(UserMessage(text, output, call_id, input_channel=NAME))
        return [{"text": m.get("text") or "", "buttons": m.get("buttons") or []}
                for m in output.messages]

    async def _tracker(self, call_id: str) -> Any:
        return await self.agent.tracker_store.retrieve(call_id)

    async def slots(self, call_id: str) -> dict[str, Any]:
        tracker = await self._tracker(call_id)
        return dict(tracker.current_slot_values()) if tracker else {}

    async def transcript(self, call_id: str) -> list[dict[str, Any]]:
        tracker = await self._tracker(call_id)
        lines: list[dict[str, Any]] = []
        for event in tracker.events if tracker else []:
            if isinstance(event, UserUttered) and event.text and not event.text.startswith("/"):
                lines.append({"who": "user", "text": event.text, "buttons": []})
            elif isinstance(event, BotUttered) and event.text:
                lines.append({"who": "bot", "text": event.text,
                              "buttons": (event.data or {}).get("buttons") or []})
        return lines

    async def set_slots(self, call_id: str, values: dict[str, Any]) -> None:
        processor = self.agent.processor
        tracker = await processor.get_tracker(call_id)
        for slot, value in values.items():
            tracker.update(SlotSet(slot, value))
        await processor.save_tracker(tracker)


class StaffConsoleInput(InputChannel):
    """Serves the console; staff identity comes only from the server-side session."""

    @classmethod
    def name(cls) -> str:
        return NAME

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        assistant = RasaAssistant(on_new_message)
        bp = build_blueprint(Console(assistant, prefix=f"/webhooks/{NAME}"))

        @bp.listener("before_server_start")
        async def remember_app(app: Any, _loop: Any) -> None:
            assistant.app = app

        return bp
