"""The staff console's pages and JSON endpoints (a Sanic blueprint; no Rasa imports).

Every route except sign-in and the static files needs a live server-side session; every POST
also needs that session's CSRF token. The call's conversation id comes from the session, never
from the request, so a browser cannot speak into (or read) a conversation that is not its call.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.staff import outcome as outcome_mod
from bot.staff import queue as queue_mod
from bot.staff.accounts import Session, SignInRefused, csrf_ok
from bot.staff.console import HERE, Assistant, Console, _h
from bot.staff.panel import correction_events
from bot.staff.web_calls import add_routes
from bot.staff.wording import wording
from bot.widget.settings import sms_configured

__all__ = ["Assistant", "Console", "build_blueprint"]
COOKIE, PRE_COOKIE = "wf_staff", "wf_staff_pre"
MAX_TEXT = 1000
log = logging.getLogger(__name__)
STATIC = {"console.js": "application/javascript", "console.css": "text/css"}


def _set_cookie(reply: HTTPResponse, name: str, value: str, request: Request,
                max_age: int, secure: bool) -> None:
    reply.cookies[name] = value
    cookie = reply.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/webhooks/staff/"
    cookie["max-age"] = max_age
    if secure or request.scheme == "https":
        cookie["secure"] = True


def same_origin(request: Request) -> bool:
    """A browser's Origin header, when sent, must be this server (defence in depth beside CSRF)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return origin.split("://", 1)[-1] == request.headers.get("host", "")


