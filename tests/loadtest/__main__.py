"""make loadtest: whole conversations at once against `make cluster` (started if not running),
with faults, then the checks. The last line is read by other tools (one line):

loadtest: conversations=N turns=N lost=N duplicated=N interleaved=N errors=N
          p50_ms=N p95_ms=N p99_ms=N

  python -m tests.loadtest [--conversations 200] [--instances 2]
                           [--faults kill-rasa,consumer,rabbitmq | none] [--control] [--fresh]
--control runs the same load on a cluster with Rasa's in-memory lock store, which must show
interleaved or lost turns (so the checks can fail); it exits 0 only if they do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bot.cluster.settings import PROJECT_ROOT, ClusterSettings
from tests.loadtest import checks
from tests.loadtest.driver import conversations, drive, percentile

ATOMIC = "bot.plugins.lock_store.AtomicRedisLockStore"
LOAD_ACTION_TIMEOUT_S = 60
FAULT_AT = {"kill-rasa": 0.2, "consumer": 0.4, "rabbitmq": 0.6}  # fraction of turns sent
SIGNALS = {"kill-rasa": ("rasa-1", signal.SIGKILL), "consumer": ("consumer", signal.SIGTERM),
           "rabbitmq": ("rabbitmq", signal.SIGTERM)}


def state_path() -> Path:
    return ClusterSettings().run_dir / "state.json"


def read_state() -> dict | None:
    try:
        state = json.loads(state_path().read_text())
        os.kill(state["supervisor"], 0)
        return state if state.get("ready") else None
    except (OSError, ValueError, KeyError):
        return None


def ensure_cluster(args: argparse.Namespace) -> tuple[dict, subprocess.Popen | None]:
    state = read_state()
    lock_store = args.lock_store or ("in_memory" if args.control else ATOMIC)
    if state and state.get("lock_store") == lock_store and not args.fresh:
        return state, None
    if state:
        raise SystemExit("a cluster with another set-up is running: make cluster-stop first")
    ClusterSettings().run_dir.mkdir(parents=True, exist_ok=True)  # a clean clone has no var/
    ready = PROJECT_ROOT / "var" / "loadtest-ready"
    ready.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bot.cluster", "--instances", str(args.instances),
               "--lock-store", lock_store, "--ready-file", str(ready)]
    if args.fresh or args.control:
        command.append("--fresh")
    log = open(ClusterSettings().run_dir.parent / "loadtest-cluster.log", "ab")  # noqa: SIM115
    print("loadtest: starting the cluster (Rasa loads its model; a minute or two)", flush=True)
    # Hundreds of people at once on one shared 2-core machine: an action call waits for a core
    # far longer than the 3 s a council's sized servers allow (bot/plugins/action_guard.py), and
    # each timeout stops action calls for 30 s. The load test measures queueing, not that limit.
    env = {**os.environ, "WAYFINDER_ACTION_TIMEOUT": os.environ.get("WAYFINDER_ACTION_TIMEOUT")
           or str(LOAD_ACTION_TIMEOUT_S)}
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 600
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the cluster did not start; see {log.name} and var/cluster/*.log")
        time.sleep(2)
    return read_state() or {}, process


def inject(name: str) -> None:
    from bot.cluster.__main__ import signal_pid_file

    state = read_state() or json.loads(state_path().read_text())
    target, sig = SIGNALS[name]
    pid = state["processes"][target]["pid"]
    if signal_pid_file(state["processes"][target].get("pid_file"), sig):
        print(f"loadtest: fault {name}: {target} node sent {sig.name}", flush=True)
    try:
        os.killpg(pid, sig)
        print(f"loadtest: fault {name}: {target} (pid {pid}) sent {sig.name}", flush=True)
    except ProcessLookupError:
        print(f"loadtest: fault {name}: {target} was not running", flush=True)


def _tree(pid: int) -> list[int]:
    """The process and its descendants (RabbitMQ's script runs the Erlang VM as a child)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(child) for child in children)
    return found


def _peak_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def peak_memory(state: dict) -> dict[str, float]:
    """Peak resident memory (VmHWM), MB, of the largest process in each child's tree (a
    restarted child counts from its restart)."""
    found = {}
    for name, info in state.get("processes", {}).items():
        if not isinstance(info.get("pid"), int):
            continue
        peaks = [peak for pid in _tree(info["pid"]) if (peak := _peak_mb(pid)) is not None]
        if peaks:
            found[name] = max(peaks)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--faults", default="kill-rasa,consumer,rabbitmq")
    parser.add_argument("--control", action="store_true")
    parser.add_argument("--lock-store", default=None,
                        help="'redis' runs Rasa's own RedisLockStore (it can interleave)")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--think", type=float, default=0.3, help="max seconds between turns")
    parser.add_argument("--keep", action="store_true", help="leave a cluster we started running")
    args = parser.parse_args(argv)
    faults = [] if args.faults in ("", "none") or args.control else args.faults.split(",")
    state, started = ensure_cluster(args)
    try:
        return run(args, state, faults)
    finally:
        if started is not None and not args.keep:
            os.killpg(started.pid, signal.SIGTERM)
            started.wait(timeout=120)


def run(args: argparse.Namespace, state: dict, faults: list[str]) -> int:
    url = f"{state['url']}/webhooks/rest/webhook"
    convs = conversations(args.conversations, uuid.uuid4().hex[:8], bursts=True)
    planned = sum(len(c.turns) for c in convs)
    pending = sorted(faults, key=lambda f: FAULT_AT[f])

    async def progress(results) -> None:
        while pending:
            if results.sent_turns >= FAULT_AT[pending[0]] * planned:
                inject(pending.pop(0))
            await asyncio.sleep(0.2)

    print(f"loadtest: {len(convs)} conversations, {planned} turns, "
          f"{state['instances']} instances, lock store {state.get('lock_store')}, "
          f"faults: {', '.join(faults) or 'none'}", flush=True)
    results = asyncio.run(drive(url, convs, args.think, progress))
    wall = results.finished - results.started
    memory = peak_memory(read_state() or state)
    trackers = checks.tracker_events(state["database_url"], [c.sender for c in convs])
    verdict = checks.Verdict()
    for conversation in convs:
        checks.check_turns(conversation, trackers[conversation.sender], verdict)
    checks.compare_log(state["database_url"], trackers, verdict, wait_s=180)
    checks.check_answers(convs, trackers, verdict)
    for note in verdict.notes:
        print(f"loadtest: {note}")
    print(f"loadtest: {len(results.latencies_ms)} answers in {wall:.1f} s = "
          f"{len(results.latencies_ms) / wall:.1f} turns/s; {results.retries} retries; "
          f"{verdict.unanswered_journeys} whole journeys without exactly one recommendation")
    print("loadtest: peak memory MB: " + ", ".join(f"{k} {v:.0f}" for k, v in memory.items()))
    p = {q: round(percentile(results.latencies_ms, q)) for q in (50, 95, 99)}
    print(f"loadtest: conversations={len(convs)} turns={len(results.latencies_ms)} "
          f"lost={verdict.lost} duplicated={verdict.duplicated} "
          f"interleaved={verdict.interleaved} errors={results.errors} "
          f"p50_ms={p[50]} p95_ms={p[95]} p99_ms={p[99]}", flush=True)
    broken = verdict.lost + verdict.duplicated + verdict.interleaved
    if args.control:
        return 0 if broken else 1
    return 0 if broken == 0 and results.errors == 0 and not verdict.unanswered_journeys else 1


if __name__ == "__main__":
    sys.exit(main())
