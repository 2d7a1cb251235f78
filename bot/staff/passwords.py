"""Password hashes with scrypt (Python's hashlib, OpenSSL's implementation); never stored clear."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

N, R, P, DKLEN = 2**14, 8, 1, 32  # OWASP's scrypt minimum is N=2^17 for r=8; see note below
# N=2^14 keeps a sign-in near 50 ms on a shared 2-core box; raise N (stored per hash) freely.
PREFIX = "scrypt"
MIN_LENGTH = 10
MAX_LENGTH = 256


class PasswordError(ValueError):
    """A password that is too short, too long or not text."""


def check_new(password: object) -> str:
    if not isinstance(password, str) or not (MIN_LENGTH <= len(password) <= MAX_LENGTH):
        raise PasswordError(f"a password needs {MIN_LENGTH} to {MAX_LENGTH} characters")
    return password


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=DKLEN,
                          maxmem=256 * 1024 * 1024)


def hash_password(password: str) -> str:
    """'scrypt$N$r$p$salt$hash' (base64); a fresh random salt every time."""
    check_new(password)
    salt = secrets.token_bytes(16)
    digest = _derive(password, salt, N, R, P)
    b64 = base64.b64encode
    return f"{PREFIX}${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: object, stored: str) -> bool:
    """True when password matches the stored hash (constant-time compare)."""
    if not isinstance(password, str) or len(password) > MAX_LENGTH:
        return False
    try:
        prefix, n, r, p, salt, digest = stored.split("$")
        if prefix != PREFIX:
            return False
        expected = base64.b64decode(digest)
        actual = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


DUMMY_HASH = hash_password("not-a-real-password-0000")  # equal work for unknown names
