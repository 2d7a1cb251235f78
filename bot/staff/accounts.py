"""Staff accounts and server-side sessions (blocking: call from a thread in async code).

The browser holds only a random session id; the database holds its SHA-256, the account name,
the CSRF token and the current call's conversation id. "Staff" is decided here, from the session,
never from anything a browser or a chat payload says.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from bot.needs_log import make_engine
from bot.needs_log.db import default_database_url
from bot.needs_log.migrate import upgrade_engine
from bot.needs_log.schema import staff_account, staff_session
from bot.staff import passwords
from bot.staff.settings import StaffSettings
from bot.staff.settings import load as load_settings

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
CALL_PREFIX = "staff-"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Session:
    account: str
    csrf_token: str
    call_id: str | None

    @property
    def call_key(self) -> str:
        """Names the call in the browser (the console's form drafts): a hash of the call id, not
        the conversation id itself, which would let anyone who saw it post into the call."""
        return hashlib.sha256(self.call_id.encode("utf-8")).hexdigest()[:24] if self.call_id else ""


class SignInRefused(Exception):
    """Wrong name or password, or the account is locked (the message never says which)."""


def _now() -> datetime:
    return datetime.utcnow().replace(microsecond=0)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: object) -> str:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValueError("a staff name is 2-64 lower-case letters, digits, dots, dashes or _")
    return name


def new_call_id() -> str:
    """A fresh, unguessable conversation id for one call."""
    return CALL_PREFIX + secrets.token_hex(16)


class StaffAccounts:
    """Accounts, sign-in with lockout, sessions with idle and absolute timeouts."""

    def __init__(self, url: str | None = None, settings: StaffSettings | None = None) -> None:
        self.engine: Engine = make_engine(url or default_database_url())
        upgrade_engine(self.engine)
        self.settings = settings or load_settings()

    def dispose(self) -> None:
        self.engine.dispose()

    # -- accounts -----------------------------------------------------------------------------
    def add(self, name: str, password: str) -> None:
        """Creates the account, or sets a new password (and unlocks) if it exists."""
        name = check_name(name)
        hashed = passwords.hash_password(password)
        with self.engine.begin() as db:
            exists = db.execute(select(staff_account.c.name).where(
                staff_account.c.name == name)).first()
            if exists:
                db.execute(update(staff_account).where(staff_account.c.name == name).values(
                    password_hash=hashed, failed_count=0, locked_until=None))
                db.execute(delete(staff_session).where(staff_session.c.account_name == name))
            else:
                db.execute(staff_account.insert().values(
                    name=name, password_hash=hashed, failed_count=0, locked_until=None,
                    created_at=_now()))

    def sign_in(self, name: object, password: object, now: datetime | None = None) -> str:
        """Returns a new session id (for the cookie), or raises SignInRefused."""
        now = now or _now()
        try:
            name = check_name(name)
        except ValueError:
            passwords.verify_password(password, passwords.DUMMY_HASH)
            raise SignInRefused() from None
        token = None
        with self.engine.begin() as db:  # failure counts must be committed, so raise after it
            row = db.execute(select(staff_account).where(staff_account.c.name == name)).first()
            if row is None:
                passwords.verify_password(password, passwords.DUMMY_HASH)
            elif row.locked_until is not None and row.locked_until > now:
                log.warning("staff sign-in refused: account locked")
            elif not passwords.verify_password(password, row.password_hash):
                failures, locked = row.failed_count + 1, None
                if failures >= self.settings.max_failures:
                    failures = 0
                    locked = now + timedelta(minutes=self.settings.lockout_minutes)
                    log.warning("staff account locked after repeated wrong passwords")
                db.execute(update(staff_account).where(staff_account.c.name == name).values(
                    failed_count=failures, locked_until=locked))
            else:
                db.execute(update(staff_account).where(staff_account.c.name == name).values(
                    failed_count=0, locked_until=None))
                token = secrets.token_urlsafe(32)
                db.execute(staff_session.insert().values(
                    id_hash=_digest(token), account_name=name,
                    csrf_token=secrets.token_urlsafe(32), call_id=None, created_at=now,
                    last_seen=now))
        if token is None:
            raise SignInRefused()
        return token

    # -- sessions -----------------------------------------------------------------------------
    def session(self, token: object, now: datetime | None = None) -> Session | None:
        """The live session for this cookie value (refreshing its idle timer), else None."""
        if not isinstance(token, str) or not (20 <= len(token) <= 100):
            return None
        now = now or _now()
        key = _digest(token)
        with self.engine.begin() as db:
            row = db.execute(select(staff_session).where(staff_session.c.id_hash == key)).first()
            if row is None:
                return None
            idle = now - row.last_seen > timedelta(minutes=self.settings.idle_minutes)
            old = now - row.created_at > timedelta(hours=self.settings.max_hours)
            if idle or old:
                db.execute(delete(staff_session).where(staff_session.c.id_hash == key))
                return None
            db.execute(update(staff_session).where(staff_session.c.id_hash == key).values(
                last_seen=now))
        return Session(row.account_name, row.csrf_token, row.call_id)

    def start_call(self, token: str) -> str:
        """Gives the session a fresh conversation id (New caller) and returns it."""
        call_id = new_call_id()
        with self.engine.begin() as db:
            db.execute(update(staff_session).where(
                staff_session.c.id_hash == _digest(token)).values(call_id=call_id))
        return call_id

    def sign_out(self, token: str) -> None:
        with self.engine.begin() as db:
            db.execute(delete(staff_session).where(staff_session.c.id_hash == _digest(token)))


def csrf_ok(session: Session, sent: object) -> bool:
    return isinstance(sent, str) and bool(sent) and hmac.compare_digest(
        sent.encode("utf-8"), session.csrf_token.encode("utf-8"))
