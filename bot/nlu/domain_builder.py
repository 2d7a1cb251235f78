"""Builds the trained domain: domain.yml + data/domain/*.yml + council facts (data/council.yml);
the step buttons take their names from data/vocabulary.yml.

Run: python -m bot.nlu.domain_builder [--out models/build/domain.yml]
The council's name and phone numbers become the initial values of the council_* slots, so every
response (including the crisis replies, which need no action server) says the right numbers.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from bot.council import load_council
from bot.vocab import label

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAIN_DOMAIN = PROJECT_ROOT / "domain.yml"
FRAGMENTS_DIR = PROJECT_ROOT / "data" / "domain"
DEFAULT_OUT = PROJECT_ROOT / "models" / "build" / "domain.yml"
LIST_KEYS = ("intents", "entities", "actions")
MAPPING_KEYS = ("slots", "responses", "forms")


class DomainMergeError(ValueError):
    """Two domain files disagree about the same name."""


def _intent_name(item: Any) -> str:
    return next(iter(item)) if isinstance(item, dict) else str(item)


def merge(base: dict[str, Any], fragment: dict[str, Any], source: str) -> dict[str, Any]:
    """Merges a fragment into base: lists are unioned; a name defined twice differently fails."""
    for key in LIST_KEYS:
        seen = {_intent_name(item) for item in base.get(key, [])}
        for item in fragment.get(key, []) or []:
            if _intent_name(item) not in seen:
                base.setdefault(key, []).append(item)
                seen.add(_intent_name(item))
    for key in MAPPING_KEYS:
        for name, value in (fragment.get(key) or {}).items():
            existing = base.setdefault(key, {}).get(name)
            if existing is not None and existing != value:
                raise DomainMergeError(f"{source}: '{key}.{name}' is already defined differently")
            base[key][name] = value
    for name, variants in (fragment.get("channel_variants") or {}).items():
        existing = base.get("responses", {}).get(name)
        if existing is None or not all(isinstance(v, dict) and v.get("channel") for v in variants):
            raise DomainMergeError(f"{source}: channel_variants.{name} needs an existing response "
                                   "and a channel on every variant")
        existing.extend(v for v in variants if v not in existing)
    return base


def build_domain(main: Path = MAIN_DOMAIN, fragments_dir: Path = FRAGMENTS_DIR,
                 council_file: str | None = None) -> dict[str, Any]:
    """The merged domain as a dict."""
    domain = yaml.safe_load(main.read_text(encoding="utf-8"))
    for path in sorted(fragments_dir.glob("*.yml")):
        merge(domain, yaml.safe_load(path.read_text(encoding="utf-8")) or {}, path.name)
    council_slots = load_council(council_file).as_slots()
    for slot, value in council_slots.items():
        if slot not in domain.get("slots", {}):
            raise DomainMergeError(f"domain.yml: council slot '{slot}' is not declared")
        domain["slots"][slot]["initial_value"] = value
    _step_buttons(domain)
    return domain


def _step_buttons(domain: dict[str, Any]) -> None:
    """The step question's buttons say each step's name from data/vocabulary.yml (one wording)."""
    for variant in domain.get("responses", {}).get("utter_ask_sds_step", []):
        for button in variant.get("buttons") or []:
            found = re.search(r'"sds_step":"([1-7])"', str(button.get("payload", "")))
            if found:
                number = int(found.group(1))
                button["title"] = f"{number} {label('steps', number)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    domain = build_domain()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    header = ("# Built by bot/nlu/domain_builder.py from domain.yml, data/domain/ and "
              "data/council.yml.\n")
    text = header + yaml.safe_dump(domain, sort_keys=False, allow_unicode=True, width=120)
    if not args.out.exists() or args.out.read_text(encoding="utf-8") != text:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
