"""The SMS channel's configuration: credentials.yml keys, with environment variables winning."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.sms.memory import DEFAULT_EXPIRY_MINUTES, EXPIRY_ENV, expiry_minutes

REPLY_MODES = ("twiml", "rest")


class SettingsError(ValueError):
    """The SMS channel cannot start with these settings."""


@dataclass(frozen=True)
class TwilioSettings:
    """Who we are at Twilio, where Twilio sees us, and how replies go back."""

    account_sid: str = ""
    auth_token: str = ""  # validates X-Twilio-Signature; without it every request is refused
    twilio_number: str = ""  # the From of REST-mode replies
    public_base_url: str = ""  # scheme://host[/prefix] Twilio calls, when behind a proxy
    reply_mode: str = "twiml"  # "twiml": in the webhook answer; "rest": through the Messages API
    api_base_url: str = ""  # tests point the official client at a fake API on loopback
    expiry_minutes: float = DEFAULT_EXPIRY_MINUTES  # quiet period before a clean restart


SETTING_ENV: dict[str, str] = {
    "account_sid": "TWILIO_ACCOUNT_SID", "auth_token": "TWILIO_AUTH_TOKEN",
    "twilio_number": "TWILIO_NUMBER", "public_base_url": "TWILIO_PUBLIC_BASE_URL",
    "reply_mode": "TWILIO_REPLY_MODE", "api_base_url": "TWILIO_API_BASE_URL",
}


def settings_from(
    credentials: Mapping[str, Any] | None, environ: Mapping[str, str]
) -> TwilioSettings:
    """credentials.yml keys (same names as the fields), overridden by non-empty env variables."""
    given = credentials or {}
    values: dict[str, str] = {}
    for key, env in SETTING_ENV.items():
        values[key] = str(environ.get(env) or given.get(key) or "").strip()
    values["reply_mode"] = (values["reply_mode"] or "twiml").lower()
    if values["reply_mode"] not in REPLY_MODES:
        raise SettingsError("TWILIO_REPLY_MODE must be 'twiml' or 'rest'")
    if values["reply_mode"] == "rest" and not (values["account_sid"] and values["twilio_number"]):
        raise SettingsError("rest reply mode needs TWILIO_ACCOUNT_SID and TWILIO_NUMBER")
    if environ.get(EXPIRY_ENV):
        minutes = expiry_minutes(dict(environ))
    else:
        minutes = expiry_minutes({EXPIRY_ENV: str(given.get("expiry_minutes") or "")})
    return TwilioSettings(expiry_minutes=minutes, **values)
