"""What of a conversation event may be stored: identifiers taken out of free text first.

redact_event(data) takes the dict of one Rasa event (Event.as_dict()) and returns a copy in which
the person's own words have names with cues, phone numbers, emails, full postcodes, NHS and other
long numbers, dates (of birth) and street addresses replaced by [NAME], [PHONE], ... using
bot/redact.py. It covers user text, the parse data's text and entity values, metadata, and
text slots the person filled in (what_matters). Council facts (council_* slots) are left alone.
Pure Python: no Rasa import, so the needs log and tests can use it.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.redact import MAX_CHARS, redact

KEEP_SLOTS = {"council_name", "council_phone", "council_hours", "council_website",
              "council_email", "safeguarding_phone", "safeguarding_hours", "out_of_hours_phone",
              "requested_slot", "slot_to_change",
              # ids a call handler set in the staff console, checked there (directory service
              # ids look like long numbers to the redactor)
              "staff_places", "staff_tiers", "staff_rights",
              "needs_record"}  # ids only (bot/needs_log/facts.py); the needs log's keys stay whole


def redact_text(value: Any) -> Any:
    """Strings are redacted (over-long ones cut first); anything else is returned as it is."""
    if not isinstance(value, str) or not value:
        return value
    return redact(value[:MAX_CHARS])


def _redact_nested(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: _redact_nested(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_nested(item) for item in value]
    return value


def redact_event(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of one event's dict that is safe to store."""
    kind = data.get("event")
    if kind == "user":
        data = copy.deepcopy(data)
        data["text"] = redact_text(data.get("text"))
        parse = data.get("parse_data")
        if isinstance(parse, dict):
            parse["text"] = redact_text(parse.get("text"))
            if parse.get("metadata"):
                parse["metadata"] = _redact_nested(parse["metadata"])
            for entity in parse.get("entities") or []:
                if isinstance(entity, dict):
                    entity["value"] = _redact_nested(entity.get("value"))
        if data.get("metadata"):
            data["metadata"] = _redact_nested(data["metadata"])
        return data
    if kind == "slot" and data.get("name") not in KEEP_SLOTS:
        value = data.get("value")
        if isinstance(value, (str, list, dict)):
            data = copy.deepcopy(data)
            data["value"] = _redact_nested(value)
    return data
