"""Look for the test phone number 07700 900456 in stored bytes, in any form a leak would take.

Not the bare tail "900456": Rasa's tracker events (kept in the same database in the server
stages) hold thousands of 16-digit confidence floats, and in CI one of them held "900456" by
chance, failing a test on a number that was never stored.
"""

from __future__ import annotations

FORMS = (b"7700900456", b"7700 900456", b"07700 9004")  # +447700900456, 07700900456, as typed


def phone_forms_in(data: bytes) -> list[bytes]:
    """The forms of the test number found in data (empty when none), as UTF-8 or UTF-16."""
    return [form for form in FORMS
            if form in data or form.decode().encode("utf-16-le") in data]
