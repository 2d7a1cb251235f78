"""make cluster N=2: nginx in front of N Rasa instances and N action servers, with the PostgreSQL
tracker store, Rasa's Redis lock store, RabbitMQ as Rasa's event broker and the needs-log
consumer, all on this machine. Runs in the foreground; Ctrl-C stops everything.

  python -m bot.cluster [--instances 2] [--fresh] [--ready-file PATH]
  python -m bot.cluster stop

A process that dies is started again after a pause (as Kubernetes or systemd would), so the
load test can kill one and watch the rest carry on. var/cluster/state.json says what runs where.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot import settings as wayfinder_settings
from bot.cluster import nginx, services
from bot.cluster.settings import PROJECT_ROOT, ClusterSettings

ENDPOINTS = Path(__file__).resolve().parent / "endpoints.yml"
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
         "RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1",
         "PYTHONPATH": str(PROJECT_ROOT)}
RESTART_PAUSE = {"consumer": 3.0, "rabbitmq": 2.0}  # seconds; others 1 s


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None
    died_at: float | None = None
    starts: int = 0
    started_at: float = 0.0
    quick_deaths: int = 0  # deaths soon after starting: wait longer each time (a crash loop)
    extra: dict[str, object] = field(default_factory=dict)

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(self.argv, cwd=PROJECT_ROOT, env=self.env,
                                            stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self.starts += 1
        self.started_at = time.monotonic()
        self.died_at = None

    def pause(self) -> float:
        return min(60.0, RESTART_PAUSE.get(self.name, 1.0) * 2 ** self.quick_deaths)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        signal_pid_file(self.extra.get("pid_file"), signal.SIGTERM)  # the real server if it
        if self.alive():                                             # left our session (su)
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def signal_pid_file(path: object, sig: signal.Signals) -> bool:
    """Signals the process whose id is in path (RabbitMQ's node runs as another user, in its
    own session, so stopping our child process does not reach it)."""
    try:
        pid = int(Path(str(path)).read_text().split()[0])
        os.kill(pid, sig)
        return True
    except (OSError, ValueError, IndexError, TypeError):
        return False


def build(settings: ClusterSettings, token: str) -> tuple[ClusterSettings, list[Child]]:
    from bot.serve import credentials_file

    run = settings.run_dir
    settings, redis_argv = services.redis_command(settings)
    env = {**wayfinder_settings.environ(), **QUIET, **settings.environment(), "RASA_TOKEN": token,
           "WAYFINDER_ACTION_SECRET": wayfinder_settings.action_secret()
           or secrets.token_urlsafe(24)}
    children: list[Child] = []
    if redis_argv:
        children.append(Child("redis", redis_argv, env, run / "redis.log"))
    rabbit_argv, rabbit_env = services.rabbitmq(settings)
    children.append(Child("rabbitmq", rabbit_argv, {**env, **rabbit_env}, run / "rabbitmq.log",
                          extra={"pid_file": rabbit_env["RABBITMQ_PID_FILE"]}))
    for i in range(settings.instances):
        children.append(Child(f"actions-{i}", [sys.executable, "-m", "bot.plugins.action_server",
                                               "--port", str(settings.actions_port(i))],
                              env, run / f"actions-{i}.log", extra={"port":
                                                                     settings.actions_port(i)}))
    children.append(Child("nginx", nginx.command(settings), env, run / "nginx.log"))
    children.append(Child("consumer", [sys.executable, "-m", "bot", "needs-consumer"], env,
                          run / "consumer.log"))
    credentials = str(credentials_file())
    for i in range(settings.instances):
        children.append(Child(f"rasa-{i}", [
            # The launcher adds the token (RASA_TOKEN) inside its process: never on a command line.
            sys.executable, "-m", "bot.plugins.rasa_launcher", "run", "--enable-api",
            "--port", str(settings.rasa_port(i)),
            "--model", str(PROJECT_ROOT / "models" / "rasa"), "--endpoints", str(ENDPOINTS),
            "--credentials", credentials], env, run / f"rasa-{i}.log",
            extra={"port": settings.rasa_port(i)}))
    return settings, children


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as reply:  # noqa: S310 - loopback only
            return reply.status == 200
    except OSError:
        return False


def write_state(settings: ClusterSettings, children: list[Child], token: str,
                ready: bool) -> None:
    state = {"supervisor": os.getpid(), "ready": ready, "token": token,
             "lock_store": settings.lock_store,
             "url": f"http://127.0.0.1:{settings.nginx_port}",
             "instances": settings.instances, "database_url": settings.database_url,
             "amqp_url": settings.amqp_url, "queue": settings.queue,
             "redis": [settings.redis_host, settings.redis_port, settings.redis_db],
             "processes": {c.name: {"pid": c.process.pid if c.process else None,
                                    "starts": c.starts, **c.extra} for c in children}}
    path = settings.run_dir / "state.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1))
    tmp.chmod(0o600)
    tmp.replace(path)


def start_all(settings: ClusterSettings, children: list[Child], token: str) -> None:
    by_name = {c.name: c for c in children}
    for child in children:
        if child.name.startswith("rasa-") and child.name != "rasa-0":
            time.sleep(8)  # let the first instance create the tracker table (no create race)
        if child.name == "rabbitmq" and services.port_open("127.0.0.1", settings.rabbitmq_port):
            raise SystemExit(f"port {settings.rabbitmq_port} is taken: another cluster's RabbitMQ?"
                             " (make cluster-stop, or set WAYFINDER_CLUSTER_BASE)")
        child.start()
        if child.name == "rabbitmq" and not services.wait_for_port(
                "127.0.0.1", settings.rabbitmq_port, 90):
            raise SystemExit(f"RabbitMQ did not start; see {child.log}")
        if child.name == "redis":
            services.wait_for_port("127.0.0.1", settings.redis_port, 20)
    deadline = time.monotonic() + 420
    for child in children:
        if child.name.startswith(("rasa-", "actions-")):
            path = "/status?token=" + token if child.name.startswith("rasa-") else "/health"
            url = f"http://127.0.0.1:{child.extra['port']}{path}"
            while not http_ok(url):
                if not by_name[child.name].alive() or time.monotonic() > deadline:
                    raise SystemExit(f"{child.name} did not start; see {child.log}")
                time.sleep(1)


def supervise(settings: ClusterSettings, children: list[Child], token: str) -> None:
    while True:
        changed = False
        for child in children:
            if child.alive():
                continue
            now = time.monotonic()
            if child.died_at is None:
                child.died_at = now
                quick = now - child.started_at < 120
                child.quick_deaths = child.quick_deaths + 1 if quick else 0
                print(f"cluster: {child.name} stopped; starting it again in "
                      f"{child.pause():.0f} s", flush=True)
            elif now - child.died_at >= child.pause():
                child.start()
                changed = True
        if changed:
            write_state(settings, children, token, True)
        time.sleep(0.5)


def stop_running(settings: ClusterSettings) -> int:
    path = settings.run_dir / "state.json"
    try:
        pid = json.loads(path.read_text())["supervisor"]
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError, KeyError):
        print("no cluster is running")
        return 1
    print("cluster stopping")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", choices=("up", "stop"), default="up")
    parser.add_argument("--instances", "-n", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="start from an empty database")
    parser.add_argument("--ready-file", type=Path)
    parser.add_argument("--lock-store", default=None,
                        help="default bot.plugins.lock_store.AtomicRedisLockStore; 'redis' (Rasa's "
                             "own) and 'in_memory' show what goes wrong (the load test's control)")
    args = parser.parse_args(argv)
    settings = replace(ClusterSettings(), instances=max(1, args.instances))
    if args.lock_store:
        settings = replace(settings, lock_store=args.lock_store)
    if args.command == "stop":
        return stop_running(settings)
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    services.ensure_database(settings, fresh=args.fresh)
    env = {**wayfinder_settings.environ(), **QUIET, "DATABASE_URL": settings.database_url}
    subprocess.run([sys.executable, "-m", "bot", "db-upgrade"], cwd=PROJECT_ROOT, env=env,
                   check=True)
    token = wayfinder_settings.rasa_token() or secrets.token_urlsafe(24)
    settings, children = build(settings, token)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        write_state(settings, children, token, False)
        start_all(settings, children, token)
        write_state(settings, children, token, True)
        print(f"\nWayfinder cluster ready: {settings.instances} Rasa instances behind "
              f"http://127.0.0.1:{settings.nginx_port}/webhooks/rest/webhook "
              f"(state: {settings.run_dir / 'state.json'}). Ctrl-C stops it.\n", flush=True)
        if args.ready_file:
            args.ready_file.write_text("ready\n")
        supervise(settings, children, token)
    except KeyboardInterrupt:
        return 0
    finally:
        for child in reversed(children):
            child.stop()
        for child in reversed(children):
            if child.process is not None:
                try:
                    child.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(child.process.pid, signal.SIGKILL)
        (settings.run_dir / "state.json").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
