"""Pseudonyms: keyed, stable, one-way; the generated secret is private and made on first use."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot import privacy
from bot.privacy import normalise_uk_phone, pseudonym

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _test_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real data/local/secret from a test."""
    monkeypatch.setenv("WAYFINDER_SECRET", "test-secret-for-wayfinder-tests-0123456789")


def test_same_value_same_pseudonym_and_never_the_value(monkeypatch):
    monkeypatch.setenv("WAYFINDER_SECRET", "a-long-enough-secret-value-1")
    first = pseudonym("+447700900123")
    assert first == pseudonym("+447700900123")
    assert len(first) == 32 and all(c in "0123456789abcdef" for c in first)
    assert "7700900123" not in first
    assert pseudonym("+447700900124") != first


def test_the_key_matters(monkeypatch):
    monkeypatch.setenv("WAYFINDER_SECRET", "a-long-enough-secret-value-1")
    one = pseudonym("session-1")
    monkeypatch.setenv("WAYFINDER_SECRET", "a-long-enough-secret-value-2")
    assert pseudonym("session-1") != one


def test_known_hmac_value(monkeypatch):
    """HMAC-SHA256 truncated to 32 hex characters (checked against hashlib/hmac by hand)."""
    import hashlib
    import hmac

    monkeypatch.setenv("WAYFINDER_SECRET", "k" * 20)
    expected = hmac.new(b"k" * 20, b"abc", hashlib.sha256).hexdigest()[:32]
    assert pseudonym("abc") == expected


@pytest.mark.parametrize("bad", ["", None, b"bytes", 123])
def test_bad_values_are_rejected(bad):
    with pytest.raises((ValueError, TypeError)):
        pseudonym(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("odd", ["\udcff lone surrogate", "emoji 🙂", "\x00nul", "ｆｕｌｌ",
                                 "x" * 100_000])
def test_odd_unicode_and_huge_values_work(odd):
    assert len(pseudonym(odd)) == 32


def test_generated_secret_is_0600_and_made_on_first_use_only(monkeypatch, tmp_path, caplog):
    path = tmp_path / "local" / "secret"
    monkeypatch.delenv("WAYFINDER_SECRET", raising=False)
    monkeypatch.setenv("WAYFINDER_SECRET_FILE", str(path))
    privacy._file_secrets.clear()
    assert not path.exists()
    with caplog.at_level(logging.WARNING, logger="bot.privacy"):
        first = pseudonym("+447700900123")
    assert path.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(path.read_text().strip()) == 64
    assert "WAYFINDER_SECRET" in caplog.text
    assert "7700900123" not in caplog.text and path.read_text().strip() not in caplog.text
    privacy._file_secrets.clear()  # a new process reads the same file: same pseudonym
    assert pseudonym("+447700900123") == first
    privacy._file_secrets.clear()


def test_empty_secret_file_is_an_error_not_a_weak_key(monkeypatch, tmp_path):
    path = tmp_path / "secret"
    path.write_text("")
    monkeypatch.delenv("WAYFINDER_SECRET", raising=False)
    monkeypatch.setenv("WAYFINDER_SECRET_FILE", str(path))
    privacy._file_secrets.clear()
    with pytest.raises(RuntimeError):
        pseudonym("x")
    privacy._file_secrets.clear()


def test_importing_creates_no_secret(tmp_path):
    path = tmp_path / "secret"
    env = {k: v for k, v in os.environ.items() if k != "WAYFINDER_SECRET"}
    env["WAYFINDER_SECRET_FILE"] = str(path)
    subprocess.run([sys.executable, "-c", "import bot.privacy, bot.needs_log, bot.report"],
                   cwd=PROJECT, env=env, check=True)
    assert not path.exists()


@pytest.mark.parametrize(("raw", "expected"), [
    ("07700 900123", "+447700900123"),
    ("07700900123", "+447700900123"),
    ("+44 7700 900123", "+447700900123"),
    ("+44 (0)7700-900123", "+447700900123"),
    ("0044 7700 900123", "+447700900123"),
    ("(01632) 960123", "+441632960123"),
    ("+1 415 555 0100", "+14155550100"),
    ("web-session-abc", None),
    ("12345", None),
    ("", None),
])
def test_normalise_uk_phone(raw, expected):
    assert normalise_uk_phone(raw) == expected
