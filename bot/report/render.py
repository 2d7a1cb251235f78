"""Writes the report as HTML (inline SVG charts) and CSV, with small counts shown as '<5'."""

from __future__ import annotations

import csv
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bot.report.build import TEMPLATES, Report, ReportTable, load_yaml
from bot.report.charts import bar_chart, column_chart

SMALLEST_SHOWN = 5


def suppress(value: object) -> object:
    """Counts from 1 to 4 become '<5'; everything else is unchanged."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALLEST_SHOWN:
        return load_yaml("wording.yml")["suppressed"]
    return value


def shown_rows(table: ReportTable) -> list[tuple]:
    return [tuple(suppress(cell) for cell in row) for row in table.rows]


def write_csv(report: Report, out: Path) -> list[Path]:
    """One CSV per table, named after the table (e.g. need_areas.csv)."""
    written = []
    for table in report.tables:
        path = out / f"{table.key}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(table.columns)
            writer.writerows(shown_rows(table))
        written.append(path)
    return written


def _chart(table: ReportTable, rows: list[tuple], suppressed: str) -> Markup:
    if table.chart == "none" or not rows:
        return Markup("")
    if table.chart == "columns":
        wording = load_yaml("wording.yml")["sections"][table.key]
        names = wording["series"]
        series = [(names[0], [r[1] for r in rows]), (names[1], [r[3] for r in rows])]
        return Markup(column_chart(table.title, [r[0] for r in rows], series, suppressed))
    pairs = [(r[table.chart_label], r[table.chart_value]) for r in rows]
    return Markup(bar_chart(table.title, pairs, suppressed))


def render_html(report: Report) -> str:
    wording = load_yaml("wording.yml")
    suppressed = wording["suppressed"]
    environment = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                              autoescape=select_autoescape(["html", "j2"]))
    sections = []
    for table in report.tables:
        rows = shown_rows(table)
        # Tables with a plain-English label column show the label instead of the id.
        visible = list(range(1 if "label" in table.columns else 0, len(table.columns)))
        sections.append({"key": table.key, "title": table.title, "intro": table.intro,
                         "header": [table.header[i] for i in visible],
                         "rows": [[r[i] for i in visible] for r in rows],
                         "chart": _chart(table, rows, suppressed)})
    return environment.get_template("report.html.j2").render(
        w=wording, report=report, sections=sections,
        subtitle=wording["subtitle"].format(council=report.council,
                                            start=report.period.start.strftime("%-d %B %Y"),
                                            end=report.period.end.strftime("%-d %B %Y")),
        generated=wording["generated"].format(when=report.generated_at.strftime("%-d %B %Y %H:%M")
                                              + " UTC"))


def write_report(report: Report, out: Path, formats: str = "both") -> list[Path]:
    """Writes report.html and/or the CSVs into out; returns the files written."""
    if formats not in ("html", "csv", "both"):
        raise ValueError("format must be html, csv or both")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if formats in ("html", "both"):
        path = out / "report.html"
        path.write_text(render_html(report), encoding="utf-8")
        written.append(path)
    if formats in ("csv", "both"):
        written += write_csv(report, out)
    return written
