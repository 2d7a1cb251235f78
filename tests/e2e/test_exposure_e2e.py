"""Exposure, checked on the running servers: loopback only, the token on no command line and in
no log, and an action server that answers only Rasa."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.e2e
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _port(name: str) -> int:
    return int(os.environ[name].rsplit(":", 1)[1].split("/")[0])


def _listening(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp) listening on port."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_rasa_and_the_action_server_listen_on_loopback_only():
    for name in ("WAYFINDER_TEST_RASA_URL", "WAYFINDER_TEST_ACTION_URL"):
        addresses = _listening(_port(name))
        assert addresses, f"nothing listens for {name}"
        assert addresses <= {"0100007F"}, (name, addresses)  # 127.0.0.1


def test_the_api_token_is_on_no_command_line_and_in_no_log():
    token = os.environ["WAYFINDER_TEST_RASA_TOKEN"]
    for proc in Path("/proc").iterdir():
        try:  # this checkout's processes (other checkouts on the machine run their own servers)
            if Path(os.readlink(proc / "cwd")) != PROJECT_ROOT:
                continue
            command = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        assert token not in command, f"process {proc.name} has the token on its command line"
    for log in (PROJECT_ROOT / "results").glob("e2e-serve-*.log"):
        assert token not in log.read_text(errors="replace"), log


def test_the_action_server_answers_only_rasa():
    url = os.environ["WAYFINDER_TEST_ACTION_URL"]
    body = {"next_action": "action_record_handoff", "sender_id": "forged", "tracker": {}}
    assert requests.post(url + "/webhook", json=body, timeout=10).status_code == 403
    forged = {"X-Wayfinder-Action-Secret": "guess"}
    assert requests.post(url + "/webhook", json=body, headers=forged, timeout=10).status_code == 403
    assert requests.get(url + "/actions", timeout=10).status_code == 403
    assert requests.get(url + "/health", timeout=10).status_code == 200
