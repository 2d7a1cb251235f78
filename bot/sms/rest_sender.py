"""REST reply mode: texts sent through Twilio's Messages API with the official async client."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.sms.settings import TwilioSettings

logger = logging.getLogger("bot.channels.twilio_sms")


def rest_client(settings: TwilioSettings) -> Any:
    """twilio.rest.Client on the async HTTP client, at TWILIO_API_BASE_URL when that is set."""
    from twilio.http.async_http_client import AsyncTwilioHttpClient
    from twilio.rest import Client

    quiet = logging.getLogger("wayfinder.twilio_http")  # the client logs URLs at INFO
    quiet.setLevel(logging.WARNING)
    http = AsyncTwilioHttpClient(pool_connections=False, logger=quiet, timeout=10)
    client = Client(settings.account_sid, settings.auth_token, http_client=http)
    if settings.api_base_url:
        client.api.base_url = settings.api_base_url.rstrip("/")
    return client


async def send_rest(settings: TwilioSettings, phone: str, bodies: list[str]) -> None:
    """Sends each text in order (awaiting each, so they leave in order); logs without numbers."""
    from twilio.base.exceptions import TwilioException, TwilioRestException

    client = rest_client(settings)
    for body in bodies:
        try:
            await client.messages.create_async(to=phone, from_=settings.twilio_number, body=body)
        except TwilioRestException as error:
            logger.error("twilio_sms.send_failed status=%s code=%s", error.status, error.code)
        except (TwilioException, OSError, asyncio.TimeoutError) as error:
            logger.error("twilio_sms.send_failed %s", type(error).__name__)
