"""bot/settings.py: the one place settings are read, with safe defaults."""

from __future__ import annotations

from bot import settings


def test_servers_listen_on_loopback_unless_told(monkeypatch):
    monkeypatch.delenv("WAYFINDER_HOST", raising=False)
    assert settings.bind_host() == "127.0.0.1"
    monkeypatch.setenv("WAYFINDER_HOST", "0.0.0.0")
    assert settings.bind_host() == "0.0.0.0"


def test_the_token_comes_from_the_environment_or_a_file(monkeypatch, tmp_path):
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    monkeypatch.delenv("RASA_TOKEN_FILE", raising=False)
    assert settings.rasa_token() == ""
    path = tmp_path / "token"
    path.write_text("from-a-file\n")
    monkeypatch.setenv("RASA_TOKEN_FILE", str(path))
    assert settings.rasa_token() == "from-a-file"
    monkeypatch.setenv("RASA_TOKEN", "from-env")
    assert settings.rasa_token() == "from-env"


def test_bad_numbers_fall_back_to_safe_defaults(monkeypatch):
    for value in ("", "abc", "-3", "0"):
        monkeypatch.setenv("WAYFINDER_ACTION_TIMEOUT", value)
        assert settings.action_timeout() == 3.0
    monkeypatch.setenv("WAYFINDER_ACTION_TIMEOUT", "1.5")
    assert settings.action_timeout() == 1.5
    monkeypatch.delenv("WAYFINDER_TRACKER_RETENTION_DAYS", raising=False)
    assert settings.tracker_retention_days() == 30
    assert settings.max_message_chars() == 8000


def test_no_other_module_reads_the_environment():
    readers = [path for path in (settings.PROJECT_ROOT / "bot").rglob("*.py")
               if "os.environ" in path.read_text(encoding="utf-8")
               and path.name != "settings.py"]
    assert readers == []
