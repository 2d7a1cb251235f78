"""The routing rules table: loading, validating and matching rows (data/routing/rules.yml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot import settings
from bot.routing.situation import NETWORKS, Situation
from bot.vocab import NEED_AREAS, ROLES, SDS_STEPS, TIERS, label

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RULES_PATH = PROJECT_ROOT / "data" / "routing" / "rules.yml"
MAX_FILE_BYTES = 1_000_000

BOOL_KEYS = ("at_risk", "isolated", "fluctuating", "prefers_person")
WHEN_KEYS = BOOL_KEYS + (
    "has_budget", "role", "network", "sds_step", "need_any",
    "need_count_at_least", "need_count_at_most",
)
# A professional row ranked ahead of the rows for everybody must be gated by one of these.
PROFESSIONAL_FIRST_GATES = ("at_risk", "isolated", "fluctuating", "prefers_person",
                            "need_count_at_least")
TIER_TEXT_KEYS = ("strengths", "weaknesses")  # the label comes from data/vocabulary.yml


class RulesError(ValueError):
    """The rules table is broken; the message names the row and what is wrong."""


@dataclass(frozen=True)
class Rule:
    """One row of the table."""

    id: str
    when: tuple[tuple[str, Any], ...]
    tier: str
    rank: int
    urgency: str
    reason: str
    position: int
    reason_staff: str = ""  # the reason as told to contact-centre staff about their caller

    def matches(self, situation: Situation) -> bool:
        """True when every condition in the row holds for the situation."""
        return all(_holds(key, value, situation) for key, value in self.when)

    def describe_when(self) -> str:
        """The row's conditions as short text, for explanations."""
        if not self.when:
            return "everyone"
        return ", ".join(f"{key}={_show(value)}" for key, value in self.when)


@dataclass(frozen=True)
class TierText:
    label: str
    strengths: str
    weaknesses: str


@dataclass(frozen=True)
class RulesTable:
    """A validated rules table."""

    rules: tuple[Rule, ...]
    urgency: dict[str, str] = field(hash=False)
    tiers: dict[str, TierText] = field(hash=False)
    source: str = ""


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "/".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "unknown" if value is None else str(value)


def _holds(key: str, value: Any, s: Situation) -> bool:
    if key in BOOL_KEYS:
        return getattr(s, key) is value
    if key == "has_budget":
        return s.has_budget is value
    if key in ("role", "network", "sds_step"):
        return getattr(s, key) in value
    if key == "need_any":
        return any(need in value for need in s.need_areas)
    if key == "need_count_at_least":
        return s.need_count >= value
    if key == "need_count_at_most":
        return s.need_count <= value
    raise RulesError(f"unknown condition {key!r}")  # unreachable after validation


