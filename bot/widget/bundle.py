"""Builds the one script a council adds to its pages: the widget code with its styles, its words
(data/web/widget/strings.yml) and the council's defaults (data/council.yml) inside."""

from __future__ import annotations

import gzip
import html
import json
from functools import lru_cache
from pathlib import Path

import yaml

from bot.council import Council, load_council

WIDGET_DIR = Path(__file__).resolve().parents[2] / "data" / "web" / "widget"
SCRIPT_PATH = "/webhooks/widget/wayfinder.js"


def widget_strings() -> dict[str, str]:
    """The widget's own words."""
    with (WIDGET_DIR / "strings.yml").open(encoding="utf-8") as handle:
        return {str(k): str(v) for k, v in (yaml.safe_load(handle) or {}).items()}


def _json(value: object) -> str:
    # "</" could end an inline <script>; escape it so the bundle is safe anywhere.
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def build_bundle(council: Council, sms: bool) -> str:
    """The widget script with its three placeholders filled."""
    code = (WIDGET_DIR / "wayfinder.js").read_text(encoding="utf-8")
    css = (WIDGET_DIR / "wayfinder.css").read_text(encoding="utf-8")
    defaults = {"council_name": council.name, "council_phone": council.phone,
                "council_hours": council.hours, "sms": sms}
    return (code.replace("__WF_CSS__", _json(css))
            .replace("__WF_STRINGS__", _json(widget_strings()))
            .replace("__WF_DEFAULTS__", _json(defaults)))


@lru_cache(maxsize=4)
def bundle_bytes(sms: bool) -> tuple[bytes, bytes]:
    """(plain, gzipped) bytes of the script, built once per process."""
    plain = build_bundle(load_council(), sms).encode("utf-8")
    return plain, gzip.compress(plain, compresslevel=9, mtime=0)


def render_page(name: str, council: Council, script_url: str = SCRIPT_PATH) -> str:
    """A page from data/web/ ('chat.html' or 'widget/demo.html') with the council's facts."""
    text = (WIDGET_DIR.parent / name).read_text(encoding="utf-8")
    values = {**council.as_slots(), "script_url": script_url}
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    return text
