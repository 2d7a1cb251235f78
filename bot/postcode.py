"""Finds a postcode district in typed text ('I live at NM3 4AB' -> 'NM3'); keeps nothing else."""

from __future__ import annotations

import re

# A full UK postcode anywhere in the text, or a message that is only an outward code ("NM3").
_FULL = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*[0-9][A-Z]{2}\b")
_OUTWARD_ONLY = re.compile(r"^(?:MY POSTCODE IS |POSTCODE )?([A-Z]{1,2}[0-9][A-Z0-9]?)$")
MAX_CHARS = 5000


def district_from_text(text: object) -> str | None:
    """The postcode district (outward code) in `text`, upper case, or None."""
    if not isinstance(text, str) or not text.strip():
        return None
    upper = " ".join(text[:MAX_CHARS].upper().split()).strip(" .!")
    match = _FULL.search(upper) or _OUTWARD_ONLY.match(upper)
    return match.group(1) if match else None
