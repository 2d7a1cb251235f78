"""Loads the safeguarding test corpora (shared by unit and end-to-end tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent


def load(name: str) -> list[dict[str, Any]]:
    """Items of tests/safeguarding/<name>.yml."""
    data = yaml.safe_load((HERE / f"{name}.yml").read_text(encoding="utf-8"))
    return list(data["items"])


def disclosures() -> list[dict[str, Any]]:
    return load("disclosures")


def near_misses() -> list[dict[str, Any]]:
    return load("near_misses")


def positive_risk() -> list[dict[str, Any]]:
    return load("positive_risk")
