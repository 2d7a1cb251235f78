"""Shared pieces of the browser tests: where the servers are, a council site on another origin,
axe-core, screenshots, and the steps of a journey."""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

STATE: dict[str, Any] = {}
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SIZES = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}

SITE_PAGE = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Council site</title></head>
<body><main><h1>Another council site</h1><p>It embeds Wayfinder with one line.</p></main>
<script src="{rasa}/webhooks/widget/wayfinder.js" data-council-name="Northmoor Borough Council"
 data-colour="#4c2c92" data-timeout="{timeout}" data-exit-url="https://www.bbc.co.uk/weather"></script>
</body></html>"""


@contextmanager
def council_site(rasa_url: str, port: int = 0) -> Iterator[str]:
    """A council's own site on another loopback origin; /?timeout=ms sets the widget's timeout."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            found = re.search(r"timeout=(\d+)", self.path)
            page = SITE_PAGE.format(rasa=rasa_url, timeout=found.group(1) if found else "20000")
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def tracker(sender: str) -> dict[str, Any]:
    url = f"{STATE['rasa_url']}/conversations/{sender}/tracker?token={STATE['token']}"
    with urllib.request.urlopen(url, timeout=30) as reply:  # noqa: S310 - loopback
        return json.loads(reply.read())


def user_texts(sender: str) -> list[str]:
    return [e.get("text") for e in tracker(sender).get("events", []) if e.get("event") == "user"]


def check_axe(page: Any, state: str) -> None:
    """axe-core over the whole page: no WCAG 2.x A/AA violations; saves a screenshot."""
    shoot(page, state)
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           AXE_TAGS)
    problems = [f"{v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]]
    assert not problems, f"{state}: {problems}"


def shoot(page: Any, state: str) -> None:
    page.screenshot(path=str(STATE["out"] / f"{state}.png"))


def bot_texts(page: Any) -> list[str]:
    return page.locator(".wf-msg.wf-bot").all_inner_texts()


def wait_for_bot(page: Any, count: int, timeout: float = 60_000) -> None:
    """Until at least `count` bot messages or cards are shown and nothing is pending."""
    page.wait_for_function(
        "n => document.querySelectorAll('.wf-msg.wf-bot, .wf-card').length >= n"
        " && document.querySelector('.wf-log').getAttribute('aria-busy') !== 'true'",
        arg=count, timeout=timeout)


def bot_count(page: Any) -> int:
    return page.locator(".wf-msg.wf-bot, .wf-card").count()
