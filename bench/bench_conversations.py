"""Drives whole conversations over REST and prints latency, turns and memory figures.

Compares Wayfinder with a bare `rasa init` bot in the same run, on the same machine (the
ratio is the figure). Fair by construction, so a shared, loaded machine shifts both alike:
- both servers run at once and the turns are interleaved (one Wayfinder turn, then one bare
  turn), so the load at any moment falls on both bots;
- a warm-up pass of every script on both bots is sent first and not counted;
- the bare bot is trained once and kept in models/bare-rasa-init/ (training is not measured).
Run: make bench   (or: python bench/bench_conversations.py --conversations 200 --port-base 5107)
Ports: Wayfinder's Rasa on the base port, its action server on base+50, the bare bot on base+1.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BARE_DIR = PROJECT_ROOT / "models" / "bare-rasa-init"
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
         "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(PROJECT_ROOT)}
# The summary that ends a journey, in the person's and in the staff voice (domain.yml).
DONE_WORDS = ("Your summary to keep", "Summary for your notes")
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


class Driver:
    """One bot's conversations, a turn at a time, so two bots' turns can be interleaved."""

    def __init__(self, port: int, scripts: list[list[str]], done_words: tuple[str, ...] | None,
                 prefix: str, limit: int | None = None) -> None:
        self.port, self.scripts, self.done_words, self.prefix = port, scripts, done_words, prefix
        self.limit = limit
        self.latencies: list[float] = []
        self.turns_to_answer: list[int] = []
        self.conversations = 0
        self._left: list[str] = []
        self._turn = 0

    def done(self) -> bool:
        """True when `limit` conversations have been driven to their end."""
        return not self._left and self.limit is not None and self.conversations >= self.limit

    def step(self) -> None:
        """Sends the next turn; after the answer is shown the conversation ends early."""
        if not self._left:
            self._left = list(self.scripts[self.conversations % len(self.scripts)])
            self.conversations += 1
            self._turn = 0
        message = self._left.pop(0)
        self._turn += 1
        sender = f"{self.prefix}-{self.port}-{self.conversations}"
        elapsed, replies = say(self.port, sender, message)
        self.latencies.append(elapsed)
        if self.done_words and any(word in (r.get("text") or "") for r in replies
                                   for word in self.done_words):
            self.turns_to_answer.append(self._turn)
            self._left = []

    def figures(self) -> dict:
        ordered = sorted(self.latencies)
        return {"turns": len(ordered), "conversations": self.conversations,
                "p50_ms": round(statistics.median(ordered), 1),
                "p95_ms": round(percentile(ordered, 0.95), 1),
                "turns_to_answer": (round(statistics.mean(self.turns_to_answer), 2)
                                    if self.turns_to_answer else None),
                "answered": len(self.turns_to_answer)}


def interleave(first: Driver, second: Driver | None) -> None:
    """One turn of each in turn until `first` is done (`second` keeps starting conversations)."""
    while not first.done():
        first.step()
        if second:
            second.step()


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def wait_ready(port: int, process: subprocess.Popen, seconds: float = 900) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} stopped")
        try:
            say(port, "bench-ready", "hello")
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"server on port {port} did not start")


def start_wayfinder(port: int) -> subprocess.Popen:
    folder = tempfile.mkdtemp()
    env = {**os.environ, **QUIET, "DATABASE_URL": f"sqlite:///{folder}/bench.db",
           "WAYFINDER_BROKER_URL": f"sqlite:///{folder}/events.db", "RASA_TOKEN": "bench"}
    # Starting takes over 4 minutes on this machine when it is loaded: wait up to 15.
    return subprocess.Popen([sys.executable, "-m", "bot.serve", "--rasa-port", str(port),
                             "--actions-port", str(port + 50), "--timeout", "900"],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def bare_bot() -> Path:
    """The `rasa init` project, trained once and kept in models/ (rebuilt if missing)."""
    if not list((BARE_DIR / "models").glob("*.tar.gz")):
        shutil.rmtree(BARE_DIR, ignore_errors=True)
        BARE_DIR.mkdir(parents=True)
        subprocess.run([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir",
                        str(BARE_DIR)], cwd=BARE_DIR, env={**os.environ, **QUIET}, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return BARE_DIR


def start_bare(port: int) -> subprocess.Popen:
    folder = bare_bot()
    return subprocess.Popen([str(VENV_BIN / "rasa"), "run", "--port", str(port)], cwd=folder,
                            env={**os.environ, **QUIET}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()


def run(conversations: int, port_base: int, skip_bare: bool) -> dict:
    """Both bots up at once, warmed up, then their turns interleaved one for one."""
    servers = [start_wayfinder(port_base)] + ([] if skip_bare else [start_bare(port_base + 1)])
    try:
        wait_ready(port_base, servers[0])
        if not skip_bare:
            wait_ready(port_base + 1, servers[1])
        # Warm-up, not counted: every script once on both bots (first-call caches, JIT paths).
        interleave(Driver(port_base, SCRIPTS, DONE_WORDS, "warm", limit=len(SCRIPTS)),
                   None if skip_bare else Driver(port_base + 1, [BARE_SCRIPT], None, "warm"))
        ours = Driver(port_base, SCRIPTS, DONE_WORDS, "bench", limit=conversations)
        bare = None if skip_bare else Driver(port_base + 1, [BARE_SCRIPT], None, "bare")
        load_before = os.getloadavg()
        interleave(ours, bare)
        result = {"load_average": [round(x, 2) for x in load_before],
                  "load_average_after": [round(x, 2) for x in os.getloadavg()],
                  "wayfinder": ours.figures()}
        result["wayfinder"]["rss_mb"] = {f"pid{pid}": round(peak_rss_mb(pid), 0)
                                         for pid in _children(servers[0].pid)}
        if bare:
            result["bare"] = bare.figures()
            result["bare"]["rss_mb"] = {"rasa": round(peak_rss_mb(servers[1].pid), 0)}
        return result
    finally:
        for server in servers:
            stop(server)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--port-base", type=int, default=5107)
    parser.add_argument("--skip-bare", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.conversations, args.port_base, args.skip_bare)
    print(f"load average (1, 5, 15 min) at the start: {result['load_average']}, "
          f"at the end: {result['load_average_after']}")
    ours = result["wayfinder"]
    print(f"Wayfinder: {json.dumps(ours)}")
    if "bare" in result:
        bare = result["bare"]
        print(f"bare rasa init bot: {json.dumps(bare)}")
        print(f"latency ratio p50 {ours['p50_ms'] / bare['p50_ms']:.2f}x, "
              f"p95 {ours['p95_ms'] / bare['p95_ms']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
