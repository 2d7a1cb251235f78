"""REST reply mode: texts sent through Twilio's Messages API with the official async client.

A failed send is retried with backoff (0.5 s, then 1 s) while the turn's time allows, for
failures that may pass (network, timeouts, 429, 5xx). Whatever still is not sent is handed back,
and the channel puts it in the webhook's TwiML answer instead, so no reply is dropped silently.
Only when Twilio says this phone cannot get texts (unsubscribed, not a mobile, bad number) is
a text given up, and that is logged (without the number).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from bot.sms.settings import TwilioSettings

logger = logging.getLogger("bot.channels.twilio_sms")
BACKOFF_S = (0.5, 1.0)
SEND_BUDGET_S = 6.0  # Twilio waits 15 s for the webhook; Rasa has had its share already
HTTP_TIMEOUT_S = 4
UNREACHABLE_CODES = {21211, 21214, 21408, 21610, 21612, 21614}  # this phone cannot get texts


def rest_client(settings: TwilioSettings) -> Any:
    """twilio.rest.Client on the async HTTP client, at TWILIO_API_BASE_URL when that is set."""
    from twilio.http.async_http_client import AsyncTwilioHttpClient
    from twilio.rest import Client

    quiet = logging.getLogger("wayfinder.twilio_http")  # the client logs URLs at INFO
    quiet.setLevel(logging.WARNING)
    http = AsyncTwilioHttpClient(pool_connections=False, logger=quiet, timeout=HTTP_TIMEOUT_S)
    client = Client(settings.account_sid, settings.auth_token, http_client=http)
    if settings.api_base_url:
        client.api.base_url = settings.api_base_url.rstrip("/")
    return client


def _may_pass(error: BaseException) -> bool:
    status = getattr(error, "status", None)
    if isinstance(status, int):
        return status == 429 or status >= 500
    return True  # network errors and timeouts


async def _send_one(client: Any, settings: TwilioSettings, phone: str, body: str,
                    deadline: float) -> str:
    """'sent', 'unreachable' or 'failed' (after retries)."""
    from twilio.base.exceptions import TwilioException, TwilioRestException

    for attempt in range(len(BACKOFF_S) + 1):
        try:
            await asyncio.wait_for(client.messages.create_async(
                to=phone, from_=settings.twilio_number, body=body), HTTP_TIMEOUT_S + 1)
            return "sent"
        except TwilioRestException as error:
            logger.error("twilio_sms.send_failed status=%s code=%s attempt=%d", error.status,
                         error.code, attempt + 1)
            if error.code in UNREACHABLE_CODES:
                return "unreachable"
            failure: BaseException = error
        except (TwilioException, OSError, asyncio.TimeoutError) as error:
            logger.error("twilio_sms.send_failed %s attempt=%d", type(error).__name__, attempt + 1)
            failure = error
        if attempt == len(BACKOFF_S) or not _may_pass(failure):
            break
        if time.monotonic() + BACKOFF_S[attempt] + HTTP_TIMEOUT_S > deadline:
            break
        await asyncio.sleep(BACKOFF_S[attempt])
    return "failed"


async def send_rest(settings: TwilioSettings, phone: str, bodies: list[str],
                    budget_s: float = SEND_BUDGET_S) -> list[str]:
    """Sends each text in order; returns the texts that could not be sent (to go in TwiML)."""
    client = rest_client(settings)
    deadline = time.monotonic() + budget_s
    for index, body in enumerate(bodies):
        outcome = await _send_one(client, settings, phone, body, deadline)
        if outcome == "unreachable":
            logger.error("twilio_sms.send_gave_up texts=%d reason=unreachable",
                         len(bodies) - index)
            return []
        if outcome == "failed":
            logger.error("twilio_sms.send_fell_back_to_twiml texts=%d", len(bodies) - index)
            return bodies[index:]
    return []


async def send_once(settings: TwilioSettings, phone: str, body: str,
                    budget_s: float = SEND_BUDGET_S) -> str:
    """One text, retried like the others: 'sent', 'unreachable' (this phone cannot get texts)
    or 'failed'. For senders that must tell a person which (the staff console)."""
    return await _send_one(rest_client(settings), settings, phone, body,
                           time.monotonic() + budget_s)
