"""Browser tests of the web widget (make browser-test): Debian's chromium driven by Playwright's
Python client, against a real action server and Rasa started once for the whole stage.

Also serves a "council site" on a second loopback port (an allowed origin) and a fake Twilio API,
so cross-origin embedding and "text it to me" are tested for real. Screenshots: results/browser/.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.browser import harness
from tests.fake_twilio import FakeTwilioAPI
from tests.stage_servers import start_servers, stop_servers

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OUT = PROJECT_ROOT / "results" / "browser"
TWILIO_TEST_ENV = {"TWILIO_ACCOUNT_SID": "ACbrowser", "TWILIO_AUTH_TOKEN": "browser-auth-token",
                   "TWILIO_NUMBER": "+447700900123", "TWILIO_REPLY_MODE": "twiml"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-port", type=int, default=5008)
    parser.add_argument("--actions-port", type=int, default=5058)
    parser.add_argument("--site-port", type=int, default=0, help="the council site (0: any)")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (-k ...)")
    args = parser.parse_args(argv)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    rasa_url = f"http://127.0.0.1:{args.rasa_port}"
    with FakeTwilioAPI("ACbrowser", "browser-auth-token") as twilio, \
            harness.council_site(rasa_url, args.site_port) as site_url:
        env = {**os.environ, **TWILIO_TEST_ENV, "TWILIO_API_BASE_URL": twilio.url,
               "DATABASE_URL": f"sqlite:///{OUT / 'wayfinder.db'}", "RASA_TOKEN": "browser-token",
               "WAYFINDER_SECRET": os.environ.get("WAYFINDER_SECRET", "browser-secret-not-real"),
               "WAYFINDER_CORS_ORIGINS": site_url}
        harness.STATE.update(rasa_url=rasa_url, token="browser-token", site_url=site_url,
                             twilio=twilio, out=OUT)
        process = start_servers(env, args.rasa_port, args.actions_port, OUT / "ready",
                                OUT / "serve.log")
        try:
            code = pytest.main(["-q", "-p", "no:cacheprovider", "--durations=8",
                                str(Path(__file__).parent), *args.pytest_args])
        finally:
            stop_servers(process)
    print("Browser tests:", "PASS" if code == 0 else "FAIL", f"(screenshots in {OUT})")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
