"""Drives 200 whole conversations over REST and prints latency, turns and memory figures.

Compares Wayfinder with a bare `rasa init` bot trained in the same run (the ratio is the figure).
Run: make bench   (or: python bench/bench_conversations.py --conversations 200)
Everything runs on loopback ports 5107/5157 (Wayfinder) and 5108 (bare bot); --ports changes them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
         "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(PROJECT_ROOT)}
SCRIPTS = [
    ["/i_am_self", "I can't get out since my fall and I'm lonely",
     '/inform_network{"network":"none"}', "no", "no"],
    ["my mum can't wash herself any more and I'm at the end of my tether",
     '/inform_network{"network":"some"}', "yes", '/inform_step{"sds_step":"5"}', "no"],
    ["/i_am_staff", "she needs help with meals and company", "my son helps a bit", "not sure",
     "no"],
    ["hello", "/i_am_carer", "what is a direct payment", "dad keeps falling and can't cook",
     '/inform_network{"network":"strong"}', "no", "no"],
]
BARE_SCRIPT = ["hello", "I am sad", "yes", "bye"]


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its children, in MB."""
    total = 0
    for proc in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{proc}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    kids = [int(child) for child in found]
    return kids + [grandchild for kid in kids for grandchild in _children(kid)]


def say(port: int, sender: str, message: str) -> tuple[float, list]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310 - loopback only
        replies = json.loads(reply.read())
    return (time.perf_counter() - start) * 1000, replies


def drive(port: int, conversations: int, scripts: list[list[str]], done_word: str | None) -> dict:
    latencies, turns_to_answer = [], []
    for number in range(conversations):
        script = scripts[number % len(scripts)]
        sender = f"bench-{port}-{number}"
        for turn, message in enumerate(script, start=1):
            elapsed, replies = say(port, sender, message)
            latencies.append(elapsed)
            if done_word and any(done_word in (r.get("text") or "") for r in replies):
                turns_to_answer.append(turn)
                break
    latencies.sort()
    return {"turns": len(latencies), "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
            "turns_to_answer": (round(statistics.mean(turns_to_answer), 2)
                                if turns_to_answer else None),
            "answered": len(turns_to_answer)}


def wait_ready(port: int, process: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} stopped")
        try:
            say(port, "bench-warmup", "hello")
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"server on port {port} did not start")


def bench_wayfinder(conversations: int, rasa_port: int, actions_port: int) -> dict:
    folder = tempfile.mkdtemp()
    env = {**os.environ, **QUIET, "DATABASE_URL": f"sqlite:///{folder}/bench.db",
           "WAYFINDER_BROKER_URL": f"sqlite:///{folder}/events.db", "RASA_TOKEN": "bench"}
    serve = subprocess.Popen([sys.executable, "-m", "bot.serve", "--rasa-port", str(rasa_port),
                              "--actions-port", str(actions_port)], cwd=PROJECT_ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(rasa_port, serve)
        figures = drive(rasa_port, conversations, SCRIPTS, "Your summary to keep")
        children = _children(serve.pid)
        figures["rss_mb"] = {f"pid{pid}": round(peak_rss_mb(pid), 0) for pid in children}
        return figures
    finally:
        serve.terminate()
        serve.wait(timeout=60)


def bench_bare(conversations: int, port: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bare-rasa-"))
    env = {**os.environ, **QUIET}
    subprocess.run([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
                   cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    server = subprocess.Popen([str(VENV_BIN / "rasa"), "run", "--port", str(port)], cwd=folder,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(port, server)
        figures = drive(port, conversations, [BARE_SCRIPT], None)
        figures["rss_mb"] = {"rasa": round(peak_rss_mb(server.pid), 0)}
        return figures
    finally:
        server.terminate()
        server.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--skip-bare", action="store_true")
    parser.add_argument("--ports", type=int, nargs=3, default=[5107, 5157, 5108],
                        metavar=("RASA", "ACTIONS", "BARE"))
    args = parser.parse_args(argv)
    ours = bench_wayfinder(args.conversations, args.ports[0], args.ports[1])
    print(f"Wayfinder: {json.dumps(ours)}")
    if not args.skip_bare:
        bare = bench_bare(args.conversations, args.ports[2])
        print(f"bare rasa init bot: {json.dumps(bare)}")
        print(f"latency ratio p50 {ours['p50_ms'] / bare['p50_ms']:.2f}x, "
              f"p95 {ours['p95_ms'] / bare['p95_ms']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
