"""A unit of work: one transaction, one repository, commit or roll back as a whole."""

from __future__ import annotations

from sqlalchemy.engine import Connection, Engine

from bot.needs_log.repository import NeedsRepository


class UnitOfWork:
    """`with UnitOfWork(engine) as uow: uow.repo...; uow.commit()` (rolls back if not committed)."""

    def __init__(self, engine: Engine, read_only: bool = False) -> None:
        self.engine = engine
        self.read_only = read_only
        self.connection: Connection | None = None
        self.repo: NeedsRepository

    def __enter__(self) -> UnitOfWork:
        connection = self.engine.connect()
        if self.read_only and connection.dialect.name == "sqlite":
            connection = connection.execution_options(sqlite_begin="DEFERRED")
        self.connection = connection
        connection.begin()
        self.repo = NeedsRepository(connection)
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.connection is not None
        try:
            self.rollback()
        finally:
            self.connection.close()
            self.connection = None

    def commit(self) -> None:
        assert self.connection is not None
        self.connection.commit()

    def rollback(self) -> None:
        if self.connection is not None and self.connection.in_transaction():
            self.connection.rollback()
