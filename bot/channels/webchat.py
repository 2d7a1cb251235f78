"""A Rasa input channel that serves Wayfinder's full-page chat at /webhooks/chat/.

The page is the web widget (bot/channels/widget.py) in "page" mode, so there is one web client;
messages go to the widget's channel, never through this one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.widget import page_headers
from bot.council import load_council
from bot.widget.bundle import render_page


class WebChatInput(InputChannel):
    """Serves the chat page."""

    @classmethod
    def name(cls) -> str:
        return "chat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        chat = Blueprint("wayfinder_chat", __name__)

        @chat.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return response.html(render_page("chat.html", load_council()), headers=page_headers())

        return chat
