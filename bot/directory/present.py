"""Turns a ServiceOption into text for web chat or SMS (wording in data/directory/wording.yml)."""

from __future__ import annotations

from dataclasses import asdict

from bot.directory.config import load_wording
from bot.directory.model import ServiceOption

SMS_LIMIT = 160


def option_text(option: ServiceOption, channel: str = "web") -> str:
    """The option as lines of text; lines whose fields are empty are left out."""
    words = load_wording()["present"]
    template = words["sms"] if channel == "sms" else words["web"]
    fields = {k: ("" if v is None else v) for k, v in asdict(option).items()}
    fields["approved"] = words["approved"] if option.council_approved else ""
    lines = []
    for line in template:
        keys = [part.split("}")[0] for part in line.split("{")[1:]]
        if any(not str(fields.get(k, "")).strip() for k in keys if k != "approved"):
            continue
        lines.append(line.format(**fields).strip())
    joiner = ", " if channel == "sms" else "\n"
    text = joiner.join(lines)
    if channel == "sms" and len(text) > SMS_LIMIT:
        text = text[:SMS_LIMIT - 1].rstrip(", ") + "…"
    return text
