"""python -m bot staff add NAME: creates a staff account (or resets its password)."""

from __future__ import annotations

import getpass
import sys

from bot.staff.accounts import StaffAccounts
from bot.staff.passwords import PasswordError


def read_password() -> str:
    """From the terminal (asked twice, not echoed), else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Same password again: "):
            raise PasswordError("the two passwords are not the same")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def add(name: str, url: str | None) -> int:
    try:
        password = read_password()
        accounts = StaffAccounts(url)
        try:
            accounts.add(name, password)
        finally:
            accounts.dispose()
    except ValueError as error:  # PasswordError is a ValueError; so is a bad name
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"staff account {name!r} is ready")
    return 0
