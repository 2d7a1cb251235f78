"""Runs the needs log's Alembic migrations, configured in code (no alembic.ini)."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.needs_log.db import default_database_url, make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY = 7_370_221_905  # any constant: serialises concurrent upgrades on PostgreSQL
_lock = threading.Lock()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Brings the database behind engine up to revision (head by default)."""
    config = alembic_config()
    with _lock, engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            connection.commit()
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
        finally:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                connection.commit()


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Runs the migrations to head on url (default: default_database_url())."""
    engine = make_engine(url or default_database_url())
    try:
        upgrade_engine(engine, revision)
    finally:
        engine.dispose()
