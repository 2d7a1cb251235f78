"""Benchmark: the commissioners' report over 1,000,000 logged contacts in PostgreSQL.

Generates the data with generate_series in a throw-away schema, runs the report (target: under
30 seconds) and prints the times, then drops the schema. Not a test.

  .venv/bin/python bench/bench_report.py [--contacts 1000000] [--url postgresql://...] [--keep]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bot import vocab  # noqa: E402
from bot.needs_log import make_engine  # noqa: E402
from bot.needs_log.migrate import upgrade_engine  # noqa: E402
from bot.report import build_report, write_report  # noqa: E402

YEAR_START = "2024-01-01"


def _array(values: tuple) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


NEEDS, TIERS, ROLES = _array(vocab.NEED_AREAS), _array(vocab.TIERS), _array(vocab.ROLES)
# Each contact: g is its number; h a second pseudo-random number derived from it.
GENERATE = [
    ("wf_contact", f"""
     INSERT INTO wf_contact (id, channel, role, postcode_district, first_seen, last_seen,
                             furthest_step, staff_attention)
     SELECT md5(g::text), (ARRAY['web','sms','staff'])[1 + g % 3],
            CASE WHEN g % 10 = 0 THEN NULL ELSE ({ROLES})[1 + (g / 7) % 3] END,
            CASE WHEN g % 5 = 0 THEN NULL ELSE 'NM' || (1 + (g / 3) % 8) END,
            ts, ts + interval '12 minutes',
            CASE WHEN g % 6 = 0 THEN NULL ELSE 1 + (g / 11) % 7 END, g % 100 = 0
     FROM generate_series(1, :n) AS g,
          LATERAL (SELECT timestamp '{YEAR_START}' + (g % 365) * interval '1 day'
                          + (g % 600) * interval '1 minute' AS ts) t"""),
    ("wf_need", f"""
     INSERT INTO wf_need (contact_id, need_area, at)
     SELECT md5(g::text), ({NEEDS})[1 + ((g / 13) + k * 5) % 14],
            timestamp '{YEAR_START}' + (g % 365) * interval '1 day' + interval '2 minutes'
     FROM generate_series(1, :n) AS g, generate_series(0, 2) AS k WHERE k <= g % 3"""),
    ("wf_recommended_tier", f"""
     INSERT INTO wf_recommended_tier (contact_id, event_key, tier, at)
     SELECT md5(g::text), 'rec:m' || (g % 9), ({TIERS})[1 + ((g / 17) + k * 2) % 5],
            timestamp '{YEAR_START}' + (g % 365) * interval '1 day' + interval '5 minutes'
     FROM generate_series(1, :n) AS g, generate_series(0, 1) AS k
     WHERE g % 5 <> 0 AND k <= g % 2"""),
    ("wf_signposted_service", f"""
     INSERT INTO wf_signposted_service (contact_id, event_key, service_id, at)
     SELECT md5(g::text), 'rec:m' || (g % 9), 'svc-' || ((g / 19 + k * 37) % 250),
            timestamp '{YEAR_START}' + (g % 365) * interval '1 day' + interval '5 minutes'
     FROM generate_series(1, :n) AS g, generate_series(0, 2) AS k
     WHERE g % 5 <> 0 AND k <= g % 3"""),
    ("wf_unmet_need", f"""
     INSERT INTO wf_unmet_need (contact_id, event_key, need_area, tier, reason, at)
     SELECT md5(g::text), 'unmet:m' || (g % 9), ({NEEDS})[1 + (g / 13) % 14],
            CASE WHEN g % 2 = 0 THEN NULL ELSE ({TIERS})[1 + g % 4] END,
            CASE WHEN g % 3 = 0 THEN 'none_fit' ELSE 'no_service' END,
            timestamp '{YEAR_START}' + (g % 365) * interval '1 day' + interval '6 minutes'
     FROM generate_series(1, :n) AS g WHERE g % 5 = 1"""),
    ("wf_outcome", f"""
     INSERT INTO wf_outcome (contact_id, outcome, at)
     SELECT md5(g::text), (ARRAY['recommendation_given','recommendation_given','abandoned',
                                 'handed_to_staff','recommendation_given'])[1 + (g / 23) % 5],
            timestamp '{YEAR_START}' + (g % 365) * interval '1 day' + interval '9 minutes'
     FROM generate_series(1, :n) AS g"""),
    ("wf_safeguarding", f"""
     INSERT INTO wf_safeguarding (contact_id, event_key, kind, at)
     SELECT md5(g::text), 'safeguarding:m1', (ARRAY['neglect','financial_abuse',
            'domestic_abuse','self_harm'])[1 + g % 4],
            timestamp '{YEAR_START}' + (g % 365) * interval '1 day' + interval '3 minutes'
     FROM generate_series(1, :n) AS g WHERE g % 100 = 0"""),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--url", default=os.environ.get(
        "WAYFINDER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    parser.add_argument("--reuse", metavar="SCHEMA", help="report on a kept schema (no generating)")
    args = parser.parse_args()
    schema = args.reuse or f"wf_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(args.url)
    if not args.reuse:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    joiner = "&" if "?" in args.url else "?"
    engine = make_engine(f"{args.url}{joiner}options={quote(f'-csearch_path={schema}')}")
    try:
        if not args.reuse:
            upgrade_engine(engine)
            started = time.perf_counter()
            with engine.begin() as connection:
                # Bulk load: skip per-row foreign-key triggers (the ids are consistent by design).
                connection.execute(text("SET LOCAL session_replication_role = replica"))
                for _table, sql in GENERATE:
                    connection.execute(text(sql), {"n": args.contacts})
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
            print(f"generated in {time.perf_counter() - started:.1f} s")
        with engine.connect() as connection:
            rows = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                    for table, _ in GENERATE}
        print(", ".join(f"{k}={v:,}" for k, v in rows.items()))
        for attempt in (1, 2):
            started = time.perf_counter()
            report = build_report(engine, date(2024, 1, 1), date(2024, 12, 31), "Bench")
            queried = time.perf_counter() - started
            with tempfile.TemporaryDirectory() as out:
                write_report(report, Path(out), "both")
            total = time.perf_counter() - started
            contacts = report.table("summary").rows[0][2]
            print(f"report run {attempt}: queries {queried:.1f} s, with HTML+CSV {total:.1f} s "
                  f"({contacts:,} contacts in the period; target < 30 s)")
    finally:
        engine.dispose()
        if args.keep or args.reuse:
            print(f"kept schema {schema} (drop it with: DROP SCHEMA {schema} CASCADE)")
        else:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            print(f"dropped schema {schema}")
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
