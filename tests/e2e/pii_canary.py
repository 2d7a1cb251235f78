"""The PII canary: identifiers a test person types, and a search for them everywhere after.

tests/e2e/test_pii_canary_e2e.py types them in journeys over REST, socket.io and SMS (stage 1);
tests/e2e/run.py calls check() after both stages have stopped, over every table of the e2e
database and every file the run left in results/ (server logs included) and data/local/.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sqlalchemy import MetaData, Table, create_engine, inspect, select

NAME = "Philippa Quennell"
PHONE = "07700 900461"
EMAIL = "pq.canary@example.org"
POSTCODE = "NM3 7QZ"
NHS_NUMBER = "943 476 5919"
BIRTH_DATE = "14/07/1948"
MESSAGES = [
    f"My name is {NAME} and I need help with cooking and washing",
    f"You can call me on {PHONE} or email {EMAIL}",
    f"I live at {POSTCODE}",
    f"My NHS number is {NHS_NUMBER} and I was born on {BIRTH_DATE}",
]


def _squash(value: str) -> str:
    return re.sub(r"[\s\-/.]", "", value).lower()


NEEDLES = {"name": "quennell", "phone": _squash(PHONE), "phone_intl": "447700900461",
           "email": EMAIL.lower(), "postcode": _squash(POSTCODE), "nhs": _squash(NHS_NUMBER),
           "birth_date": _squash(BIRTH_DATE)}


def found_in(text: str) -> list[str]:
    squashed = _squash(text)
    return [kind for kind, needle in NEEDLES.items() if needle in squashed]


def search_database(url: str) -> list[str]:
    engine = create_engine(url, future=True)
    hits = []
    try:
        with engine.connect() as connection:
            for name in inspect(connection).get_table_names():
                table = Table(name, MetaData(), autoload_with=connection)
                for row in connection.execute(select(table)):
                    kinds = found_in(" ".join(str(value) for value in row))
                    hits += [f"table {name}: {kind}" for kind in kinds]
    finally:
        engine.dispose()
    return sorted(set(hits))


def search_files(folders: list[Path]) -> list[str]:
    hits = []
    for folder in folders:
        for path in folder.rglob("*") if folder.is_dir() else []:
            if path.is_file() and path.stat().st_size < 50_000_000:
                text = path.read_bytes().decode("utf-8", errors="replace")
                hits += [f"file {path}: {kind}" for kind in found_in(text)]
    return sorted(set(hits))


def check(url: str, folders: list[Path]) -> list[str]:
    """Every place a canary was found (empty when none)."""
    return search_database(url) + search_files(folders)


if __name__ == "__main__":
    problems = check(sys.argv[1], [Path(p) for p in sys.argv[2:]])
    print("\n".join(problems) or "PII canary: nothing found")
    sys.exit(1 if problems else 0)
