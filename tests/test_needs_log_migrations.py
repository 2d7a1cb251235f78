"""Alembic migrations build the log from an empty database and match the code's tables."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bot.__main__ import main
from bot.needs_log import NeedsLog, make_engine, upgrade
from bot.needs_log.migrate import alembic_config, current_revision, head_revision
from bot.needs_log.schema import metadata
from tests.db_fixtures import *  # noqa: F403

WF_TABLES = {"wf_contact", "wf_need", "wf_recommended_tier", "wf_signposted_service",
             "wf_unmet_need", "wf_outcome", "wf_safeguarding", "wf_inbound_message",
             "wf_sms_opt_out",
             # staff console (migration 0002)
             "wf_staff_account", "wf_staff_session", "wf_attention_handled",
             # the consumer's applied events and erasures (migration 0003)
             "wf_projected_event", "wf_erasure"}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_creates_every_table_at_head(fresh_db_url):
    assert _tables(fresh_db_url) == set()
    upgrade(fresh_db_url)
    assert _tables(fresh_db_url) == WF_TABLES | {"alembic_version"}
    engine = make_engine(fresh_db_url)
    try:
        assert current_revision(engine) == head_revision() == "0003_projected_event"
    finally:
        engine.dispose()
    upgrade(fresh_db_url)  # running again changes nothing
    assert _tables(fresh_db_url) == WF_TABLES | {"alembic_version"}


def test_migrations_match_the_code(fresh_db_url):
    upgrade(fresh_db_url)
    engine = make_engine(fresh_db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_back(fresh_db_url):
    upgrade(fresh_db_url)
    engine = make_engine(fresh_db_url)
    try:
        with engine.connect() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
            connection.commit()
        assert _tables(fresh_db_url) == {"alembic_version"}
    finally:
        engine.dispose()
    upgrade(fresh_db_url)
    assert WF_TABLES <= _tables(fresh_db_url)


def test_the_log_migrates_itself_on_first_use_and_leaves_rasa_tables_alone(fresh_db_url):
    engine = make_engine(fresh_db_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id "
                                   "VARCHAR(255), type_name VARCHAR(255), timestamp FLOAT)")
        connection.exec_driver_sql("INSERT INTO events VALUES (1, 'x', 'user', 1.0)")
    log = NeedsLog(fresh_db_url)
    log.record_needs("someone", ["dressing"])
    log.dispose()
    assert WF_TABLES | {"events"} <= _tables(fresh_db_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM events").scalar() == 1
    engine.dispose()


def test_cli_db_upgrade(fresh_db_url, capsys):
    assert main(["--database-url", fresh_db_url, "db-upgrade"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert WF_TABLES <= _tables(fresh_db_url)