def _as_list(where: str, key: str, raw: Any, allowed: tuple[Any, ...]) -> tuple[Any, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise RulesError(f"{where}: '{key}' needs at least one value")
    for item in items:
        if isinstance(item, bool) or item not in allowed:
            shown = ", ".join(str(a) for a in allowed)
            raise RulesError(f"{where}: '{key}' value {item!r} is not one of: {shown}")
    return tuple(items)


def _parse_when(where: str, raw: Any) -> tuple[tuple[str, Any], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: 'when' must be a set of conditions")
    out: list[tuple[str, Any]] = []
    for key, value in raw.items():
        if key not in WHEN_KEYS:
            raise RulesError(
                f"{where}: unknown condition {key!r} (use one of {', '.join(WHEN_KEYS)})")
        if key in BOOL_KEYS:
            if not isinstance(value, bool):
                raise RulesError(f"{where}: '{key}' must be yes or no")
        elif key == "has_budget":
            if value is not None and not isinstance(value, bool):
                raise RulesError(f"{where}: 'has_budget' must be yes, no or unknown (null)")
        elif key == "role":
            value = _as_list(where, key, value, ROLES)
        elif key == "network":
            value = _as_list(where, key, value, NETWORKS)
        elif key == "sds_step":
            value = _as_list(where, key, value, SDS_STEPS)
        elif key == "need_any":
            value = _as_list(where, key, value, NEED_AREAS)
        else:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 14:
                raise RulesError(f"{where}: '{key}' must be a whole number from 0 to 14")
        out.append((key, value))
    return tuple(out)


def _text(where: str, raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{where}: '{key}' is missing or empty")
    return " ".join(value.split())


def _parse_rule(index: int, raw: Any, urgency: dict[str, str], seen: set[str]) -> Rule:
    where = f"rules row {index + 1}"
    if not isinstance(raw, dict):
        raise RulesError(
            f"{where}: must be a set of fields (id, when, tier, rank, urgency, reason)")
    rule_id = _text(where, raw, "id")
    where = f"rules row {index + 1} ({rule_id})"
    unknown = set(raw) - {"id", "when", "tier", "rank", "urgency", "reason", "reason_staff",
                          "note"}
    if unknown:
        raise RulesError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    if rule_id in seen:
        raise RulesError(f"{where}: the id {rule_id!r} is used twice")
    seen.add(rule_id)
    tier = raw.get("tier")
    if tier not in TIERS:
        raise RulesError(f"{where}: tier {tier!r} is not one of {', '.join(TIERS)}")
    rank = raw.get("rank")
    if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank <= 999:
        raise RulesError(f"{where}: rank must be a whole number from 0 to 999")
    urg = raw.get("urgency")
    if urg not in urgency:
        raise RulesError(f"{where}: urgency {urg!r} is not one of {', '.join(urgency)}")
    staff = _text(where, raw, "reason_staff") if raw.get("reason_staff") is not None else ""
    return Rule(rule_id, _parse_when(where, raw.get("when")), tier, rank, urg,
                _text(where, raw, "reason"), index, staff)


def _check_principles(rules: tuple[Rule, ...]) -> None:
    safe = [r for r in rules if r.when == (("at_risk", True),)]
    if not safe:
        raise RulesError(
            "the table needs a safeguarding row: when {at_risk: true}, tier professional")
    first = safe[0]
    where = f"rules row {first.position + 1} ({first.id})"
    if first.tier != "professional" or first.urgency != "now":
        raise RulesError(f"{where}: the safeguarding row must offer tier professional, urgency now")
    others = [r for r in rules if r is not first]
    if any(r.rank <= first.rank for r in others):
        raise RulesError(
            f"{where}: the safeguarding row must have a smaller rank than every other row")
    everyone = [r for r in rules if not r.when and r.tier != "professional"]
    if not everyone:
        raise RulesError("the table needs a row for everyone (no 'when') that offers a tier below "
                         "professional")
    floor = min(r.rank for r in everyone)
    for rule in rules:
        if rule.tier == "professional" and rule.rank < floor:
            gated = any(key in PROFESSIONAL_FIRST_GATES and value not in (False, 0)
                        for key, value in rule.when)
            if not gated:
                raise RulesError(
                    f"rules row {rule.position + 1} ({rule.id}): professional help can only come "
                    "first for risk, being cut off, very complex needs or when asked")


def parse_rules(data: Any, source: str = "") -> RulesTable:
    """Builds a RulesTable from parsed YAML, refusing anything broken."""
    if not isinstance(data, dict):
        raise RulesError("the rules file must be a YAML mapping with urgency, tiers and rules")
    raw_urgency = data.get("urgency")
    if not isinstance(raw_urgency, dict) or not raw_urgency:
        raise RulesError("'urgency' is missing: list each urgency id with its words")
    urgency = {str(k): _text(f"urgency {k}", raw_urgency, k) for k in raw_urgency}
    raw_tiers = data.get("tiers")
    if not isinstance(raw_tiers, dict):
        raise RulesError("'tiers' is missing: give strengths and weaknesses for each tier")
    tiers: dict[str, TierText] = {}
    for tier in TIERS:
        entry = raw_tiers.get(tier)
        if not isinstance(entry, dict):
            raise RulesError(f"tiers: {tier!r} is missing")
        tiers[tier] = TierText(label("tiers", tier),
                               *(_text(f"tiers {tier}", entry, k) for k in TIER_TEXT_KEYS))
    extra = set(raw_tiers) - set(TIERS)
    if extra:
        raise RulesError(f"tiers: unknown tier(s) {', '.join(sorted(map(str, extra)))}")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RulesError("'rules' is missing or empty")
    seen: set[str] = set()
    rules = tuple(_parse_rule(i, row, urgency, seen) for i, row in enumerate(raw_rules))
    _check_principles(rules)
    return RulesTable(rules=rules, urgency=urgency, tiers=tiers, source=source)


def load_rules(path: str | Path | None = None) -> RulesTable:
    """Loads and validates a rules table: path, else WAYFINDER_RULES_FILE, else the shipped one."""
    chosen = Path(path or settings.text("WAYFINDER_RULES_FILE") or DEFAULT_RULES_PATH)
    try:
        if chosen.stat().st_size > MAX_FILE_BYTES:
            raise RulesError(f"{chosen.name}: the rules file is too big")
        text = chosen.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except RulesError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        problem = exc.__class__.__name__
        raise RulesError(f"{chosen.name}: cannot read the rules file ({problem})") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"{chosen.name}: not valid YAML ({exc.__class__.__name__})") from exc
    return parse_rules(data, source=str(chosen))
