"""Starts and stops the action server and Rasa (python -m bot.serve) for one test stage.

Shared by the stages that drive a real Rasa: tests/e2e/run.py, tests/browser/run.py and
tests/staff_browser/run.py. bot.serve writes the ready file once both servers answer.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
START_S = 300  # Rasa loads in ~35 s alone; give a shared 2-core machine room


def start_servers(env: dict[str, str], rasa_port: int, actions_port: int, ready: Path,
                  log_path: Path, extra_args: Sequence[str] = (), start_s: int = START_S,
                  new_session: bool = False) -> subprocess.Popen:
    """bot.serve on the given ports; waits for the ready file, or stops and exits with the log.

    new_session: the servers do not get the terminal's Ctrl-C (stop_servers stops them)."""
    ready.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bot.serve", "--rasa-port", str(rasa_port),
               "--actions-port", str(actions_port), "--ready-file", str(ready), *extra_args]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=new_session)
    deadline = time.monotonic() + start_s + 60
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_servers(process)
            raise SystemExit(f"servers did not start; see {log_path}")
        time.sleep(1)
    return process


def stop_servers(process: subprocess.Popen) -> None:
    """Asks bot.serve to stop the servers it started; kills it after a minute."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
