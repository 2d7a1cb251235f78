"""Safeguarding detection: finds disclosures of harm in a message (pure Python + spaCy, no Rasa)."""

from bot.safeguarding.config import KINDS, kinds_by_urgency
from bot.safeguarding.contacts import CONTACT_IDS, contact_numbers, urgent_contacts
from bot.safeguarding.detector import Disclosure, detect

__all__ = [
    "CONTACT_IDS",
    "KINDS",
    "Disclosure",
    "contact_numbers",
    "detect",
    "kinds_by_urgency",
    "urgent_contacts",
]
