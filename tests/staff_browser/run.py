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
import time
from pathlib import Path

from tests.fake_twilio import FakeTwilioAPI

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "results" / "staff"
START_S = 480  # Rasa loads in ~35 s alone; on a shared 2-core machine it took over 240 s
TWILIO = {"TWILIO_ACCOUNT_SID": "ACstaffbrowser", "TWILIO_AUTH_TOKEN": "staff-browser-token",
          "TWILIO_NUMBER": "+447700900998"}


def start(env: dict[str, str], rasa_port: int, actions_port: int) -> subprocess.Popen:
    ready = OUT / "ready"
    ready.unlink(missing_ok=True)
    log = (OUT / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.serve", "--rasa-port", str(rasa_port), "--actions-port",
         str(actions_port), "--ready-file", str(ready), "--timeout", str(START_S)], cwd=ROOT,
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_S + 60
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise SystemExit(f"servers did not start; see {OUT / 'serve.log'}")
        time.sleep(1)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # bot.serve stops the servers it started
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


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
        server = start(env, args.rasa_port, args.actions_port)
        try:
            code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p",
                                    "no:cacheprovider", "tests/staff_browser", *args.pytest_args],
                                   cwd=ROOT, env=env)
            if code == 0 and not args.no_bench:
                code = subprocess.call([sys.executable, "bench/bench_staff_console.py"],
                                       cwd=ROOT, env=env)
        finally:
            stop(server)
    return code


if __name__ == "__main__":
    sys.exit(main())
