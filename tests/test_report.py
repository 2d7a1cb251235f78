"""The commissioners' report on seeded data: numbers in the CSVs, '<5' in the HTML, on both DBs."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot import privacy, vocab
from bot.__main__ import main
from bot.needs_log import NeedsLog, facts
from bot.report import build_report, render_html, suppress, write_report
from tests.db_fixtures import *  # noqa: F403

MONDAY = datetime(2024, 3, 4, 10, 0)
START, END = date(2024, 3, 4), date(2024, 3, 17)


def seed(log: NeedsLog) -> None:
    """Twelve people in two weeks, and one just after the period (p99)."""
    for i in range(12):
        who = f"p{i}"
        at = MONDAY + timedelta(days=0 if i < 6 else 7, hours=i)
        role = "self" if i < 6 else "carer" if i < 10 else "staff"
        log.record_contact(who, "web" if i < 8 else "sms", role, "NM1 1AA" if i < 9 else None,
                           at=at)
        log.record_needs(who, ["nutrition"] + (["dressing"] if i < 7 else [])
                         + (["carer_support"] if i < 3 else []), at=at)
        log.record_step(who, 1 if i < 6 else 2, at=at)
        tiers = ["information"] if i < 7 else ["community"] if i < 10 else ["professional"]
        tiers += ["peer"] if i == 0 else []
        log.record_recommendation(who, tiers, ["svc-1"] if i < 7 else [], f"m{i}", at=at)
        if i < 6:
            log.record_unmet_need(who, "dressing", None, "no_service", f"u{i}", at=at)
        if i == 6:
            log.record_unmet_need(who, "dressing", "peer", "none_fit", "u6", at=at)
        if i == 0:
            log.record_unmet_need(who, "carer_support", None, "no_service", "u0b", at=at)
        log.record_outcome(who, "recommendation_given" if i < 10 else "handed_to_staff", at=at)
        if i == 9:
            log.record_safeguarding(who, ["financial_abuse"], "s9", at=at)
    late = datetime(2024, 3, 18, 0, 0)  # the Monday after the period: never counted
    log.record_contact("p99", "web", "self", at=late)
    log.record_needs("p99", ["nutrition", "safety"], at=late)
    log.record_recommendation("p99", ["information"], ["svc-9"], "m99", at=late)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def by(rows: list[dict[str, str]], key: str, value: str = "people") -> dict[str, str]:
    return {r[key]: r[value] for r in rows}


@pytest.fixture
def written(log: NeedsLog, tmp_path: Path) -> Path:
    seed(log)
    report = build_report(log.engine, START, END, council="Northmoor Borough Council")
    write_report(report, tmp_path, "both")
    return tmp_path


def test_csv_numbers(written):
    summary = by(read_csv(written / "summary.csv"), "measure")
    assert summary == {"contacts": "12", "stated_needs": "12", "recommended": "12",
                       "signposted": "7", "unmet": "7", "handed_to_staff": "<5",
                       "abandoned": "0", "safeguarding": "<5"}
    needs = by(read_csv(written / "need_areas.csv"), "need_area")
    assert needs["nutrition"] == "12" and needs["dressing"] == "7"
    assert needs["carer_support"] == "<5" and needs["safety"] == "0"  # p99 is after the period
    assert list(needs)[:2] == ["nutrition", "dressing"]  # most needed first
    assert by(read_csv(written / "tiers.csv"), "tier") == {
        "information": "7", "peer": "<5", "community": "<5", "provider": "0",
        "professional": "<5"}
    unmet = read_csv(written / "unmet_needs.csv")
    # broken down by need, tier and district (issue 11): six with no service at any tier in
    # NM1, one who said none of the peer suggestions fitted, one carer with no service
    assert unmet[0] == {"need_area": "dressing", "label": "Getting dressed", "tier": "",
                        "postcode_district": "NM1", "no_service": "6", "none_fit": "0",
                        "people": "6"}
    rest = {(r["need_area"], r["tier"]): r for r in unmet[1:]}
    assert rest[("dressing", "peer")]["none_fit"] == "<5"
    assert rest[("carer_support", "")]["people"] == "<5"
    assert by(read_csv(written / "steps.csv"), "furthest_step") == {
        "1": "6", "2": "6", "3": "0", "4": "0", "5": "0", "6": "0", "7": "0"}
    assert by(read_csv(written / "channels.csv"), "channel") == {
        "web": "8", "sms": "<5", "staff": "0", "rest": "0", "test": "0"}
    assert by(read_csv(written / "roles.csv"), "role") == {"self": "6", "carer": "<5",
                                                           "staff": "<5"}
    assert by(read_csv(written / "districts.csv"), "postcode_district") == {"NM1": "9",
                                                                            "": "<5"}
    assert by(read_csv(written / "outcomes.csv"), "outcome") == {
        "recommendation_given": "10", "handed_to_staff": "<5", "abandoned": "0",
        "safeguarding": "<5",  # then the staff console's outcomes (none in this data)
        "signposted": "0", "needs_assessment": "0", "carers_assessment": "0",
        "safeguarding_referral": "0", "unmet_need": "0"}
    kinds = by(read_csv(written / "safeguarding_kinds.csv"), "risk_kind")
    assert list(kinds)[0] == "financial_abuse" and kinds["financial_abuse"] == "<5"
    assert set(kinds.values()) == {"<5", "0"} and len(kinds) == len(vocab.RISK_KINDS)
    assert by(read_csv(written / "services.csv"), "service_id") == {"svc-1": "7"}
    assert read_csv(written / "weekly.csv") == [  # needs: 6+6+3, then 6+1; unmet 6+1, then 1
        {"week_starting": "2024-03-04", "new_contacts": "6", "needs_named": "15",
         "unmet_needs": "7", "handed_to_staff": "0"},
        {"week_starting": "2024-03-11", "new_contacts": "6", "needs_named": "7",
         "unmet_needs": "<5", "handed_to_staff": "<5"}]


def test_care_management_time_estimate(written):
    # Tiers 1-3 only, no professional, no handover, no safeguarding: p0-p8 = 9 people.
    rows = by(read_csv(written / "care_management_time.csv"), "measure", "value")
    hours, pounds, front_door = 19360 / 500, 385000 / 500, (0.9 + 7.3) / 100
    assert rows == {"people": "9", "low_hours": str(round(9 * hours * front_door)),
                    "low_gbp": str(round(9 * pounds * front_door)),
                    "high_hours": str(round(9 * hours)), "high_gbp": str(round(9 * pounds))}
    assert rows["high_gbp"] == "6930" and rows["high_hours"] == "348"
    html = (written / "report.html").read_text(encoding="utf-8")
    assert "£770" in html and "38.7 hours" in html and "8.2%" in html


def test_html_suppresses_small_counts_and_needs_nothing_external(written):
    html = (written / "report.html").read_text(encoding="utf-8")
    channels = html[html.index('id="channels"'):html.index('id="roles"')]
    assert "<td>Text message</td><td class=\"n\">&lt;5</td>" in channels
    assert "<td>Web chat</td><td class=\"n\">8</td>" in channels
    assert re.search(r">\s*4\s*<", channels) is None  # the real count (4) is never shown
    assert "<svg" in channels and ">&lt;5</text>" in channels
    for section in ("need_areas", "tiers", "unmet_needs", "steps", "channels", "roles",
                    "safeguarding_kinds", "weekly", "care_management_time"):
        assert f'id="{section}"' in html
    assert html.count("<svg") >= 9
    assert "<script" not in html and "src=" not in html and "http" not in html.split("<main>")[1]
    assert "Getting dressed" in html and "4 March 2024 to 17 March 2024" in html
    assert "p0" not in re.sub(r"<[^>]+>", "", html).split()  # no sender ids


def test_too_few_people_hides_the_estimate(log, tmp_path):
    for i in range(3):
        log.record_recommendation(f"x{i}", ["information"], [], "m", at=MONDAY)
    report = build_report(log.engine, START, END)
    rows = {r[0]: r[2] for r in report.table("care_management_time").rows}
    assert rows["people"] == 3 and rows["high_hours"] == "Not shown: fewer than five people."
    assert "&lt;5" in render_html(report)


def test_an_empty_period_gives_zeros_not_errors(log, tmp_path):
    report = build_report(log.engine, date(2030, 1, 1), date(2030, 1, 31))
    write_report(report, tmp_path, "both")
    assert by(read_csv(tmp_path / "summary.csv"), "measure")["contacts"] == "0"
    assert read_csv(tmp_path / "weekly.csv") == []
    assert "<svg" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_cli_writes_html_and_csv(log, db_url, tmp_path, capsys):
    seed(log)
    out = tmp_path / "out"
    assert main(["--database-url", db_url, "report", "--from", "2024-03-04", "--to",
                 "2024-03-10", "--format", "csv", "--out", str(out)]) == 0
    assert not (out / "report.html").exists()
    assert by(read_csv(out / "summary.csv"), "measure")["contacts"] == "6"
    assert main(["--database-url", db_url, "report", "--from", "2024-03-04", "--to",
                 "2024-03-10", "--format", "html", "--out", str(out)]) == 0
    assert (out / "report.html").exists()
    assert main(["--database-url", db_url, "report", "--from", "2024-03-10", "--to",
                 "2024-03-04", "--out", str(out)]) == 2
    with pytest.raises(SystemExit):
        main(["--database-url", db_url, "report", "--from", "4/3/2024"])
    with pytest.raises(SystemExit):
        main(["--database-url", db_url, "report", "--format", "pdf"])


@pytest.mark.parametrize(("value", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (1234, 1234),
                                              ("NM1", "NM1"), (True, True)])
def test_suppress(value, shown):
    assert suppress(value) == shown


def test_people_who_stopped_before_the_end_are_counted(log: NeedsLog) -> None:
    seed(log)
    for i in range(7):  # got in touch, said what they needed, never reached an answer
        log.record_contact(f"q{i}", "web", "self", None, at=MONDAY + timedelta(hours=i))
        log.record_needs(f"q{i}", ["nutrition"], at=MONDAY + timedelta(hours=i))
    log.record_outcome("q0", "abandoned", at=MONDAY)  # said stop: still counted once
    report = build_report(log.engine, START, END, council="Northmoor Borough Council")
    summary = {row[0]: row[2] for row in report.table("summary").rows}
    assert summary["abandoned"] == 7 and summary["contacts"] == 19


def test_safeguarding_concerns_by_kind_in_commissioners_words(log: NeedsLog, tmp_path: Path):
    """Facts as actions send them (the needs_record slot), applied as the consumer does."""
    sent = [(f"s{i}", ["domestic_abuse"], f"k{i}", MONDAY) for i in range(6)]
    sent += [("s0", ["financial_abuse"], "k0b", MONDAY),  # one person, two kinds: in both rows
             ("s1", ["domestic_abuse"], "k1b", MONDAY),  # the same kind again: counted once
             ("s6", ["not_a_kind"], "k6", MONDAY),  # unknown ids are stored as unspecified_risk
             ("s7", ["neglect"], "k7", datetime(2024, 3, 18))]  # after the period
    with log.uow() as uow:
        for sender, kinds, key, at in sent:
            who = privacy.pseudonym(sender)
            facts.apply_fact(uow.repo, who, facts.contact("web"), at)
            facts.apply_fact(uow.repo, who, facts.safeguarding(kinds, key), at)
        uow.commit()
    report = build_report(log.engine, START, END)
    rows = report.table("safeguarding_kinds").rows
    assert rows[:3] == [("domestic_abuse", "Domestic abuse", 6),
                        ("financial_abuse", "Financial abuse or scams", 1),
                        ("unspecified_risk", "Other risk of harm", 1)]
    assert {row[2] for row in rows[3:]} == {0} and ("neglect", "Neglect", 0) in rows
    assert {row[0]: row[2] for row in report.table("summary").rows}["safeguarding"] == 7
    write_report(report, tmp_path, "both")
    assert by(read_csv(tmp_path / "safeguarding_kinds.csv"), "risk_kind")["domestic_abuse"] == "6"
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="safeguarding_kinds"'):html.index('id="districts"')]
    assert "<h2>Safeguarding concerns by kind</h2>" in section
    assert '<td>Domestic abuse</td><td class="n">6</td>' in section
    assert '<td>Financial abuse or scams</td><td class="n">&lt;5</td>' in section
    assert '<td>Other risk of harm</td><td class="n">&lt;5</td>' in section
    assert "domestic_abuse" not in section and "Domestic abuse / coercive control" not in section
