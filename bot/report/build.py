"""Builds the commissioners' report (numbers and words, not yet HTML or CSV)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import Engine

from bot import vocab
from bot.needs_log.validate import OUTCOMES
from bot.report.queries import Period, ReportQueries

TEMPLATES = Path(__file__).resolve().parent / "templates"
REPORT_WORK_MEM = "64MB"  # PostgreSQL memory per sort/hash for the report's own transaction


@cache
def load_yaml(name: str) -> dict[str, Any]:
    return yaml.safe_load((TEMPLATES / name).read_text(encoding="utf-8"))


@dataclass
class ReportTable:
    """One table of the report: CSV column names, display header and rows of raw values."""

    key: str
    title: str
    intro: str
    columns: list[str]
    header: list[str]
    rows: list[tuple]
    chart: str = "bar"  # bar | columns | none
    chart_label: int = 1  # which column labels a bar
    chart_value: int = -1  # which column is drawn


@dataclass
class Report:
    council: str
    period: Period
    generated_at: datetime
    tables: list[ReportTable] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def table(self, key: str) -> ReportTable:
        return next(t for t in self.tables if t.key == key)


def _label(kind: str, key: object) -> str:
    if key is None:
        return str(load_yaml("wording.yml")["not_recorded"].get(kind, "Not recorded"))
    if kind in vocab.SECTIONS:
        return vocab.label(kind, key, "commissioners")
    return str(key).replace("_", " ")


def _fixed(kind: str, order: tuple, counts: list[tuple], extra_none: bool = True) -> list[tuple]:
    """Rows for every known id (zeros included) in vocabulary order, then 'not recorded'."""
    found = {(None if k is None else str(k)): int(n) for k, n in counts}
    keys: list[str | None] = [str(k) for k in order] + ([None] if extra_none else [])
    rows = [(k or "", _label(kind, k), found.get(k, 0)) for k in keys]
    return [r for r in rows if r[0] or r[2]]  # 'not recorded' only if there are any


def _risk_kind_rows(counts: list[tuple]) -> list[tuple]:
    """Every risk kind (zeros included), most people first, then in order of urgency; a kind the
    vocabulary no longer lists is kept, under its id."""
    found = {str(k): int(n) for k, n in counts}
    urgency = {kind: i for i, kind in enumerate(vocab.RISK_KINDS)}
    order = sorted(set(vocab.RISK_KINDS) | set(found),
                   key=lambda k: (-found.get(k, 0), urgency.get(k, len(urgency)), k))
    return _fixed("risk_kinds", tuple(order), list(found.items()), extra_none=False)


def _section(key: str, columns: list[str], rows: list[tuple], **chart: Any) -> ReportTable:
    words = load_yaml("wording.yml")["sections"][key]
    if len(words["header"]) != len(columns):
        raise ValueError(f"wording.yml: sections.{key}.header needs {len(columns)} headings")
    return ReportTable(key, words["title"], words["intro"].strip(), columns, list(words["header"]),
                       rows, **chart)


def _estimate(people: int) -> tuple[list[tuple], list[str]]:
    cost = load_yaml("costing.yml")
    words = load_yaml("wording.yml")["estimate"]
    team = cost["team"]
    hours_pp = team["hours_per_year"] / team["people_served_per_year"]
    gbp_pp = team["cost_per_year_gbp"] / team["people_served_per_year"]
    low_percent = sum(cost["time_split_percent"][a] for a in cost["low_estimate_activities"])
    low_hours_pp, low_gbp_pp = hours_pp * low_percent / 100, gbp_pp * low_percent / 100
    facts = {"care_managers": team["care_managers"], "cost": team["cost_per_year_gbp"],
             "served": team["people_served_per_year"], "hours": team["hours_per_year"],
             "hours_per_person": hours_pp, "gbp_per_person": gbp_pp, "low_percent": low_percent,
             "low_hours_per_person": low_hours_pp, "low_gbp_per_person": low_gbp_pp}
    assumptions = [line.format(**facts) for line in words["assumptions"]]
    rows: list[tuple] = [("people", words["people"], people)]
    figures = (("low_hours", people * low_hours_pp), ("low_gbp", people * low_gbp_pp),
               ("high_hours", people * hours_pp), ("high_gbp", people * gbp_pp))
    for key, value in figures:  # whole hours and pounds; hidden when fewer than five people
        shown = round(value) if people == 0 or people >= 5 else words["too_few"]
        rows.append((key, words[key], shown))
    return rows, assumptions


def build_report(engine: Engine, start: date, end: date, council: str = "") -> Report:
    """Runs every aggregate for the period and returns the report's tables."""
    period = Period(start, end)
    cost = load_yaml("costing.yml")
    wording = load_yaml("wording.yml")
    report = Report(council, period, datetime.now(timezone.utc).replace(microsecond=0))
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection = connection.execution_options(sqlite_begin="DEFERRED")
        elif connection.dialect.name == "postgresql":  # room to aggregate in memory, read-only
            connection.exec_driver_sql(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
            connection.exec_driver_sql("SET LOCAL jit = off")  # compiling costs more than it saves
            # One process per query: measured faster here than parallel partial aggregation
            # (and kinder to a database server other work shares).
            connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        q = ReportQueries(connection, period, tuple(cost["counted_tiers"]),
                          tuple(cost["excluded_tiers"]), tuple(cost["excluded_outcomes"]))
        summary = [(k, wording["summary_labels"][k], n) for k, n in q.summary()]
        report.tables.append(_section("summary", ["measure", "label", "people"], summary))
        needs = {k: n for k, n in q.need_areas()}
        order = sorted(vocab.NEED_AREAS, key=lambda a: (-needs.get(a, 0), a))
        report.tables.append(_section("need_areas", ["need_area", "label", "people"],
                                      _fixed("need_areas", tuple(order), list(needs.items()),
                                             extra_none=False)))
        report.tables.append(_section("tiers", ["tier", "label", "people"],
                                      _fixed("tiers", vocab.TIERS, q.tiers(), extra_none=False)))
        unmet = [(a, _label("need_areas", a), tier, district, x, y, n)
                 for a, tier, district, x, y, n in q.unmet_needs()]
        report.tables.append(_section("unmet_needs", ["need_area", "label", "tier",
                                                      "postcode_district", "no_service",
                                                      "none_fit", "people"], unmet))
        report.tables.append(_section("steps", ["furthest_step", "label", "people"],
                                      _fixed("steps", vocab.SDS_STEPS, q.steps())))
        report.tables.append(_section("channels", ["channel", "label", "people"],
                                      _fixed("channels", vocab.CHANNELS, q.channels())))
        report.tables.append(_section("roles", ["role", "label", "people"],
                                      _fixed("roles", vocab.ROLES, q.roles())))
        report.tables.append(_section("outcomes", ["outcome", "label", "people"],
                                      _fixed("outcomes", OUTCOMES, q.outcomes(), False)))
        report.tables.append(_section("safeguarding_kinds", ["risk_kind", "label", "people"],
                                      _risk_kind_rows(q.safeguarding_kinds())))
        districts = sorted(((d or "", _label("districts", d), n) for d, n in q.districts()),
                           key=lambda r: (r[0] == "", r[0]))
        report.tables.append(_section("districts", ["postcode_district", "label", "people"],
                                      districts))
        report.tables.append(_section("services", ["service_id", "people"], q.services(),
                                      chart_label=0))
        report.tables.append(_section("weekly", ["week_starting", "new_contacts", "needs_named",
                                                 "unmet_needs", "handed_to_staff"], q.weekly(),
                                      chart="columns"))
        released = q.released()
    rows, report.assumptions = _estimate(released)
    report.tables.append(_section("care_management_time", ["measure", "label", "value"], rows,
                                  chart="none"))
    return report
