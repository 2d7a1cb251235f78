"""Loads data/sms/wording.yml and fills its {placeholders} from the council file."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.council import Council, load_council
from bot.sms.buttons import OptionsWording
from bot.sms.gsm7 import is_gsm7, normalise
from bot.sms.segments import TWO_SEGMENTS, length

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = PROJECT_ROOT / "data" / "sms" / "wording.yml"
TEXT_KEYS: tuple[str, ...] = (
    "help", "opted_out", "opted_in", "empty", "media_only", "media_note", "too_long",
    "pick_a_number", "error",
)
LATE_PLACEHOLDERS: frozenset[str] = frozenset({"count"})  # filled when the text is sent


class WordingError(ValueError):
    """The SMS wording file is missing a text or has one a basic phone cannot show."""


@dataclass(frozen=True)
class SmsWording:
    """Every text the channel sends by itself, council facts already filled in."""

    help: str
    opted_out: str
    opted_in: str
    empty: str
    media_only: str
    media_note: str
    too_long: str
    pick_a_number: str
    error: str
    options: OptionsWording


def _fill(key: str, template: str, slots: dict[str, str]) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    unknown = names - set(slots) - LATE_PLACEHOLDERS
    if unknown:
        raise WordingError(f"sms wording '{key}': unknown placeholder(s) {sorted(unknown)}")
    keep = {name: "{" + name + "}" for name in LATE_PLACEHOLDERS}
    text = normalise(template.format_map({**slots, **keep}))
    if not is_gsm7(text):
        raise WordingError(f"sms wording '{key}' has characters a basic phone cannot show")
    if length(text) > TWO_SEGMENTS:
        raise WordingError(f"sms wording '{key}' is {length(text)} characters; keep it to 306")
    return text


def parse_wording(data: dict[str, Any], council: Council) -> SmsWording:
    """Builds SmsWording from parsed YAML, refusing missing, non-GSM-7 or over-long texts."""
    slots = council.as_slots()
    texts: dict[str, str] = {}
    for key in TEXT_KEYS:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise WordingError(f"sms wording: '{key}' is missing or empty")
        texts[key] = _fill(key, value, slots)
    raw_options = data.get("options") or {}
    defaults = OptionsWording()
    options = OptionsWording(
        intro=str(raw_options.get("intro", defaults.intro)),
        item=str(raw_options.get("item", defaults.item)),
        separator=str(raw_options.get("separator", defaults.separator)),
        last_separator=str(raw_options.get("last_separator", defaults.last_separator)),
        separator_with_commas=str(raw_options.get("separator_with_commas",
                                                  defaults.separator_with_commas)),
        last_separator_with_commas=str(raw_options.get("last_separator_with_commas",
                                                       defaults.last_separator_with_commas)),
    )
    if "{items}" not in options.intro or "{number}" not in options.item:
        raise WordingError("sms wording: options need {items} in intro and {number} in item")
    return SmsWording(options=options, **texts)


@lru_cache(maxsize=4)
def load_wording(path: str | None = None) -> SmsWording:
    """Loads the SMS wording (data/sms/wording.yml unless path is given) for the council."""
    with Path(path or DEFAULT_PATH).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise WordingError("sms wording file must be a mapping of names to texts")
    return parse_wording(data, load_council())
