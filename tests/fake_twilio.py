"""Twilio's side of an SMS conversation, on loopback only.

- `sign_form` builds a webhook request exactly as Twilio would (form body + X-Twilio-Signature).
- `FakeTwilioAPI` is a tiny Messages REST API (POST /2010-04-01/Accounts/{sid}/Messages.json)
  that records what the official client sends, checks its Basic auth, and can be told to fail.
- `serve_sanic` runs a Sanic app in a background thread on 127.0.0.1 and yields its base URL.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import secrets
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

import requests
from twilio.request_validator import RequestValidator

WEBHOOK_PATH = "/webhooks/twilio/webhook"
TOKEN = "test-auth-token"
PHONE = "+447700900001"
ROLE_BUTTONS = [  # the first question of the journey, as the lead's domain offers it
    {"title": "Myself", "payload": "/i_am_self"},
    {"title": "Someone I care for", "payload": "/i_am_carer"},
    {"title": "I’m staff helping a caller", "payload": "/i_am_staff"},
]
WHO_FOR = [{"text": "Who is the help for?", "buttons": ROLE_BUTTONS}]
_sids = itertools.count(1)
_sid_prefix = secrets.token_hex(12)  # unique per process: e2e stages share one database


def message_sid() -> str:
    """A fresh, Twilio-shaped MessageSid."""
    return f"SM{_sid_prefix}{next(_sids):08x}"


def sms_params(body: str, phone: str = "+447700900001", sid: str | None = None,
               to: str = "+447700900123", **extra: str) -> dict[str, str]:
    """The form fields Twilio posts for one inbound SMS."""
    params = {
        "ToCountry": "GB", "ToState": "", "SmsMessageSid": "", "NumMedia": "0",
        "ToCity": "", "FromZip": "", "SmsSid": "", "FromState": "", "SmsStatus": "received",
        "FromCity": "", "Body": body, "FromCountry": "GB", "To": to, "ToZip": "",
        "NumSegments": "1", "MessageSid": sid or message_sid(), "AccountSid": "ACtest",
        "From": phone, "ApiVersion": "2010-04-01",
    }
    params["SmsMessageSid"] = params["SmsSid"] = params["MessageSid"]
    params.update(extra)
    return params


def sign_form(url: str, params: dict[str, str] | Sequence[tuple[str, str]],
              auth_token: str) -> tuple[bytes, dict[str, str]]:
    """(body, headers) of a POST to url signed with auth_token, as Twilio sends it."""
    pairs = list(params.items()) if isinstance(params, dict) else list(params)
    multi: dict[str, list[str]] = {}
    for key, value in pairs:
        multi.setdefault(key, []).append(value)

    class _Multi(dict):
        def getall(self, key: str) -> list[str]:
            return self[key]

    signature = RequestValidator(auth_token).compute_signature(url, _Multi(multi))
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Twilio-Signature": signature}
    return urlencode(pairs).encode("utf-8"), headers


def post_signed(base_url: str, params: dict[str, str] | Sequence[tuple[str, str]],
                auth_token: str, public_base_url: str | None = None,
                path: str = WEBHOOK_PATH) -> requests.Response:
    """Signs for public_base_url (default base_url) + path and posts to base_url + path."""
    body, headers = sign_form((public_base_url or base_url) + path, params, auth_token)
    return requests.post(base_url + path, data=body, headers=headers, timeout=30)


@dataclass
class SentMessage:
    """One message the client asked the fake API to send."""

    account_sid: str
    to: str
    from_: str
    body: str


@dataclass
class FakeTwilioAPI:
    """The Messages endpoint of Twilio's REST API, on 127.0.0.1."""

    account_sid: str
    auth_token: str
    sent: list[SentMessage] = field(default_factory=list)
    fail_with: tuple[int, int, str] | None = None  # (HTTP status, Twilio code, message)
    fail_times: int = 0  # how many requests fail_with answers (0: every one)
    failed: int = 0
    rejected_auth: int = 0
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def __enter__(self) -> FakeTwilioAPI:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                return

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - what was sent, for tests in another process
                if self.path != "/sent.json":
                    self._json(404, {"code": 20404, "message": "Not found", "status": 404})
                    return
                self._json(200, {"sent": [vars(m) for m in api.sent]})

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
                match = re.fullmatch(r"/2010-04-01/Accounts/(\w+)/Messages\.json", self.path)
                expected = base64.b64encode(
                    f"{api.account_sid}:{api.auth_token}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    api.rejected_auth += 1
                    self._json(401, {"code": 20003, "message": "Authenticate", "status": 401})
                    return
                if not match:
                    self._json(404, {"code": 20404, "message": "Not found", "status": 404})
                    return
                if api.fail_with and (not api.fail_times or api.failed < api.fail_times):
                    api.failed += 1
                    status, code, message = api.fail_with
                    self._json(status, {"code": code, "message": message, "status": status})
                    return
                sent = SentMessage(match.group(1), form["To"][0], form["From"][0],
                                   form["Body"][0])
                api.sent.append(sent)
                self._json(201, {"sid": message_sid(), "account_sid": sent.account_sid,
                                 "to": sent.to, "from": sent.from_, "body": sent.body,
                                 "status": "queued", "num_segments": "1", "direction":
                                 "outbound-api", "api_version": "2010-04-01"})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def serve_sanic(app: object) -> Iterator[str]:
    """Runs a Sanic (21.12) app on 127.0.0.1 in a background thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(32)
    port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(app.create_server(  # type: ignore[attr-defined]
                sock=sock, return_asyncio_server=True, access_log=False))
            loop.run_until_complete(server.startup())
            loop.run_until_complete(server.before_start())
            loop.run_until_complete(server.after_start())
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            failure.append(error)
            ready.set()
            return
        ready.set()
        loop.run_forever()
        server.close()
        for connection in list(server.connections):
            connection.close_if_idle()
        loop.run_until_complete(server.wait_closed())
        for connection in list(server.connections):
            if connection.transport is not None:
                connection.transport.abort()
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(30)
    if failure:
        raise failure[0]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        sock.close()


# ---- the Rasa side, for channel tests --------------------------------------------------------
Reply = list[dict]  # what a scripted bot says: [{"text": ..., "buttons": [...]}, ...]


@dataclass
class ScriptedBot:
    """Stands in for Rasa: records every UserMessage and answers through its output channel.

    With a tracker store it also writes UserUttered/BotUttered events the way Rasa does, so the
    channel's tracker-based memory is exercised.
    """

    script: dict[str, Reply] = field(default_factory=dict)
    default: Reply = field(default_factory=lambda: [{"text": "Thanks, noted."}])
    received: list = field(default_factory=list)
    fail: bool = False
    tracker_store: object | None = None
    clock: object | None = None

    async def __call__(self, message: object) -> None:
        from rasa.shared.core.events import BotUttered, Restarted, UserUttered

        self.received.append(message)
        if self.fail:
            raise RuntimeError("rasa fell over")
        text = message.text  # type: ignore[attr-defined]
        reply = [] if text == "/restart" else self.script.get(text, self.default)
        now = self.clock() if self.clock else None  # type: ignore[operator]
        tracker = None
        if self.tracker_store is not None:
            tracker = await self.tracker_store.get_or_create_tracker(  # type: ignore[attr-defined]
                message.sender_id)  # type: ignore[attr-defined]
            tracker.update(Restarted(timestamp=now) if text == "/restart"
                           else UserUttered(text, timestamp=now))
        for part in reply:
            await message.output_channel.send_response(  # type: ignore[attr-defined]
                message.sender_id, dict(part))  # type: ignore[attr-defined]
            if tracker is not None:
                data = {"buttons": part["buttons"]} if part.get("buttons") else {}
                tracker.update(BotUttered(part.get("text"), data=data, timestamp=now))
        if tracker is not None:
            await self.tracker_store.save(tracker)  # type: ignore[attr-defined]

    def texts(self) -> list[str]:
        """The texts Rasa was given, in order."""
        return [m.text for m in self.received]


def build_app(channel: object, bot: ScriptedBot, name: str) -> object:
    """A Sanic app with the channel's blueprint at /webhooks/twilio (as rasa registers it)."""
    from types import SimpleNamespace

    from sanic import Sanic

    Sanic.test_mode = True  # lets several apps start in one process (touch-up keeps originals)
    app = Sanic(name)
    app.blueprint(channel.blueprint(bot),  # type: ignore[attr-defined]
                  url_prefix="/webhooks/" + channel.name())  # type: ignore[attr-defined]
    if bot.tracker_store is not None:
        app.ctx.agent = SimpleNamespace(tracker_store=bot.tracker_store)
    return app


def twiml_messages(xml: str) -> list[str]:
    """The texts a phone would receive from a TwiML answer, in order."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    assert root.tag == "Response", xml
    return [(m.text or "") for m in root.findall("Message")]


@dataclass
class FakeStore:
    """The three needs-log calls the channel makes, in memory."""

    claimed: set[tuple[str, str]] = field(default_factory=set)
    opted_out: dict[str, bool] = field(default_factory=dict)
    broken: bool = False
    calls: int = 0

    def claim_inbound_message(self, channel: str, message_id: str) -> bool:
        self.calls += 1
        if self.broken:
            raise ConnectionError("database down")
        if (channel, message_id) in self.claimed:
            return False
        self.claimed.add((channel, message_id))
        return True

    def set_sms_opt_out(self, pseudonym: str, opted_out: bool) -> None:
        self.calls += 1
        if self.broken:
            raise ConnectionError("database down")
        self.opted_out[pseudonym] = opted_out

    def is_sms_opted_out(self, pseudonym: str) -> bool:
        self.calls += 1
        if self.broken:
            raise ConnectionError("database down")
        return self.opted_out.get(pseudonym, False)


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Harness:
    """A channel served on loopback with a scripted bot and an in-memory store behind it."""

    url: str
    bot: ScriptedBot
    store: FakeStore
    channel: object

    def send(self, body: str, phone: str = PHONE, **extra: str) -> requests.Response:
        """Posts one signed inbound SMS."""
        return post_signed(self.url, sms_params(body, phone=phone, **extra), TOKEN)

    def say(self, body: str, phone: str = PHONE, **extra: str) -> list[str]:
        """Posts one signed inbound SMS and returns the texts the phone would show."""
        answer = self.send(body, phone, **extra)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/xml")
        return twiml_messages(answer.text)


@contextmanager
def harness(bot: ScriptedBot | None = None, store: FakeStore | None = None,
            clock: Clock | None = None, memory: object | None = None,
            channel_class: type | None = None, token: str = TOKEN,
            **settings: object) -> Iterator[Harness]:
    """TwilioSMSInput(auth token, **settings) served with bot and store behind it."""
    import uuid

    from bot.channels.twilio_sms import TwilioSettings, TwilioSMSInput

    bot = bot or ScriptedBot()
    store = store or FakeStore()
    channel = (channel_class or TwilioSMSInput)(
        TwilioSettings(auth_token=token, **settings),  # type: ignore[arg-type]
        store=store, memory=memory, clock=clock or Clock())
    app = build_app(channel, bot, f"sms_{uuid.uuid4().hex[:10]}")
    with serve_sanic(app) as url:
        yield Harness(url, bot, store, channel)
