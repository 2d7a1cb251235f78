"""The needs log: what people needed, which help they were pointed to, what was missing."""

from bot.needs_log.db import default_database_url, make_engine
from bot.needs_log.facade import NeedsLog, retention_days
from bot.needs_log.migrate import upgrade
from bot.needs_log.unit_of_work import UnitOfWork

__all__ = ["NeedsLog", "UnitOfWork", "default_database_url", "make_engine", "retention_days",
           "upgrade"]
