"""The staff console's wording (data/staff/wording.yml), read once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.council import load_council

WORDING_FILE = Path(__file__).resolve().parents[2] / "data" / "staff" / "wording.yml"


@lru_cache(maxsize=1)
def wording() -> dict[str, Any]:
    with WORDING_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def council_values() -> dict[str, str]:
    """Council and national numbers for {placeholders} in the wording."""
    council = load_council()
    return {**council.as_slots(), **council.national}
