"""Alembic environment for the needs log (configured in code by bot.needs_log.migrate)."""

from __future__ import annotations

from alembic import context

from bot.needs_log.db import make_engine
from bot.needs_log.schema import metadata

config = context.config


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch ALTERs
        compare_type=True,
        include_name=lambda name, type_, _parent: type_ != "table" or name.startswith("wf_")
        or name == "alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # `alembic` run by hand with -x url=...
    url = context.get_x_argument(as_dictionary=True).get("url")
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()
