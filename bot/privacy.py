"""Pseudonyms for anything that could identify a person (sender ids, phone numbers).

A pseudonym is a keyed HMAC-SHA256 of the value: the same person always gets the same id, but
the id cannot be turned back into the phone number without the secret. The secret comes from the
environment (WAYFINDER_SECRET); when that is unset, one is generated once and kept in
data/local/secret (mode 0600).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import threading
from pathlib import Path

from bot import settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_FILE = PROJECT_ROOT / "data" / "local" / "secret"
SECRET_ENV = "WAYFINDER_SECRET"
SECRET_FILE_ENV = "WAYFINDER_SECRET_FILE"  # lets tests and deployments move the generated file
PSEUDONYM_LENGTH = 32  # hex characters (128 bits): no collisions in practice, short in the db
MIN_SECRET_LENGTH = 16

log = logging.getLogger(__name__)
_lock = threading.Lock()
_file_secrets: dict[Path, bytes] = {}


def secret_file() -> Path:
    """Where the generated secret lives when WAYFINDER_SECRET is unset."""
    override = settings.text(SECRET_FILE_ENV)
    return Path(override) if override else DEFAULT_SECRET_FILE


def _read_or_create(path: Path) -> bytes:
    """Reads the secret file, creating it (0600, exclusive) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="ascii").strip()
        if len(value) < MIN_SECRET_LENGTH:
            raise RuntimeError(f"secret file {path} is empty or too short; delete it or set "
                               f"{SECRET_ENV}") from None
        return value.encode("ascii")
    value = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    log.warning("%s is not set: generated a secret in %s. Set %s in production and keep it safe; "
                "changing it changes every pseudonym.", SECRET_ENV, path, SECRET_ENV)
    return value.encode("ascii")


def secret_key() -> bytes:
    """The HMAC key: WAYFINDER_SECRET, else the generated file (read once per process)."""
    from_env = settings.raw(SECRET_ENV)
    if from_env.strip():
        return from_env.encode("utf-8")
    path = secret_file()
    with _lock:
        if path not in _file_secrets:
            _file_secrets[path] = _read_or_create(path)
        return _file_secrets[path]


def pseudonym(value: str) -> str:
    """A stable, keyed, one-way id for value (32 hex characters)."""
    if not isinstance(value, str):
        raise TypeError("pseudonym() needs a string")
    if value == "":
        raise ValueError("cannot make a pseudonym of an empty value")
    data = value.encode("utf-8", "surrogatepass")  # odd Unicode never crashes
    digest = hmac.new(secret_key(), data, hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


_PHONE_CHARS = re.compile(r"[\s().\-]")


def normalise_uk_phone(value: str) -> str | None:
    """'07700 900123', '+44 (0)7700-900123' -> '+447700900123'; None if not a phone number."""
    compact = _PHONE_CHARS.sub("", value.strip())
    compact = compact.replace("+44(0)", "+44").replace("+440", "+44")
    if compact.startswith("0044"):
        compact = "+44" + compact[4:]
    if re.fullmatch(r"0\d{9,10}", compact):
        return "+44" + compact[1:]
    if re.fullmatch(r"\+44\d{9,10}", compact):
        return compact
    if re.fullmatch(r"\+\d{8,15}", compact):
        return compact
    return None
