"""Where the needs log lives and how to connect to it safely."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.future import create_engine

from bot import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "local" / "wayfinder.db"
DEFAULT_BROKER_PATH = PROJECT_ROOT / "data" / "local" / "events.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def default_database_url() -> str:
    """DATABASE_URL if set, else the SQLite file data/local/wayfinder.db (absolute path)."""
    return settings.database_url() or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def secure_sqlite_file(path: Path) -> None:
    """A SQLite file 0600 in a 0700 folder (created if needed), before SQLite opens it; its
    -wal and -shm files take the same mode from it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)


def default_broker_url() -> str:
    """WAYFINDER_BROKER_URL (Rasa's SQL event broker) if set, else data/local/events.db, or with
    DATABASE_URL set, data/local/events-<its hash>.db (two databases never share a broker). Its
    own file: Rasa's broker and tracker store both name their table `events`."""
    url = settings.text("WAYFINDER_BROKER_URL")
    if url:
        return url
    database = settings.database_url()
    if not database:
        return f"sqlite:///{DEFAULT_BROKER_PATH}"
    tag = hashlib.sha256(database.encode("utf-8")).hexdigest()[:12]
    return f"sqlite:///{DEFAULT_BROKER_PATH.with_name(f'events-{tag}.db')}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection) -> None:
    """Writers take the write lock up front: two processes never deadlock upgrading a read lock."""
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str | None = None) -> Engine:
    """An engine for url: SQLite gets WAL, synchronous FULL, a busy timeout and foreign keys;
    PostgreSQL gets pool_pre_ping. Creates the folder of a SQLite file if needed."""
    url = url or default_database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            secure_sqlite_file(Path(database).expanduser())
        engine = create_engine(url, future=True,
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
