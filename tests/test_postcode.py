"""Postcode districts from what people type: only the district is ever kept."""

from __future__ import annotations

import pytest

from bot.postcode import district_from_text


@pytest.mark.parametrize("text, district", [
    ("I live at NM3 4AB", "NM3"),
    ("mum's at nm12ab and can't cook", "NM1"),
    ("postcode SW1A 1AA", "SW1A"),
    ("NM5", "NM5"),
    ("my postcode is nm7", "NM7"),
    ("she can't wash", None),
    ("I need help with the M1 motorway traffic", None),
    ("", None),
    (None, None),
    (12345, None),
    ("x" * 100_000, None),
])
def test_district_from_text(text, district):
    assert district_from_text(text) == district
