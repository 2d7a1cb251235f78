"""The web widget's settings, read from the environment in this one place."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from bot import settings as wayfinder_settings

CORS_ENV = "WAYFINDER_CORS_ORIGINS"
TWILIO_ENV = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER")
SMS_PER_CONVERSATION = 3  # "text it to me" at most this many times per conversation


def allowed_origins(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The council's own sites (space-separated in WAYFINDER_CORS_ORIGINS); '*' is ignored."""
    env = wayfinder_settings.environ() if environ is None else environ
    origins = []
    for item in (env.get(CORS_ENV) or "").split():
        parts = urlsplit(item.strip())
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return tuple(dict.fromkeys(origins))


def frame_ancestors(origins: tuple[str, ...]) -> str:
    """The Content-Security-Policy for our pages: only our own origin and the council's may frame
    them (no other site can put the chat inside its page)."""
    return " ".join(("frame-ancestors", "'self'", *origins))


def origin_allowed(origin: str | None, own_host: str, origins: tuple[str, ...]) -> bool:
    """A request from our own pages, from no page (curl, tests), or from a council origin."""
    if not origin:
        return True
    if urlsplit(origin).netloc == own_host:
        return True
    return origin.rstrip("/") in origins


def sms_configured(environ: Mapping[str, str] | None = None) -> bool:
    """True when Twilio credentials are set (the test bot/serve.py uses for the SMS channel)."""
    env = wayfinder_settings.environ() if environ is None else environ
    return all(env.get(name) for name in TWILIO_ENV)
