"""Wayfinder's Twilio SMS channel: signed webhooks only, one reply per text, GSM-7, no payloads.

credentials.yml entry (environment variables win over its keys):
    bot.channels.twilio_sms.TwilioSMSInput:
Webhook: POST /webhooks/twilio/webhook. Sender ids given to Rasa are pseudonyms; the phone number
lives only in memory for the request (and for the REST reply in rest mode).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol
from urllib.parse import parse_qsl

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, Restarted, SessionStarted, UserUttered
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot import settings as wayfinder_settings
from bot.sms.buttons import match_reply, options_from_buttons, out_of_range_number, render_options
from bot.sms.compose import Turn, clean_inbound, compose_turn
from bot.sms.keywords import Keyword, keyword_of
from bot.sms.memory import ConversationMemory, Recall, is_expired
from bot.sms.rest_sender import send_rest
from bot.sms.settings import TwilioSettings, settings_from
from bot.sms.wording import SmsWording, load_wording

logger = logging.getLogger(__name__)

RASA_TURN_LIMIT_S = 8.0  # Twilio waits 15 s; leaves time for the database and REST sends
MAX_REQUEST_BYTES = 64 * 1024  # a real Twilio SMS webhook is a few kilobytes at most
MAX_FORM_FIELDS = 200
FORM_TYPE = "application/x-www-form-urlencoded"
METADATA = {"channel": "sms"}
RESTART = "/restart"


class SmsStore(Protocol):
    """What the channel needs from the needs log (bot.needs_log.NeedsLog has these)."""

    def claim_inbound_message(self, channel: str, message_id: str) -> bool: ...
    def set_sms_opt_out(self, pseudonym: str, opted_out: bool) -> None: ...
    def is_sms_opted_out(self, pseudonym: str) -> bool: ...


class TwilioSMSOutput(CollectingOutputChannel):
    """Collects one turn's bot messages; named 'twilio' so `channel: twilio` responses are used."""

    @classmethod
    def name(cls) -> str:
        return "twilio"


def _default_pseudonym(value: str) -> str:
    from bot.privacy import pseudonym

    return pseudonym(value)


def _default_store() -> SmsStore:
    from bot.needs_log import NeedsLog

    return NeedsLog()


def recall_from_events(events: Any) -> Recall:
    """Options of the last bot turn (if no user text came after) and the last user text's time."""
    options: tuple = ()
    seen_user = False
    for event in reversed(list(events)):
        if isinstance(event, (Restarted, SessionStarted)) and not seen_user:
            return Recall(options, None)
        if isinstance(event, UserUttered):
            return Recall(options, event.timestamp)
        if isinstance(event, BotUttered) and not options and (event.data or {}).get("buttons"):
            options = tuple(options_from_buttons(event.data["buttons"]))
    return Recall(options, None)


