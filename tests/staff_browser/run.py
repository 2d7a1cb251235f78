"""The staff console in a real browser (make staff-test): one Rasa run for the whole stage.

Starts the action server and Rasa (python -m bot.serve) on the given ports with a fresh SQLite
database and a fake Twilio API (loopback), creates a staff account with `python -m bot staff add`,
runs tests/staff_browser with Debian's chromium through Playwright, then the console bench, and
stops the servers.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

from tests.fake_twilio import FakeTwilioAPI
from tests.stage_servers import start_servers, stop_servers

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "results" / "staff"
START_S = 480  # Rasa loads in ~35 s alone; on a shared 2-core machine it took over 240 s
TWILIO = {"TWILIO_ACCOUNT_SID": "ACstaffbrowser", "TWILIO_AUTH_TOKEN": "staff-browser-token",
          "TWILIO_NUMBER": "+447700900998"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-port", type=int, default=5007)
    parser.add_argument("--actions-port", type=int, default=5057)
    parser.add_argument("--no-bench", action="store_true")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (-k ...)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("wf.db*"):
        old.unlink()
    password = secrets.token_urlsafe(18)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{OUT / 'wf.db'}", "RASA_TOKEN":
           "staff-test-token", "WAYFINDER_SECRET": "staff-test-secret-not-for-production",
           "PYTHONPATH": str(ROOT)}
    for name in [key for key in env if key.startswith("TWILIO_")]:
        env.pop(name, None)
    added = subprocess.run([sys.executable, "-m", "bot", "staff", "add", "tester"],
                           input=password + "\n", text=True, cwd=ROOT, env=env)
    if added.returncode:
        return added.returncode
    rasa_url = f"http://127.0.0.1:{args.rasa_port}"
    env.update(STAFF_TEST_RASA_URL=rasa_url, STAFF_TEST_NAME="tester",
               STAFF_TEST_PASSWORD=password, STAFF_TEST_OUT=str(OUT))
    with FakeTwilioAPI(TWILIO["TWILIO_ACCOUNT_SID"], TWILIO["TWILIO_AUTH_TOKEN"]) as twilio:
        env.update(TWILIO, TWILIO_API_BASE_URL=twilio.url)  # "text the places" against a fake
        server = start_servers(env, args.rasa_port, args.actions_port, OUT / "ready",
                               OUT / "serve.log", ["--timeout", str(START_S)], START_S,
                               new_session=True)
        try:
            code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p",
                                    "no:cacheprovider", "tests/staff_browser", *args.pytest_args],
                                   cwd=ROOT, env=env)
            if code == 0 and not args.no_bench:
                code = subprocess.call([sys.executable, "bench/bench_staff_console.py"],
                                       cwd=ROOT, env=env)
        finally:
            stop_servers(server)
    return code


if __name__ == "__main__":
    sys.exit(main())
