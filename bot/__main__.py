"""Wayfinder's command line: the commissioners' report and the privacy tasks.

  python -m bot report --from 2024-01-01 --to 2024-01-31 [--format html|csv|both] [--out DIR]
  python -m bot purge [--older-than-days N]     (default: WAYFINDER_RETENTION_DAYS or 365)
  python -m bot erase SENDER_ID [--yes]         (a web session id or a phone number)
  python -m bot db-upgrade
  python -m bot staff add NAME                  (password from standard input if not a terminal)
  python -m bot needs-consumer [--amqp-url URL] [--rebuild] [--once]
                                                (builds the needs log from Rasa's event stream)
All commands take --database-url (default: DATABASE_URL, else data/local/wayfinder.db).
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT_ROOT / "var" / "report"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _days(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("must be a whole number of days, at least 1")
    return int(text)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    root.add_argument("--database-url", default=None, help="default: DATABASE_URL or SQLite file")
    commands = root.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="write the commissioners' report")
    today = date.today()
    report.add_argument("--from", dest="start", type=_date, default=today - timedelta(days=30))
    report.add_argument("--to", dest="end", type=_date, default=today)
    report.add_argument("--format", choices=("html", "csv", "both"), default="both")
    report.add_argument("--out", type=Path, default=DEFAULT_OUT)
    purge = commands.add_parser("purge", help="delete data older than the retention period")
    purge.add_argument("--older-than-days", type=_days, default=None)
    erase = commands.add_parser("erase", help="delete everything about one person")
    erase.add_argument("sender_id", help="web session id, SMS sender id or phone number")
    erase.add_argument("--yes", action="store_true", help="do not ask to confirm")
    commands.add_parser("db-upgrade", help="create or update the database tables")
    staff = commands.add_parser("staff", help="staff console accounts")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    staff_add = staff_commands.add_parser("add", help="create an account or reset its password")
    staff_add.add_argument("name")
    consumer = commands.add_parser("needs-consumer", help="build the needs log from Rasa's events")
    consumer.add_argument("--amqp-url", default=None,
                          help="RabbitMQ (Rasa's Pika broker); default: WAYFINDER_AMQP_URL, else "
                               "Rasa's SQL broker at WAYFINDER_BROKER_URL")
    consumer.add_argument("--broker-url", default=None, help="Rasa's SQL event broker database")
    consumer.add_argument("--rebuild", action="store_true",
                          help="re-apply every conversation in the tracker store, then stop")
    consumer.add_argument("--once", action="store_true", help="stop when nothing is waiting")
    consumer.add_argument("--reconcile-seconds", type=float, default=30.0,
                          help="how often to re-read the tracker store for events the broker "
                               "missed (0: never)")
    return root


def _report(url: str, args: argparse.Namespace) -> int:
    from bot.council import load_council
    from bot.needs_log import make_engine
    from bot.needs_log.migrate import upgrade_engine
    from bot.report import build_report, write_report

    if args.end < args.start:
        print("The --to date is before the --from date.", file=sys.stderr)
        return 2
    engine = make_engine(url)
    try:
        upgrade_engine(engine)
        report = build_report(engine, args.start, args.end, council=load_council().name)
    finally:
        engine.dispose()
    for path in write_report(report, args.out, args.format):
        print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    from bot.needs_log import NeedsLog, default_database_url, upgrade

    url = args.database_url or default_database_url()
    if args.command == "db-upgrade":
        upgrade(url)
        print("database is up to date")
        return 0
    if args.command == "report":
        return _report(url, args)
    if args.command == "staff":
        from bot.staff.cli import add

        return add(args.name, url)
    if args.command == "needs-consumer":
        from bot import settings
        from bot.needs_log.consumer import main as consume

        amqp = args.amqp_url or settings.text("WAYFINDER_AMQP_URL") or None
        return consume(url, amqp, args.broker_url, args.rebuild, args.once,
                       reconcile_seconds=args.reconcile_seconds)
    log = NeedsLog(url)
    try:
        if args.command == "purge":
            counts = log.purge(args.older_than_days)
            print("deleted: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
            return 0
        if not args.yes:
            answer = input("Delete everything about this person? Type yes: ")
            if answer.strip().lower() != "yes":
                print("Nothing deleted.")
                return 1
        print(f"deleted {log.erase_sender(args.sender_id)} rows")
        return 0
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        log.dispose()


if __name__ == "__main__":
    sys.exit(main())
