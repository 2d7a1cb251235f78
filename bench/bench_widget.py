"""The web widget's figures: script size (plain and gzipped) and time to the first message on
loopback, in Debian's chromium (Playwright), against real servers.

Run: make bench   (or: python bench/bench_widget.py --runs 20 --rasa-port 5109 --actions-port 5159)
Time to first message: from the click on the launcher (demo council page) until Wayfinder's
welcome is on screen; and from navigation start for the full-page chat (/webhooks/chat/).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bot.widget.bundle import bundle_bytes  # noqa: E402
from tests.stage_servers import start_servers, stop_servers  # noqa: E402

FIRST = "document.querySelectorAll('.wf-msg.wf-bot').length > 0"


def start(rasa_port: int, actions_port: int, folder: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/bench.db",
           "RASA_TOKEN": "bench-token", "PYTHONPATH": str(PROJECT_ROOT)}
    return start_servers(env, rasa_port, actions_port, Path(folder) / "ready",
                         Path(folder) / "serve.log")


def measure(rasa_port: int, runs: int) -> dict[str, list[float]]:
    from tests.chromium import debian_chromium

    base = f"http://127.0.0.1:{rasa_port}"
    found: dict[str, list[float]] = {"launcher": [], "page": []}
    with debian_chromium() as browser:
        for number in range(runs + 1):  # the first run warms up the servers and is not counted
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{base}/webhooks/widget/demo/")
            page.wait_for_load_state("load")
            started = time.perf_counter()
            page.get_by_role("button", name="Get help with care and support").click()
            page.wait_for_function(FIRST, polling="raf")
            launcher_ms = (time.perf_counter() - started) * 1000
            page.goto(f"{base}/webhooks/chat/")
            page.wait_for_function(FIRST, polling="raf")
            page_ms = page.evaluate("() => performance.now()")  # since navigation start
            context.close()
            if number:
                found["launcher"].append(launcher_ms)
                found["page"].append(page_ms)
    return found


def describe(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.0f} ms, p95 {p95:.0f} ms (n={len(ordered)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rasa-port", type=int, default=5109)
    parser.add_argument("--actions-port", type=int, default=5159)
    args = parser.parse_args(argv)
    plain, zipped = bundle_bytes(False)
    print(f"Widget script: {len(plain) / 1024:.1f} KB, {len(zipped) / 1024:.1f} KB gzipped "
          "(one request: code, styles and words; target under 50 KB gzipped)")
    with tempfile.TemporaryDirectory(prefix="wayfinder-bench-") as folder:
        process = start(args.rasa_port, args.actions_port, folder)
        try:
            found = measure(args.rasa_port, args.runs)
        finally:
            stop_servers(process)
    print(f"Time to first message, launcher click to welcome: {describe(found['launcher'])}")
    print(f"Time to first message, full-page chat from navigation: {describe(found['page'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
