"""Reads the project's wording and word lists from data/content (cached; no I/O at import)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.vocab import label

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CONTENT_DIR = DATA_DIR / "content"


@lru_cache(maxsize=32)
def load(name: str) -> Any:
    """The parsed YAML file data/content/<name>.yml."""
    with (CONTENT_DIR / f"{name}.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def need_label(area: str) -> str:
    """Plain-English name of a need area id ('nutrition' -> 'food and meals')."""
    return label("need_areas", area)


def need_labels(areas: list[str] | tuple[str, ...]) -> str:
    """'washing and bathing, food and meals and getting out and about'."""
    labels = [need_label(area) for area in areas]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]
