"""The embeddable web widget's channel, at /webhooks/widget/.

GET  wayfinder.js   the one script a council adds to its pages (gzipped when the browser allows)
GET  demo/          a demo council page that embeds it
POST webhook        {sender, message, message_id} -> the replies (a repeated id is answered once)
POST end            {sender}: "clear this conversation" (its transcript is deleted)
POST sms            {sender, phone}: texts the conversation's last summary (when SMS is set up)

Requests from other sites are refused unless their origin is in WAYFINDER_CORS_ORIGINS.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings as wayfinder_settings
from bot.answer_card import CARD_KIND
from bot.council import load_council
from bot.journey import MAX_ANSWER_CHARS
from bot.privacy import normalise_uk_phone
from bot.sms.rest_sender import send_rest
from bot.sms.settings import settings_from
from bot.widget.bundle import bundle_bytes, render_page
from bot.widget.dedupe import ReplyCache
from bot.widget.session import end_conversation
from bot.widget.settings import (
    allowed_origins,
    frame_ancestors,
    origin_allowed,
    sms_configured,
)
from bot.widget.summaries import SummaryStore

logger = logging.getLogger(__name__)
MAX_SENDER_CHARS = 100


def page_headers() -> dict[str, str]:
    """Headers for our HTML pages: no caching, and only the council's sites may frame them."""
    return {"Cache-Control": "no-store",
            "Content-Security-Policy": frame_ancestors(allowed_origins()),
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _sender(body: Any) -> str | None:
    sender = body.get("sender") if isinstance(body, dict) else None
    if isinstance(sender, str) and 0 < len(sender) <= MAX_SENDER_CHARS:
        return sender
    return None


class WidgetInput(InputChannel):
    """Messages from the web widget, with message-id dedupe and the widget's own endpoints."""

    def __init__(self) -> None:
        self.replies = ReplyCache()
        self.summaries = SummaryStore()

    @classmethod
    def name(cls) -> str:
        return "widget"

    def _refused(self, request: Request) -> HTTPResponse | None:
        if origin_allowed(request.headers.get("origin"), request.host, allowed_origins()):
            return None
        return response.json({"error": "origin not allowed"}, status=403)

    async def _process(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                       sender: str, text: str) -> list[dict[str, Any]]:
        collector = CollectingOutputChannel()
        await on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
        for message in collector.messages:
            custom = message.get("custom")
            if isinstance(custom, dict) and custom.get("kind") == CARD_KIND:
                self.summaries.put(sender, str(custom.get("sms", "")))
        return collector.messages

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        widget = Blueprint("wayfinder_widget", __name__)

        @widget.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @widget.route("/wayfinder.js", methods=["GET"])
        async def script(request: Request) -> HTTPResponse:
            plain, zipped = bundle_bytes(sms_configured())
            headers = {"Cache-Control": "public, max-age=300", "Vary": "Accept-Encoding",
                       "X-Content-Type-Options": "nosniff"}
            if "gzip" in request.headers.get("accept-encoding", ""):
                headers["Content-Encoding"] = "gzip"
                plain = zipped
            return response.raw(plain, content_type="text/javascript; charset=utf-8",
                                headers=headers)

        @widget.route("/demo/", methods=["GET"])
        async def demo(request: Request) -> HTTPResponse:
            return response.html(render_page("widget/demo.html", load_council()),
                                 headers=page_headers())

        @widget.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refused = self._refused(request)
            if refused:
                return refused
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = _sender(body), body.get("message")
            if not sender or not isinstance(text, str) or not text.strip():
                return response.json({"error": "sender and message are needed"}, status=400)
            message_id = body.get("message_id")
            message_id = message_id if isinstance(message_id, str) else None
            replies = await self.replies.run_once(
                sender, message_id,
                lambda: self._process(on_new_message, sender, text[:MAX_ANSWER_CHARS]))
            return response.json(replies)

        @widget.route("/end", methods=["POST"])
        async def end(request: Request) -> HTTPResponse:
            refused = self._refused(request)
            if refused:
                return refused
            sender = _sender(request.json)
            if not sender:
                return response.json({"error": "sender is needed"}, status=400)
            self.summaries.forget(sender)
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, end_conversation, sender)
            return response.json({"ended": True})

        @widget.route("/sms", methods=["POST"])
        async def sms(request: Request) -> HTTPResponse:
            refused = self._refused(request)
            if refused:
                return refused
            if not sms_configured():
                return response.json({"error": "text messages are not set up"}, status=404)
            body = request.json if isinstance(request.json, dict) else {}
            sender = _sender(body)
            phone = normalise_uk_phone(str(body.get("phone") or ""))
            if not sender or not phone:
                return response.json({"error": "a mobile number is needed"}, status=400)
            text = self.summaries.take_for_sms(sender)
            if not text:
                return response.json({"error": "nothing to send"}, status=409)
            unsent = await send_rest(settings_from(None, wayfinder_settings.environ()), phone,
                                     [text])
            if unsent:  # Twilio refused it after the retries: say so, never "Sent"
                logger.error("widget summary could not be sent by text")  # never the number
                return response.json({"error": "the text could not be sent"}, status=502)
            logger.info("widget summary sent by text")  # never the number
            return response.json({"sent": True})

        return widget
