"""Fail at start, not mid-conversation: load and validate every configuration file once.

check_all() loads the council file, the routing table and the services directory the way the
running services will, and turns any problem into one StartupCheckError that names the file,
the line (when it can be found) and the field. Both servers call it before they listen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot import settings

QUOTED = re.compile(r"'([A-Za-z_][\w.\[\]-]*)'")


class StartupCheckError(RuntimeError):
    """A configuration file cannot be used; the message says which file, line and field."""


def line_of(path: Path, field: str) -> int | None:
    """1-based line where the last part of a dotted field name is defined in a YAML file."""
    key = field.split(".")[-1].split("[")[0]
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    pattern = re.compile(rf"^\s*-?\s*['\"]?{re.escape(key)}['\"]?\s*:")
    return next((number for number, line in enumerate(lines, 1) if pattern.match(line)), None)


def describe(path: Path, error: BaseException) -> str:
    """"file, line N, field 'x': what is wrong" from whatever a loader raised."""
    mark = getattr(error, "problem_mark", None) or getattr(error.__cause__, "problem_mark", None)
    found = QUOTED.search(str(error))
    field = found.group(1) if found else None
    json_line = getattr(error, "lineno", None) or getattr(error.__cause__, "lineno", None)
    line = mark.line + 1 if mark is not None else json_line
    line = line or (line_of(path, field) if field else None)
    where = [str(path)]
    if line:
        where.append(f"line {line}")
    if field:
        where.append(f"field '{field}'")
    problem = str(error) or error.__class__.__name__
    return f"{', '.join(where)}: {problem}"


def _check(path: Path, load: Callable[[], Any]) -> Any:
    try:
        return load()
    except (OSError, ValueError, yaml.YAMLError, KeyError, TypeError, AttributeError) as error:
        raise StartupCheckError(describe(path, error)) from error


def check_council() -> Any:
    from bot.council import DEFAULT_PATH, load_council

    path = Path(settings.text("WAYFINDER_COUNCIL_FILE") or DEFAULT_PATH)
    load_council.cache_clear()
    return _check(path, lambda: load_council(str(path)))


def check_rules() -> Any:
    from bot.routing.rules import DEFAULT_RULES_PATH, load_rules

    path = Path(settings.text("WAYFINDER_RULES_FILE") or DEFAULT_RULES_PATH)
    return _check(path, lambda: load_rules(path))


def check_directory() -> Any:
    from bot.directory.search import DEFAULT_SAMPLE
    from bot.directory.search import default as default_directory

    source = settings.text("WAYFINDER_DIRECTORY") or str(DEFAULT_SAMPLE)
    default_directory.cache_clear()
    return _check(Path(source), default_directory)


def check_all() -> None:
    """Raises StartupCheckError for the first file that cannot be used."""
    check_council()
    check_rules()
    check_directory()
