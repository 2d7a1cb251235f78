"""Runs the end-to-end tests against real servers (make e2e / make test).

Stage 1: action server + Rasa on test ports, PostgreSQL for the tracker store and the needs log
         (the deployment path), Twilio test credentials so the SMS channel is on.
Stage 2: the same Rasa restarted with NO action server: crisis replies must still go out, and
         conversations from stage 1 must still be there (resume after a restart). Its action
         endpoint is a port where fault tests run a fake that hangs, fails or dies
         (tests/e2e/test_faults_e2e.py); otherwise nothing listens there.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e import pii_canary
from tests.stage_servers import start_servers, stop_servers

PROJECT_ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN = os.environ.get("WAYFINDER_TEST_POSTGRES_URL",
                                "postgresql://postgres@127.0.0.1:5432/test")
E2E_DB = os.environ.get("WAYFINDER_E2E_DB", "wayfinder_e2e")  # one per parallel run
TWILIO_TEST_ENV = {"TWILIO_ACCOUNT_SID": "ACtest", "TWILIO_AUTH_TOKEN": "test-auth-token",
                   "TWILIO_NUMBER": "+447700900123"}


def fresh_database() -> str:
    """Drops and creates the e2e database; returns its URL."""
    engine = create_engine(POSTGRES_ADMIN, future=True, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {E2E_DB} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {E2E_DB}"))
    engine.dispose()
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{E2E_DB}"


def fresh_broker_file() -> Path:
    """Rasa's SQL event broker for this run (the consumer drains it into the needs log)."""
    path = PROJECT_ROOT / "results" / f"{E2E_DB}-events.db"
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    return path


def serve(env: dict[str, str], rasa_port: int, actions_port: int, dead_actions: bool,
          ready: Path) -> subprocess.Popen:
    log = PROJECT_ROOT / "results" / f"e2e-serve-{'dead' if dead_actions else 'live'}.log"
    return start_servers(env, rasa_port, actions_port, ready, log,
                         ["--dead-actions"] if dead_actions else [])


def pytest(env: dict[str, str], marker: str) -> int:
    return subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "tests/e2e", "-m", marker], cwd=PROJECT_ROOT, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-port", type=int, default=5006)
    parser.add_argument("--actions-port", type=int, default=5056)
    parser.add_argument("--fake-actions-port", type=int, default=0,
                        help="stage 2's action endpoint, where fault tests put a fake "
                             "(default: actions port + 1)")
    args = parser.parse_args(argv)
    fake_port = args.fake_actions_port or args.actions_port + 1
    (PROJECT_ROOT / "results").mkdir(exist_ok=True)
    url = f"http://127.0.0.1:{args.rasa_port}"
    env = {**os.environ, **TWILIO_TEST_ENV, "DATABASE_URL": fresh_database(),
           "RASA_TOKEN": "e2e-token", "WAYFINDER_SECRET": os.environ.get(
               "WAYFINDER_SECRET", "e2e-secret-not-for-production"), "TWILIO_PUBLIC_BASE_URL": url,
           "WAYFINDER_BROKER_URL": f"sqlite:///{fresh_broker_file()}",
           "WAYFINDER_TEST_RASA_URL": url, "WAYFINDER_TEST_RASA_TOKEN": "e2e-token",
           "WAYFINDER_TEST_ACTION_URL": f"http://127.0.0.1:{args.actions_port}",
           "WAYFINDER_E2E_STATE": str(PROJECT_ROOT / "results" / "e2e-state.json")}
    ready = PROJECT_ROOT / "results" / "e2e-ready"
    failures = 0
    process = serve(env, args.rasa_port, args.actions_port, False, ready)
    try:
        failures += pytest(env, "e2e and not no_actions")
    finally:
        stop_servers(process)
    env["WAYFINDER_TEST_RASA_NO_ACTIONS_URL"] = url
    env["WAYFINDER_TEST_FAKE_ACTIONS_PORT"] = str(fake_port)
    env["WAYFINDER_ACTION_RETRY_AFTER"] = "5"  # short, so fault tests can wait it out
    process = serve(env, args.rasa_port, fake_port, True, ready)
    try:
        failures += pytest(env, "e2e and no_actions")
    finally:
        stop_servers(process)
    leaks = pii_canary.check(env["DATABASE_URL"], [PROJECT_ROOT / "results",
                                                   PROJECT_ROOT / "data" / "local"])
    print("\n".join(leaks) or "PII canary: no identifier found in any table, file or log.")
    failures += bool(leaks)
    print("End-to-end tests:", "PASS" if failures == 0 else "FAIL")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
