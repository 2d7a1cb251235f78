"""The commissioners' report: what people needed and what was missing, with no one identifiable."""

from bot.report.build import Report, ReportTable, build_report
from bot.report.queries import Period
from bot.report.render import render_html, suppress, write_csv, write_report

__all__ = ["Period", "Report", "ReportTable", "build_report", "render_html", "suppress",
           "write_csv", "write_report"]
