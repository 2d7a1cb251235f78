"""The console's shared state: the assistant (Rasa), accounts, needs log, directory, templates,
the sign-in limiter and the texts-per-call counter (in Redis when WAYFINDER_COUNTERS_REDIS_URL is
set: bot/staff/shared_counters.py). Everything is created on first use (no database work at
import time). The counters' methods may block on Redis: call them with asyncio.to_thread."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import response
from sanic.response import HTTPResponse

from bot.directory import Directory
from bot.directory import default as default_directory
from bot.needs_log import NeedsLog
from bot.staff.accounts import StaffAccounts
from bot.staff.panel import Panel, build_panel
from bot.staff.shared_counters import AddressLimiter, CallCounter, send_counter, sign_in_limiter
from bot.staff.wording import wording

HERE = Path(__file__).resolve().parent
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
        self._limiter: AddressLimiter | None = None
        self._sends: CallCounter | None = None
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"),
                               autoescape=select_autoescape(["html"]))

    def accounts(self) -> StaffAccounts:
        if self._accounts is None:
            self._accounts = StaffAccounts()
        return self._accounts

    def limiter(self) -> AddressLimiter:
        """Failed sign-ins per client address."""
        if self._limiter is None:
            self._limiter = sign_in_limiter(self.accounts().settings)
        return self._limiter

    def sends(self) -> CallCounter:
        """Texts sent per call."""
        if self._sends is None:
            self._sends = send_counter(self.accounts().settings)
        return self._sends

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