def build_blueprint(console: Console) -> Blueprint:  # noqa: C901 - one route table
    bp = Blueprint("wayfinder_staff", url_prefix=None)
    p = console.prefix

    async def auth(request: Request) -> tuple[str, Session] | None:
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        found = await asyncio.to_thread(console.accounts().session, token)
        return (token, found) if found else None

    def to_signin(expired: bool = False) -> HTTPResponse:
        return response.redirect(f"{p}/signin{'?expired=1' if expired else ''}",
                                 status=303, headers=_h())

    def refuse(status: int, key: str) -> HTTPResponse:
        return response.json({"error": wording()["errors"][key]}, status=status, headers=_h())

    def page_route(handler: Callable[..., Awaitable[HTTPResponse]]) -> Callable[..., Any]:
        async def wrapped(request: Request) -> HTTPResponse:
            found = await auth(request)
            if found is None:
                return to_signin(bool(request.cookies.get(COOKIE)))
            return await handler(request, *found)
        wrapped.__name__ = handler.__name__
        return wrapped

    def post_route(handler: Callable[..., Awaitable[HTTPResponse]]) -> Callable[..., Any]:
        async def wrapped(request: Request) -> HTTPResponse:
            found = await auth(request)
            if found is None:
                return response.json({"error": "sign in first"}, status=401, headers=_h())
            if not same_origin(request):
                return refuse(403, "csrf")
            sent = request.headers.get("x-csrf-token") or (
                request.form.get("csrf") if request.form else None)
            if not csrf_ok(found[1], sent):
                return refuse(403, "csrf")
            return await handler(request, *found)
        wrapped.__name__ = handler.__name__
        return wrapped

    @bp.get("/static/<name>")
    async def static(request: Request, name: str) -> HTTPResponse:
        if name not in STATIC:
            return response.text("not found", status=404)
        return response.text((HERE / "static" / name).read_text(encoding="utf-8"),
                             content_type=STATIC[name], headers=_h())

    @bp.get("/signin")
    async def signin_page(request: Request) -> HTTPResponse:
        pre = secrets.token_urlsafe(24)
        reply = console.page("signin.html", pre=pre, expired=request.args.get("expired") == "1")
        _set_cookie(reply, PRE_COOKIE, pre, request, 900, console.accounts().settings.secure_cookie)
        return reply

    @bp.post("/signin")
    async def signin(request: Request) -> HTTPResponse:
        form = request.form or {}
        pre = request.cookies.get(PRE_COOKIE, "")
        sent = form.get("csrf") or ""
        if not pre or not secrets.compare_digest(pre.encode(), sent.encode()):
            return refuse(403, "csrf")
        # the client from proxy headers only when Sanic is told to trust them, else the peer
        address = request.remote_addr or request.ip or "unknown"
        limiter = console.limiter()  # may wait on Redis: never on the event loop
        try:
            if await asyncio.to_thread(limiter.blocked, address):
                raise SignInRefused("too many from this address")
            token = await asyncio.to_thread(console.accounts().sign_in, form.get("name"),
                                            form.get("password"))
        except SignInRefused:
            busy = await asyncio.to_thread(limiter.blocked, address)
            if not busy:
                await asyncio.to_thread(limiter.failed, address)
            pre = secrets.token_urlsafe(24)
            reply = console.page("signin.html", status=429 if busy else 401, pre=pre,
                                 refused=not busy, busy=busy)
            _set_cookie(reply, PRE_COOKIE, pre, request, 900,
                        console.accounts().settings.secure_cookie)
            return reply
        reply = response.redirect(f"{p}/call", status=303, headers=_h())
        settings = console.accounts().settings
        _set_cookie(reply, COOKIE, token, request, settings.max_hours * 3600,
                    settings.secure_cookie)
        _set_cookie(reply, PRE_COOKIE, "", request, 0, settings.secure_cookie)
        return reply

    @bp.post("/signout")
    @post_route
    async def signout(request: Request, token: str, session: Session) -> HTTPResponse:
        await asyncio.to_thread(console.accounts().sign_out, token)
        reply = to_signin()
        _set_cookie(reply, COOKIE, "", request, 0, console.accounts().settings.secure_cookie)
        return reply

    @bp.get("/")
    @page_route
    async def home(request: Request, token: str, session: Session) -> HTTPResponse:
        return response.redirect(f"{p}/call", status=303, headers=_h())

    @bp.get("/call")
    @page_route
    async def call_page(request: Request, token: str, session: Session) -> HTTPResponse:
        transcript = await console.assistant.transcript(session.call_id) if session.call_id else []
        panel = await console.panel(session.call_id)
        return console.page("call.html", session=session, transcript=transcript,
                            panel_html=console.panel_html(panel), active="call")

    @bp.post("/call/new")
    @post_route
    async def new_call(request: Request, token: str, session: Session) -> HTTPResponse:
        call_id = await asyncio.to_thread(console.accounts().start_call, token)
        await console.assistant.send(call_id, "/greet")
        return response.redirect(f"{p}/call", status=303, headers=_h())

    @bp.post("/call/message")
    @post_route
    async def message(request: Request, token: str, session: Session) -> HTTPResponse:
        body = request.json if isinstance(request.json, dict) else {}
        text = body.get("text")
        if not session.call_id or not isinstance(text, str) or not text.strip() or len(
                text) > MAX_TEXT:
            return refuse(400, "bad_request")
        messages = await console.assistant.send(session.call_id, text.strip())
        panel = await console.panel(session.call_id)
        return response.json({"messages": messages, "panel_html": console.panel_html(panel),
                              "safeguarding": bool(panel and panel.safeguarding)},
                             headers=_h())

    @bp.post("/call/correct")
    @post_route
    async def correct(request: Request, token: str, session: Session) -> HTTPResponse:
        body = request.json if isinstance(request.json, dict) else {}
        try:
            values = correction_events(body.get("slot"), body.get("value"))
        except ValueError:
            return refuse(400, "bad_request")
        if not session.call_id:
            return refuse(400, "bad_request")
        await console.assistant.set_slots(session.call_id, values)
        panel = await console.panel(session.call_id)
        return response.json({"panel_html": console.panel_html(panel),
                              "safeguarding": bool(panel and panel.safeguarding)},
                             headers=_h())

    @bp.get("/outcome")
    @page_route
    async def outcome_page(request: Request, token: str, session: Session) -> HTTPResponse:
        panel = await console.panel(session.call_id)
        return console.page("outcome.html", session=session, panel=panel, active="outcome")

    @bp.post("/outcome")
    @post_route
    async def outcome_save(request: Request, token: str, session: Session) -> HTTPResponse:
        panel = await console.panel(session.call_id)
        if panel is None or not session.call_id:
            return console.page("outcome.html", status=400, session=session, panel=None,
                                active="outcome")
        form = {key: request.form.getlist(key) for key in request.form} if request.form else {}
        try:
            result = outcome_mod.parse_outcome(form, [pl["id"] for pl in panel.places])
        except ValueError:
            return console.page("outcome.html", status=400, session=session, panel=panel,
                                active="outcome", error=True)
        await asyncio.to_thread(outcome_mod.record, console.needs_log(), session.call_id,
                                result, panel)
        note = outcome_mod.case_note(result, panel)
        return console.page("outcome.html", session=session, panel=panel, active="outcome",
                            saved=result, note=note, sms_on=sms_configured())

    @bp.get("/queue")
    @page_route
    async def queue_page(request: Request, token: str, session: Session) -> HTTPResponse:
        flags = await asyncio.to_thread(queue_mod.waiting, console.needs_log().engine)
        return console.page("queue.html", session=session, flags=flags, active="queue",
                            handled=request.args.get("handled") == "1")

    @bp.post("/queue/handled")
    @post_route
    async def queue_handled(request: Request, token: str, session: Session) -> HTTPResponse:
        contact_id = request.form.get("contact") if request.form else None
        await asyncio.to_thread(queue_mod.mark_handled, console.needs_log().engine, contact_id)
        return response.redirect(f"{p}/queue?handled=1", status=303, headers=_h())

    add_routes(bp, console, page_route, post_route, _h)
    return bp
