"""Database fixtures for the needs-log tests: every test runs on SQLite AND PostgreSQL.

Use with `from tests.db_fixtures import *  # noqa: F403` (or `from db_fixtures import *`).
PostgreSQL comes from WAYFINDER_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test); each test session gets its own schema, dropped at
the end. If PostgreSQL is down the PostgreSQL tests FAIL (no skip).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import MetaData, Table, inspect, text
from sqlalchemy.engine import Engine

from bot.needs_log import NeedsLog, make_engine
from bot.needs_log import schema as t
from bot.needs_log.migrate import upgrade_engine

__all__ = ["BACKENDS", "db_url", "fresh_db_url", "log", "make_events_table", "migrated_db_urls",
           "postgres_base_url", "secret", "table_rows", "with_search_path"]

TEST_SECRET = "test-secret-for-wayfinder-tests-0123456789"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def postgres_base_url() -> str:
    return os.environ.get("WAYFINDER_TEST_POSTGRES_URL",
                          "postgresql://postgres@127.0.0.1:5432/test")


def with_search_path(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


class _PgSchema:
    """A throw-away schema in the test database."""

    def __init__(self) -> None:
        self.name = f"wf_test_{uuid.uuid4().hex[:10]}"
        self.admin = make_engine(postgres_base_url())
        with self.admin.begin() as connection:  # fails loudly if PostgreSQL is down
            connection.execute(text(f'CREATE SCHEMA "{self.name}"'))
        self.url = with_search_path(postgres_base_url(), self.name)

    def drop(self) -> None:
        with self.admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        self.admin.dispose()


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    """A fixed pseudonym key for every test (never the generated data/local/secret)."""
    monkeypatch.setenv("WAYFINDER_SECRET", TEST_SECRET)
    monkeypatch.delenv("WAYFINDER_RETENTION_DAYS", raising=False)
    return TEST_SECRET


@pytest.fixture(scope="session")
def migrated_db_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One migrated database per backend for the whole session (created on first use)."""
    created: dict[str, str] = {}
    schemas: list[_PgSchema] = []

    def get(backend: str) -> str:
        if backend not in created:
            if backend == "sqlite":
                url = f"sqlite:///{tmp_path_factory.mktemp('wfdb') / 'wayfinder.db'}"
            else:
                schema = _PgSchema()
                schemas.append(schema)
                url = schema.url
            engine = make_engine(url)
            upgrade_engine(engine)
            engine.dispose()
            created[backend] = url
        return created[backend]

    yield get  # type: ignore[misc]
    for schema in schemas:
        schema.drop()


def _empty(url: str) -> None:
    """Deletes every row (and Rasa's events table) so each test starts clean."""
    engine = make_engine(url)
    with engine.begin() as connection:
        if inspect(connection).has_table("events"):
            connection.execute(text("DROP TABLE events"))
        for table in reversed(t.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, migrated_db_urls) -> str:
    """A migrated, empty needs-log database URL: SQLite file, then a PostgreSQL schema."""
    url = migrated_db_urls(request.param)
    _empty(url)
    return url


@pytest.fixture(params=BACKENDS)
def fresh_db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A completely empty database (no tables at all), for migration tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    schema = _PgSchema()
    try:
        yield schema.url
    finally:
        schema.drop()


@pytest.fixture
def log(db_url: str) -> Iterator[NeedsLog]:
    needs_log = NeedsLog(db_url)
    yield needs_log
    needs_log.dispose()


def table_rows(engine: Engine, name: str) -> list[dict]:
    """Every row of a table as dicts (for asserting on what is stored)."""
    with engine.connect() as connection:
        table = t.metadata.tables.get(name)
        if table is None:
            table = Table(name, MetaData(), autoload_with=connection)
        return [dict(r._mapping) for r in connection.execute(table.select())]


def make_events_table(engine: Engine, rows: list[dict]) -> None:
    """A minimal table shaped like Rasa's SQLTrackerStore `events`, with some rows."""
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
            "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)"))
        for i, row in enumerate(rows, start=1):
            connection.execute(text(
                "INSERT INTO events (id, sender_id, type_name, timestamp, intent_name, "
                "action_name, data) VALUES (:id, :sender_id, :type_name, :timestamp, "
                ":intent_name, :action_name, :data)"),
                {"id": i, "type_name": "user", "intent_name": None, "action_name": None,
                 "data": "{}", **row})
