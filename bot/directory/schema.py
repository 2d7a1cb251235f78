"""Validates service records against the Open Referral UK schema (data/directory/schema)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator

from bot.directory.config import DATA_DIR

SCHEMA_PATH = DATA_DIR / "schema" / "service.json"


@lru_cache(maxsize=2)
def service_validator(check_formats: bool = True) -> Draft202012Validator:
    """A validator for one full ORUK service record."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    checker = Draft202012Validator.FORMAT_CHECKER if check_formats else None
    return Draft202012Validator(schema, format_checker=checker)


def service_problems(record: Any, check_formats: bool = True, limit: int = 3) -> list[str]:
    """Short messages for what is wrong with a record (empty when it is valid)."""
    if not isinstance(record, dict):
        return ["a service must be a JSON object"]
    problems = []
    for error in service_validator(check_formats).iter_errors(record):
        where = "/".join(str(p) for p in error.absolute_path) or "(the record)"
        message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
        problems.append(f"{where}: {message}")
        if len(problems) >= limit:
            break
    return problems