class TwilioSMSInput(InputChannel):
    """Twilio SMS webhook with signature checks, opt-out keywords, dedup and SMS-shaped replies."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Builds the channel; TWILIO_* environment variables win over credentials.yml keys."""
        return cls(settings_from(credentials, wayfinder_settings.environ()))

    def __init__(
        self,
        settings: TwilioSettings,
        store: SmsStore | None = None,
        pseudonymise: Callable[[str], str] | None = None,
        wording: SmsWording | None = None,
        memory: ConversationMemory | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._store = store
        self.pseudonymise = pseudonymise or _default_pseudonym
        self.wording = wording or load_wording()
        self.memory = memory or ConversationMemory()
        self.clock = clock
        self.validator = RequestValidator(settings.auth_token) if settings.auth_token else None
        if self.validator is None:
            logger.warning("twilio_sms: no TWILIO_AUTH_TOKEN, so every webhook request is refused")

    @property
    def store(self) -> SmsStore:
        if self._store is None:
            self._store = _default_store()
        return self._store

    def get_output_channel(self) -> None:
        """No proactive texts: Rasa only knows pseudonyms, never the phone number."""
        return None

    # ---- request checks -------------------------------------------------------------------
    def public_url(self, request: Request) -> str:
        """The URL Twilio signed: TWILIO_PUBLIC_BASE_URL + path (+ query) behind a proxy."""
        if not self.settings.public_base_url:
            return request.url
        url = self.settings.public_base_url.rstrip("/") + request.path
        return f"{url}?{request.query_string}" if request.query_string else url

    @staticmethod
    def is_form(request: Request) -> bool:
        return (request.content_type or "").lower().startswith(FORM_TYPE)

    def parse_form(self, request: Request) -> RequestParameters | str | None:
        """The POST form as multi-valued params, None if it cannot be decoded.

        A body that is not a form is returned as text, so that Twilio's bodySHA256 check applies.
        """
        if not self.is_form(request):
            return (request.body or b"").decode("utf-8", errors="replace")
        params = RequestParameters()
        try:
            text = request.body.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, errors="strict",
                              max_num_fields=MAX_FORM_FIELDS)
        except (UnicodeDecodeError, ValueError):
            return None
        for key, value in pairs:
            params.setdefault(key, []).append(value)
        return params

    def is_signed_by_twilio(self, request: Request, params: RequestParameters | str,
                            sig: str) -> bool:
        """RequestValidator over the public URL and every posted parameter."""
        if self.validator is None:
            return False
        url = self.public_url(request)
        if isinstance(params, str) and "bodySHA256=" not in url:
            return False  # a non-form body is only ever signed through its bodySHA256
        try:
            return bool(self.validator.validate(url, params, sig))
        except (TypeError, ValueError, UnicodeError):
            return False

    # ---- replies --------------------------------------------------------------------------
    @staticmethod
    def twiml(bodies: list[str]) -> HTTPResponse:
        """<Response><Message>..</Message>...</Response> (empty <Response/> for silence)."""
        reply = MessagingResponse()
        for body in bodies:
            reply.message(body)
        return response.text(str(reply), content_type="text/xml; charset=utf-8")

    async def reply(self, phone: str, bodies: list[str]) -> HTTPResponse:
        """TwiML in the webhook response, or (rest mode) send now and answer with empty TwiML."""
        if self.settings.reply_mode == "rest" and bodies:
            return self.twiml(await send_rest(self.settings, phone, bodies))  # unsent go here
        return self.twiml(bodies)

    # ---- the store, failing open so a crisis text is never dropped --------------------------
    def claim(self, message_sid: str) -> bool:
        try:
            return bool(self.store.claim_inbound_message("sms", message_sid))
        except Exception as error:  # noqa: BLE001 - a broken log must not lose the text
            logger.error("twilio_sms.claim_failed %s", type(error).__name__)
            return True

    def opted_out(self, sender: str) -> bool:
        try:
            return bool(self.store.is_sms_opted_out(sender))
        except Exception as error:  # noqa: BLE001
            logger.error("twilio_sms.opt_out_lookup_failed %s", type(error).__name__)
            return False

    def set_opt_out(self, sender: str, value: bool) -> None:
        try:
            self.store.set_sms_opt_out(sender, value)
        except Exception as error:  # noqa: BLE001
            logger.error("twilio_sms.opt_out_store_failed %s", type(error).__name__)

    # ---- conversation memory ----------------------------------------------------------------
    async def recall(self, request: Request, sender: str) -> Recall:
        """Pending options and last activity from the Rasa tracker, else from process memory."""
        agent = getattr(request.app.ctx, "agent", None)
        tracker_store = getattr(agent, "tracker_store", None)
        if tracker_store is None:
            return self.memory.recall(sender)
        try:
            tracker = await tracker_store.retrieve(sender)
        except Exception as error:  # noqa: BLE001
            logger.error("twilio_sms.tracker_unavailable %s", type(error).__name__)
            return self.memory.recall(sender)
        return recall_from_events(tracker.events) if tracker else Recall()

    async def restart(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                      sender: str) -> None:
        """Starts the conversation afresh after the quiet period (what Rasa says is discarded)."""
        await on_new_message(UserMessage(RESTART, TwilioSMSOutput(), sender,
                                         input_channel=self.name(), metadata=dict(METADATA)))
        self.memory.forget(sender)

    def keyword_reply(self, keyword: Keyword, sender: str) -> list[str]:
        """STOP/START change the opt-out flag; HELP always gets the help text."""
        if keyword is Keyword.HELP:
            return [self.wording.help]
        was_out = self.opted_out(sender)
        if keyword is Keyword.STOP:
            self.set_opt_out(sender, True)
            return [] if was_out else [self.wording.opted_out]
        self.set_opt_out(sender, False)
        return [self.wording.opted_in]

    # ---- the webhook ------------------------------------------------------------------------
    async def handle(self, request: Request, params: RequestParameters,
                     on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        """One verified inbound text: dedup, keywords, checks, Rasa, then the reply."""
        message_sid = params.get("MessageSid") or params.get("SmsSid")
        phone = params.get("From")
        if not message_sid or not phone:
            return response.text("MessageSid and From are required", status=400)
        if not await asyncio.to_thread(self.claim, message_sid):
            return self.twiml([])  # Twilio delivered this one before
        sender = self.pseudonymise(phone)
        body = params.get("Body") or ""
        keyword = keyword_of(body)
        if keyword is not None:
            return await self.reply(phone, await asyncio.to_thread(self.keyword_reply, keyword,
                                                                   sender))
        silent = await asyncio.to_thread(self.opted_out, sender)
        has_media = (params.get("NumMedia") or "0").strip() not in {"", "0"}
        inbound = clean_inbound(body)
        if not inbound.text:
            text = self.wording.media_only if has_media else self.wording.empty
            return await self.reply(phone, [] if silent else [text])
        notes = [self.wording.media_note] if has_media else []
        if inbound.truncated:
            notes.append(self.wording.too_long)
        turn = await self.converse(request, sender, inbound.text, notes, on_new_message)
        return await self.reply(phone, [] if silent else list(turn.bodies))

    async def converse(self, request: Request, sender: str, text: str, notes: list[str],
                       on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Turn:
        """Maps option replies to payloads, runs Rasa, and composes what the phone will show."""
        now = self.clock()
        recall = await self.recall(request, sender)
        if is_expired(recall.last_active, now, self.settings.expiry_minutes):
            await self.restart(on_new_message, sender)
            recall = Recall()
        if recall.options:
            chosen = match_reply(text, recall.options)
            if chosen is not None:
                text = chosen.payload
            elif out_of_range_number(text, recall.options):
                again = self.wording.pick_a_number.format(count=len(recall.options))
                tail = render_options(recall.options, self.wording.options)
                return Turn((f"{again}\n{tail}",), recall.options)
        collector = TwilioSMSOutput()
        rasa_turn = asyncio.ensure_future(on_new_message(UserMessage(
            text, collector, sender, input_channel=self.name(), metadata=dict(METADATA))))
        rasa_turn.add_done_callback(lambda done: done.cancelled() or done.exception())
        try:  # shielded: a slow turn still finishes and is stored, Twilio gets an answer now
            await asyncio.wait_for(asyncio.shield(rasa_turn), RASA_TURN_LIMIT_S)
        except asyncio.TimeoutError:
            logger.error("twilio_sms.rasa_slow limit=%s", RASA_TURN_LIMIT_S)
            collector.messages.append({"text": self.wording.error})
        except Exception as error:  # noqa: BLE001 - the person still gets an answer
            logger.error("twilio_sms.rasa_failed %s", type(error).__name__)
            collector.messages.append({"text": self.wording.error})
        turn = compose_turn(collector.messages, self.wording.options, notes)
        self.memory.remember(sender, turn.options, now)
        return turn

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """GET / (health) and POST /webhook."""
        hook = Blueprint("wayfinder_twilio_sms", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            signature = request.headers.get("X-Twilio-Signature", "")
            if not signature:
                return response.text("Forbidden", status=403)
            if len(request.body or b"") > MAX_REQUEST_BYTES:
                return response.text("Request too large", status=413)
            params = self.parse_form(request)
            if params is None:
                return response.text("Bad form encoding", status=400)
            if not self.is_signed_by_twilio(request, params, signature):
                return response.text("Forbidden", status=403)
            if isinstance(params, str):
                return response.text("Expected a form-encoded Twilio webhook", status=415)
            try:
                return await self.handle(request, params, on_new_message)
            except Exception as error:  # noqa: BLE001 - never a 500 page for Twilio to retry
                logger.error("twilio_sms.webhook_failed %s", type(error).__name__)
                return self.twiml([self.wording.error])

        return hook
