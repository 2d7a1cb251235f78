"""Which urgent contacts go with which kinds of risk, and their numbers from the council file."""

from __future__ import annotations

from collections.abc import Iterable

from bot.council import Council
from bot.safeguarding.config import FALLBACK_KIND, contact_sources, kind_contacts, kinds_by_urgency

CONTACT_IDS: tuple[str, ...] = (
    "emergency_999",
    "safeguarding_line",
    "nhs_111_mental_health",
    "samaritans",
    "domestic_abuse_helpline",
    "childline",
)


def urgent_contacts(kinds: Iterable[str]) -> list[str]:
    """Contact ids for these kinds, without repeats: the most urgent kind's contacts first.

    Unknown or no kinds get the contacts for an unspecified risk (never an empty list).
    """
    ordered = kinds_by_urgency(kinds) or (FALLBACK_KIND,)
    table = kind_contacts()
    result: list[str] = []
    for kind in ordered:
        for contact in table[kind]:
            if contact not in result:
                result.append(contact)
    return result


def contact_numbers(council: Council) -> dict[str, str]:
    """Contact id -> the phone number people are told (e.g. "116 123"), from the council file."""
    numbers: dict[str, str] = {}
    for contact, source in contact_sources().items():
        if source.startswith("national."):
            value = council.national.get(source.removeprefix("national."), "")
        else:
            value = getattr(council, source, "")
        if not str(value).strip():
            raise ValueError(f"council file has no number for safeguarding contact '{contact}'")
        numbers[contact] = str(value).strip()
    return numbers
