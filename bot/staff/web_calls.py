"""More console routes for the current call: add a looked-up place to it, text its places.

Both act only on the session's own call and need the session's CSRF token (post_route from
bot/staff/web.py). The caller's number is used for one send and never stored or logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings as wayfinder_settings
from bot import vocab
from bot.content import need_label
from bot.privacy import pseudonym
from bot.sms.rest_sender import send_once
from bot.sms.settings import settings_from
from bot.staff import lookup as lookup_mod
from bot.staff import sms
from bot.staff.accounts import Session
from bot.staff.panel import added_places
from bot.staff.wording import wording
from bot.vocab import NEED_AREAS, TIERS
from bot.widget.settings import sms_configured

log = logging.getLogger(__name__)
LOOKUP_KEYS = ("need", "tier", "district", "free", "open")


def lookup_query(values: Any) -> str:
    """The lookup's own filters only (nothing else from the request goes back into a URL)."""
    kept = {key: str(values.get(key))[:40] for key in LOOKUP_KEYS if values.get(key)}
    return urlencode(kept)


def add_routes(bp: Blueprint, console: Any, page_route: Callable[..., Any],
               post_route: Callable[..., Any], headers: Callable[[], dict[str, str]]) -> None:
    p = console.prefix

    @bp.get("/lookup")
    @page_route
    async def lookup_page(request: Request, token: str, session: Session) -> HTTPResponse:
        args = {key: request.args.get(key) for key in LOOKUP_KEYS}
        result = await asyncio.to_thread(lookup_mod.lookup, args, console.directory())
        slots = await console.assistant.slots(session.call_id) if session.call_id else {}
        in_call = [s for s in (slots.get("staff_places") or []) if isinstance(s, str)]
        return console.page("lookup.html", session=session, result=result, active="lookup",
                            tiers=[(t, vocab.label("tiers", t, "staff")) for t in TIERS],
                            need_labels=[(a, need_label(a)) for a in NEED_AREAS],
                            in_call=in_call, added=request.args.get("added"),
                            query=lookup_query(request.args))

    def said(status: int, key: str) -> HTTPResponse:
        return response.json({"error" if status >= 400 else "message":
                              wording()["text_places"][key]}, status=status, headers=headers())

    @bp.post("/lookup/add")
    @post_route
    async def add_place(request: Request, token: str, session: Session) -> HTTPResponse:
        form = request.form or {}
        query = lookup_query(form)
        if not session.call_id:
            return response.redirect(f"{p}/lookup?{query}&added=nocall", status=303,
                                     headers=headers())
        slots = await console.assistant.slots(session.call_id)
        try:
            values = await asyncio.to_thread(added_places, slots, form.get("service"),
                                             console.directory())
        except ValueError:
            return response.redirect(f"{p}/lookup?{query}&added=no", status=303,
                                     headers=headers())
        await console.assistant.set_slots(session.call_id, values)
        return response.redirect(f"{p}/lookup?{query}&added=yes", status=303, headers=headers())

    @bp.post("/outcome/sms")
    @post_route
    async def text_places(request: Request, token: str, session: Session) -> HTTPResponse:
        if not sms_configured():
            return said(404, "not_set_up")
        body = request.json if isinstance(request.json, dict) else {}
        panel = await console.panel(session.call_id)
        wanted = body.get("places") if isinstance(body.get("places"), list) else []
        chosen = [pl for pl in (panel.places if panel else []) if pl["id"] in wanted]
        if not chosen:
            return said(400, "no_places")
        try:
            phone = sms.mobile_number(body.get("phone"))
        except sms.BadNumber:
            return said(400, "bad_number")
        if await asyncio.to_thread(console.needs_log().is_sms_opted_out, pseudonym(phone)):
            return said(409, "opted_out")
        counter = console.sends()  # may wait on Redis: never on the event loop
        if not await asyncio.to_thread(counter.take, str(session.call_id)):
            return said(429, "too_many")
        text = await asyncio.to_thread(sms.compose, chosen)
        result = await send_once(settings_from(None, wayfinder_settings.environ()), phone, text)
        if result != "sent":
            await asyncio.to_thread(counter.give_back, str(session.call_id))
            log.warning("staff console: places text not sent (%s)", result)  # never the number
            return said(502, "failed")
        log.info("staff console: places texted to the caller")  # never the number
        return said(200, "sent")
