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
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import vocab
from bot.directory import Directory
from bot.directory import default as default_directory
from bot.needs_log import NeedsLog
from bot.staff import lookup as lookup_mod
from bot.staff import outcome as outcome_mod
from bot.staff import queue as queue_mod
from bot.staff.accounts import Session, SignInRefused, StaffAccounts, csrf_ok
from bot.staff.panel import Panel, build_panel, correction_events
from bot.staff.wording import wording
from bot.vocab import TIERS

HERE = Path(__file__).resolve().parent
COOKIE, PRE_COOKIE = "wf_staff", "wf_staff_pre"
MAX_TEXT = 1000
log = logging.getLogger(__name__)
STATIC = {"console.js": "application/javascript", "console.css": "text/css"}
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # "no-referrer" makes Chrome send Origin: null
    "X-Frame-Options": "DENY",
}


def _h() -> dict[str, str]:
    """A fresh copy of the security headers (Sanic's redirect() writes into the dict it gets)."""
    return dict(HEADERS)


class Assistant(Protocol):
    """What the console needs from Rasa (bot/channels/staff_console.py implements it)."""

    async def send(self, call_id: str, text: str) -> list[dict[str, Any]]: ...
    async def slots(self, call_id: str) -> dict[str, Any]: ...
    async def transcript(self, call_id: str) -> list[dict[str, Any]]: ...
    async def set_slots(self, call_id: str, values: dict[str, Any]) -> None: ...


class Console:
    """Shared state: accounts, needs log, directory, templates (all created on first use)."""

    def __init__(self, assistant: Assistant, prefix: str = "/webhooks/staff") -> None:
        self.assistant, self.prefix = assistant, prefix.rstrip("/")
        self._accounts: StaffAccounts | None = None
        self._log: NeedsLog | None = None
        self._directory: Directory | None = None
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"),
                               autoescape=select_autoescape(["html"]))

    def accounts(self) -> StaffAccounts:
        if self._accounts is None:
            self._accounts = StaffAccounts()
        return self._accounts

    def needs_log(self) -> NeedsLog:
        if self._log is None:
            self._log = NeedsLog()
        return self._log

    def directory(self) -> Directory:
        if self._directory is None:
            self._directory = default_directory()
        return self._directory

    def page(self, name: str, status: int = 200, **values: Any) -> HTTPResponse:
        html = self.env.get_template(name).render(w=wording(), prefix=self.prefix, **values)
        return response.html(html, status=status, headers=_h())

    async def panel(self, call_id: str | None) -> Panel | None:
        if not call_id:
            return None
        slots = await self.assistant.slots(call_id)
        return await asyncio.to_thread(build_panel, slots, self.directory())

    def panel_html(self, panel: Panel | None) -> str:
        return self.env.get_template("_panel.html").render(w=wording(), panel=panel)


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
        try:
            token = await asyncio.to_thread(console.accounts().sign_in, form.get("name"),
                                            form.get("password"))
        except SignInRefused:
            pre = secrets.token_urlsafe(24)
            reply = console.page("signin.html", status=401, pre=pre, refused=True)
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

    @bp.get("/lookup")
    @page_route
    async def lookup_page(request: Request, token: str, session: Session) -> HTTPResponse:
        args = {key: request.args.get(key) for key in ("need", "tier", "district", "free", "open")}
        result = await asyncio.to_thread(lookup_mod.lookup, args, console.directory())
        return console.page("lookup.html", session=session, result=result, active="lookup",
                            tiers=[(t, vocab.label("tiers", t, "staff")) for t in TIERS],
                            need_labels=build_panel({}, console.directory()).all_needs)

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
                            saved=result, note=note)

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

    return bp
