"""Fail at start, not mid-conversation: bad configuration stops a server, naming file and line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.settings import PROJECT_ROOT
from bot.startup_checks import StartupCheckError, check_all, describe, line_of


def test_the_shipped_files_pass():
    check_all()


def test_a_corrupt_directory_file_is_named_with_its_line(tmp_path, monkeypatch):
    bad = tmp_path / "services.json"
    bad.write_text('{"items": [\n  {"id": "x",,}\n]}')
    monkeypatch.setenv("WAYFINDER_DIRECTORY", str(bad))
    with pytest.raises(StartupCheckError) as caught:
        check_all()
    assert str(bad) in str(caught.value) and "line 2" in str(caught.value)


def test_a_council_file_with_a_wrong_shape_names_the_field_not_attribute_error(tmp_path,
                                                                             monkeypatch):
    bad = tmp_path / "council.yml"
    bad.write_text("council:\n  name: X\n  short_name: X\n  area: X\n  website: x\n"
                   "  contact_centre: 0113 496 0100\n")
    monkeypatch.setenv("WAYFINDER_COUNCIL_FILE", str(bad))
    with pytest.raises(StartupCheckError) as caught:
        check_all()
    message = str(caught.value)
    assert str(bad) in message and "council.contact_centre.phone" in message
    assert "AttributeError" not in message


def test_invalid_yaml_names_the_line(tmp_path, monkeypatch):
    bad = tmp_path / "council.yml"
    bad.write_text("council:\n  name: [unclosed\n  phone: 1\n")
    monkeypatch.setenv("WAYFINDER_COUNCIL_FILE", str(bad))
    with pytest.raises(StartupCheckError) as caught:
        check_all()
    assert "line " in str(caught.value)


def test_line_of_finds_a_nested_field(tmp_path):
    path = tmp_path / "f.yml"
    path.write_text("a:\n  b:\n    phone: 1\n")
    assert line_of(path, "a.b.phone") == 3
    assert "line 3, field 'a.b.phone'" in describe(path, ValueError("'a.b.phone' is empty"))


def test_the_action_server_refuses_to_start_on_a_corrupt_directory(tmp_path):
    bad = tmp_path / "services.json"
    bad.write_text("{not json")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT),
           "WAYFINDER_DIRECTORY": str(bad), "WAYFINDER_ACTION_SECRET": "s"}
    done = subprocess.run([sys.executable, "-m", "bot.plugins.action_server", "--port", "1"],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Wayfinder cannot start" in done.stderr and str(bad) in done.stderr
