"""Shared test set-up: a fixed pseudonym key and no writes to the real project database."""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("WAYFINDER_SECRET", "test-secret-not-for-production")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
# No test may write to the project's own database (data/local/): default to a throw-away file.
_TMP = tempfile.mkdtemp(prefix="wayfinder-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_TMP}/t.db")
os.environ.setdefault("WAYFINDER_BROKER_URL", f"sqlite:///{_TMP}/events.db")


@pytest.fixture()
def sqlite_url(tmp_path) -> str:
    """A fresh SQLite database file for one test."""
    return f"sqlite:///{tmp_path / 'wayfinder-test.db'}"


@pytest.fixture()
def staff_db_url(tmp_path, monkeypatch) -> str:
    """A new SQLite database for one staff-console test, with the console's test secret."""
    from tests.staff.server import SECRET

    monkeypatch.setenv("WAYFINDER_SECRET", SECRET)
    return f"sqlite:///{tmp_path / 'wf.db'}"


@pytest.fixture(scope="module")
def pipeline_nlp():
    """Wayfinder's own spaCy pipeline, built from data/patterns (once per test module)."""
    from bot.nlu.spacy_builder import build

    return build()


@pytest.fixture()
def need_extractor(tmp_path):
    """The NLU component that reads need areas and the step (bot/nlu/need_area_extractor.py)."""
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from bot.nlu.need_area_extractor import NeedAreaExtractor

    return NeedAreaExtractor.create({}, LocalModelStorage(tmp_path), Resource("needs"),
                                    ExecutionContext(graph_schema=None))
