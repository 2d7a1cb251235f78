"""A Rasa input channel that serves Wayfinder's minimal chat page at /webhooks/chat/.

The page itself talks to Rasa's REST channel (/webhooks/rest/webhook), so this channel only
serves the page; messages never pass through it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.council import load_council

PAGE = Path(__file__).resolve().parents[2] / "data" / "web" / "chat.html"


def render_page() -> str:
    """The chat page with the council's name and phone number filled in."""
    council = load_council()
    html = PAGE.read_text(encoding="utf-8")
    for key, value in council.as_slots().items():
        html = html.replace("{{" + key + "}}", _escape(value))
    return html


def _escape(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


class WebChatInput(InputChannel):
    """Serves the chat page; the page uses the REST channel for messages."""

    @classmethod
    def name(cls) -> str:
        return "chat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        chat = Blueprint("wayfinder_chat", __name__)

        @chat.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return response.html(render_page(), headers={"Cache-Control": "no-store"})

        return chat
