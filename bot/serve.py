"""Starts the action server, the needs-log consumer and Rasa, prints where to chat, and stops
them all on Ctrl-C.

python -m bot.serve [--rasa-port 5005] [--actions-port 5055] [--dead-actions]
(--dead-actions starts no action server, so Rasa's action endpoint (--actions-port) answers
nothing, or whatever fake the tests put there: used to test that crisis replies need none.)

Both listen on WAYFINDER_HOST (127.0.0.1 by default). The API token comes from RASA_TOKEN or
RASA_TOKEN_FILE; if neither is set, a fresh one is written to models/build/rasa-token (0600)
and only that file's name is printed. It never goes on a command line. Rasa proves itself to
the action server with a shared secret (WAYFINDER_ACTION_SECRET, else a fresh one per run).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

from bot import settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = PROJECT_ROOT / "models" / "rasa"
BUILD_DIR = PROJECT_ROOT / "models" / "build"
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
         "RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
TWILIO_ENV = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER")


def credentials_file() -> Path:
    """credentials.yml, plus the SMS channel when Twilio credentials are in the environment."""
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text()) or {}
    if all(settings.text(name) for name in TWILIO_ENV):
        credentials["bot.channels.twilio_sms.TwilioSMSInput"] = None  # it reads the environment
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    path = BUILD_DIR / "credentials.yml"
    path.write_text("# Built by bot/serve.py from credentials.yml.\n" + yaml.safe_dump(credentials))
    return path


def wait_until_ready(url: str, process: subprocess.Popen, seconds: float) -> bool:
    """Polls url until it answers 200, the process dies, or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:  # noqa: S310 - loopback only
                if reply.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(1)
    return False


def api_token(env: dict[str, str]) -> str:
    """RASA_TOKEN / RASA_TOKEN_FILE, else a fresh token saved to a 0600 file (never printed)."""
    token = settings.rasa_token()
    if not token:
        token = secrets.token_urlsafe(24)
        BUILD_DIR.mkdir(parents=True, exist_ok=True)
        path = BUILD_DIR / "rasa-token"
        path.touch(mode=0o600)
        path.chmod(0o600)
        path.write_text(token + "\n", encoding="utf-8")
        env["RASA_TOKEN_FILE"] = str(path)
        print(f"RASA_TOKEN was not set; this run's HTTP API token is in {path}")
    return token


def start(args: argparse.Namespace) -> list[subprocess.Popen]:
    os.umask(0o077)  # whatever the servers create (databases, logs, secrets) is theirs alone
    env = {**settings.environ(), **QUIET}
    env.setdefault("PYTHONPATH", str(PROJECT_ROOT))
    token = api_token(env)
    env["WAYFINDER_ACTION_SECRET"] = settings.action_secret() or secrets.token_urlsafe(24)
    host = settings.bind_host()
    local = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - compared, not bound
    env["ACTION_ENDPOINT_URL"] = f"http://{local}:{args.actions_port}/webhook"
    processes = []
    if not args.dead_actions:
        actions = subprocess.Popen(
            [sys.executable, "-m", "bot.plugins.action_server", "--port", str(args.actions_port)],
            cwd=PROJECT_ROOT, env=env, start_new_session=True)
        processes.append(actions)
        if not wait_until_ready(f"http://{local}:{args.actions_port}/health", actions, 60):
            raise RuntimeError("the action server did not start; see the messages above")
    # The needs log is built from Rasa's event stream by its own process (bot.needs_log.consumer).
    consumer = subprocess.Popen([sys.executable, "-m", "bot", "needs-consumer"], cwd=PROJECT_ROOT,
                                env=env, start_new_session=True)
    processes.append(consumer)
    command = [sys.executable, "-m", "bot.plugins.rasa_launcher", "run", "--enable-api",
               "--port", str(args.rasa_port), "--model", str(MODEL_DIR),
               "--endpoints", "endpoints.yml", "--credentials", str(credentials_file())]
    origins = env.get("WAYFINDER_CORS_ORIGINS", "").split()
    if origins:
        command += ["--cors", *origins]
    rasa = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, start_new_session=True)
    processes.append(rasa)
    status = f"http://{local}:{args.rasa_port}/status?token={token}"
    if not wait_until_ready(status, rasa, args.timeout):
        stop(processes)
        raise RuntimeError("Rasa did not start; see the messages above")
    return processes


def stop(processes: list[subprocess.Popen]) -> None:
    """Stops every process group we started, politely first."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--actions-port", type=int, default=5055)
    parser.add_argument("--dead-actions", action="store_true")
    parser.add_argument("--timeout", type=float, default=240)
    parser.add_argument("--ready-file", type=Path, help="written when both servers are ready")
    args = parser.parse_args(argv)
    processes = start(args)
    print(f"\nWayfinder is ready. Chat page: http://localhost:{args.rasa_port}/webhooks/chat/")
    print(f"Demo council page: http://localhost:{args.rasa_port}/webhooks/widget/demo/")
    print(f"Staff console: http://localhost:{args.rasa_port}/webhooks/staff/"
          "   (accounts: python -m bot staff add NAME)")
    print(f"REST: http://localhost:{args.rasa_port}/webhooks/rest/webhook   Ctrl-C stops.\n",
          flush=True)
    if args.ready_file:
        args.ready_file.write_text("ready\n")
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(1)
        print("A server stopped unexpectedly; stopping the other one.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
