"""The rules table is validated at load: a broken table is refused with a message naming the row."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from bot.routing import RulesError, Situation, load_rules, parse_rules, route
from bot.routing.rules import DEFAULT_RULES_PATH

GOOD = yaml.safe_load(DEFAULT_RULES_PATH.read_text("utf-8"))


def _row(data: dict, rule_id: str) -> dict:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def _broken(change) -> dict:  # noqa: ANN001 - a small local helper
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def test_the_shipped_table_loads() -> None:
    table = load_rules()
    assert table.rules[0].id == "safeguarding"
    assert set(table.urgency) == {"now", "today", "this_week", "when_ready"}


CASES = [
    ("tier typo", lambda d: _row(d, "peer_everyone").update(tier="peers"),
     r"rules row \d+ \(peer_everyone\): tier 'peers' is not one of"),
    ("unknown condition", lambda d: _row(d, "cut_off")["when"].update(lonely=True),
     r"\(cut_off\): unknown condition 'lonely'"),
    ("need typo", lambda d: _row(d, "community_everyday")["when"].update(need_any=["meals"]),
     r"\(community_everyday\): 'need_any' value 'meals'"),
    ("bool as text", lambda d: _row(d, "cut_off")["when"].update(isolated="yes"),
     r"\(cut_off\): 'isolated' must be yes or no"),
    ("bad urgency", lambda d: _row(d, "own_capacity").update(urgency="soon"),
     r"\(own_capacity\): urgency 'soon'"),
    ("empty reason", lambda d: _row(d, "own_capacity").update(reason="  "),
     r"\(own_capacity\): 'reason' is missing or empty"),
    ("rank not a number", lambda d: _row(d, "own_capacity").update(rank="first"),
     r"\(own_capacity\): rank must be a whole number"),
    ("duplicate id", lambda d: _row(d, "peer_everyone").update(id="own_capacity"),
     r"the id 'own_capacity' is used twice"),
    ("unknown field", lambda d: _row(d, "peer_everyone").update(colour="red"),
     r"\(peer_everyone\): unknown field\(s\) colour"),
    ("step out of range", lambda d: _row(d, "plan_agreed_advocacy")["when"].update(sds_step=[9]),
     r"\(plan_agreed_advocacy\): 'sds_step' value 9"),
    ("safeguarding row removed", lambda d: d["rules"].remove(_row(d, "safeguarding")),
     r"needs a safeguarding row"),
    ("safeguarding sent to peers", lambda d: _row(d, "safeguarding").update(tier="peer"),
     r"\(safeguarding\): the safeguarding row must offer tier professional, urgency now"),
    ("safeguarding made slow", lambda d: _row(d, "safeguarding").update(urgency="this_week"),
     r"\(safeguarding\): the safeguarding row must offer tier professional, urgency now"),
    ("safeguarding outranked", lambda d: _row(d, "cut_off").update(rank=0),
     r"\(safeguarding\): the safeguarding row must have a smaller rank"),
    ("nobody gets a lower tier", lambda d: d.update(
        rules=[r for r in d["rules"] if r.get("when") or r["tier"] == "professional"]),
     r"needs a row for everyone"),
    ("professional first for all", lambda d: d["rules"].append(
        {"id": "all_to_social_work", "tier": "professional", "rank": 3, "urgency": "today",
         "reason": "Talk to us."}),
     r"\(all_to_social_work\): professional help can only come first"),
    ("tier wording missing", lambda d: d["tiers"].pop("community"),
     r"tiers: 'community' is missing"),
    ("rules not a list", lambda d: d.update(rules={"a": 1}), r"'rules' is missing or empty"),
    ("row not a mapping", lambda d: d["rules"].append("peer please"), r"rules row \d+: must be"),
]


@pytest.mark.parametrize("name, change, message", CASES, ids=[c[0] for c in CASES])
def test_broken_tables_are_refused_with_a_clear_message(name, change, message) -> None:  # noqa: ANN001
    with pytest.raises(RulesError, match=message):
        parse_rules(_broken(change))


@pytest.mark.parametrize("content", [
    "", "just words", "- a\n- b", "rules: [", b"\xff\xfe\x00binary".decode("latin-1"),
])
def test_unreadable_files_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError):
        load_rules(path)


def test_missing_and_huge_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "nope.yml")
    huge = tmp_path / "huge.yml"
    huge.write_text("# " + "x" * 1_100_000, encoding="utf-8")
    with pytest.raises(RulesError, match="too big"):
        load_rules(huge)


def test_a_council_can_change_the_table_without_code(tmp_path: Path) -> None:
    data = copy.deepcopy(GOOD)
    _row(data, "peer_everyone")["rank"] = 10
    _row(data, "peer_everyone")["reason"] = "Northmoor peer groups meet every week."
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    advice = route(Situation(), load_rules(path))
    assert [a.tier for a in advice] == ["peer", "information"]
    assert advice[0].reason == "Northmoor peer groups meet every week."


def test_rules_file_can_be_chosen_by_environment(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    data = copy.deepcopy(GOOD)
    _row(data, "own_capacity")["reason"] = "Chosen by the council."
    path = tmp_path / "council_rules.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setenv("WAYFINDER_RULES_FILE", str(path))
    assert _row_reason(load_rules(), "own_capacity") == "Chosen by the council."
    monkeypatch.delenv("WAYFINDER_RULES_FILE")
    assert _row_reason(load_rules(), "own_capacity").startswith("You know your own life best.")


def _row_reason(table, rule_id: str) -> str:  # noqa: ANN001
    return next(r.reason for r in table.rules if r.id == rule_id)
