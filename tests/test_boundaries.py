"""The domain core stays testable alone: only bot/channels, bot/nlu and bot/plugins import Rasa."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
ALLOWED = {"channels", "nlu", "plugins"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_domain_core_does_not_import_rasa():
    offenders = []
    for path in BOT.rglob("*.py"):
        relative = path.relative_to(BOT)
        if relative.parts[0] in ALLOWED:
            continue
        if {"rasa", "rasa_sdk"} & _imports(path):
            offenders.append(str(relative))
    assert offenders == []


def test_the_check_would_notice_a_rasa_import(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from rasa.core.agent import Agent\nimport rasa_sdk\n")
    assert {"rasa", "rasa_sdk"} <= _imports(sample)
