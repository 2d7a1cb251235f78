"""The shared services: PostgreSQL and Redis as found on the machine, RabbitMQ as our own node."""

from __future__ import annotations

import dataclasses
import os
import pwd
import shutil
import socket
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.cluster.settings import ClusterSettings


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_open(host, port):
            return True
        time.sleep(0.5)
    return False


def ensure_database(settings: ClusterSettings, fresh: bool = False) -> None:
    """Creates the cluster's PostgreSQL database (tracker store and needs log) if missing."""
    engine = create_engine(settings.postgres_admin_url, future=True,
                           isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if fresh:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{settings.database}" '
                                        "WITH (FORCE)"))
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"),
                                        {"d": settings.database}).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{settings.database}"'))
    except Exception as exc:  # noqa: BLE001 - say what is missing, plainly
        raise SystemExit(f"PostgreSQL is needed at {settings.postgres_admin_url} "
                         f"(set WAYFINDER_POSTGRES_ADMIN_URL): {exc.__class__.__name__}") from exc
    finally:
        engine.dispose()


def redis_command(settings: ClusterSettings) -> tuple[ClusterSettings, list[str] | None]:
    """Uses the Redis already running; if there is none, the command to start our own."""
    if port_open(settings.redis_host, settings.redis_port):
        return settings, None
    binary = shutil.which("redis-server")
    if not binary:
        raise SystemExit("Redis is needed: apt-get install -y redis-server (make cluster does "
                         "this)")
    own = dataclasses.replace(settings, redis_host="127.0.0.1",
                              redis_port=settings.own_redis_port)
    return own, [binary, "--port", str(own.redis_port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no"]


def rabbitmq(settings: ClusterSettings) -> tuple[list[str], dict[str, str]]:
    """Our own RabbitMQ node on base+10 (data kept in the run folder, so the durable queue
    survives a restart of the node)."""
    binary = shutil.which("rabbitmq-server") or "/usr/sbin/rabbitmq-server"
    if not Path(binary).exists():
        raise SystemExit("RabbitMQ is needed: apt-get install -y rabbitmq-server "
                         "(make cluster does this)")
    home = settings.run_dir / "rabbitmq"
    for sub in ("mnesia", "log"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    (home / "enabled_plugins").write_text("[].\n")
    (home / "rabbitmq.conf").write_text(
        f"listeners.tcp.default = 127.0.0.1:{settings.rabbitmq_port}\n")
    try:  # the Debian script runs the node as the rabbitmq user when started by root
        user = pwd.getpwnam("rabbitmq")
        for path in [home, *home.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid)
    except (KeyError, PermissionError):
        pass
    env = {"RABBITMQ_NODENAME": f"{settings.prefix}@localhost",
           "RABBITMQ_NODE_PORT": str(settings.rabbitmq_port),
           "RABBITMQ_DIST_PORT": str(settings.rabbitmq_port + 1),
           "RABBITMQ_MNESIA_BASE": str(home / "mnesia"),
           "RABBITMQ_MNESIA_DIR": str(home / "mnesia" / "node"),
           "RABBITMQ_FEATURE_FLAGS_FILE": str(home / "mnesia" / "feature_flags"),
           "RABBITMQ_LOG_BASE": str(home / "log"),
           "RABBITMQ_ENABLED_PLUGINS_FILE": str(home / "enabled_plugins"),
           "RABBITMQ_CONFIG_FILE": str(home / "rabbitmq"),
           "RABBITMQ_PID_FILE": str(home / "pid")}
    return [binary], env
