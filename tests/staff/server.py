"""Starts the staff console on a real server for tests (scripted assistant: fake_server.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bot.staff.accounts import StaffAccounts
from tests.staff.http import Browser

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET = "test-secret-for-wayfinder-staff-0123456789"


def free_port() -> int:
    """A port nothing listens on now (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder: Path, accounts: dict[str, str], extra_env: dict[str, str],
          keep_twilio: bool = True) -> tuple[subprocess.Popen, dict[str, Any]]:
    """Creates the accounts in a new SQLite database in `folder`, starts the server and waits
    until it answers. keep_twilio=False drops any TWILIO_* settings of the caller."""
    url = f"sqlite:///{folder / 'wf.db'}"
    env = {key: value for key, value in os.environ.items()
           if keep_twilio or not key.startswith("TWILIO_")}
    env.update({"DATABASE_URL": url, "WAYFINDER_SECRET": SECRET, "PYTHONPATH": str(ROOT),
                **extra_env})
    os.environ["WAYFINDER_SECRET"] = SECRET
    store = StaffAccounts(url)
    for name, password in accounts.items():
        store.add(name, password)
    store.dispose()
    port = free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "tests.staff.fake_server", "--port",
                                str(port)], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}/webhooks/staff"
    for _ in range(150):
        try:
            Browser(base).get("/signin")
            break
        except OSError:
            time.sleep(0.2)
    return process, {"base": base, "url": url, "log": folder / "server.log", "folder": folder,
                     "db": folder / "wf.db"}


def stop(process: subprocess.Popen) -> None:
    """Stops the server started by start()."""
    process.terminate()
    process.wait(timeout=10)
