"""GSM-7 normalisation and segment counting."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sms.gsm7 import GSM7_BASIC, GSM7_EXTENDED, is_gsm7, normalise, septets
from bot.sms.segments import count_segments, encoding


def test_the_tables_have_the_standard_sizes() -> None:
    assert len(GSM7_BASIC) == 127  # 128 code points less the escape
    assert len(GSM7_EXTENDED) == 10


@pytest.mark.parametrize("raw,shown", [
    ("It’s ‘fine’", "It's 'fine'"),
    ("“Quote”", '"Quote"'),
    ("9am–5pm — ring us", "9am-5pm - ring us"),
    ("Wait…", "Wait..."),
    ("Thanks 😊!", "Thanks!"),
    ("Great 👍🏽 job", "Great job"),
    ("I ❤️ it", "I it"),
    ("Zoë and Chloé", "Zoe and Chloé"),
    ("Łódź", "Lodz"),
    ("naïve façade", "naive facade"),
    ("café £5 €5", "café £5 €5"),
    ("a\u00a0b\u200bc", "a bc"),
    ("• one\n• two", "- one\n- two"),
    ("½ price", "1/2 price"),
    ("line\r\nbreak", "line\nbreak"),
    ("too\n\n\n\nmany", "too\n\nmany"),
    ("  spaced   out  ", "spaced out"),
    ("Greek ΑΒΓ", "Greek ABΓ"),
    ("中文 text", "? text"),
])
def test_normalise(raw: str, shown: str) -> None:
    assert normalise(raw) == shown
    assert is_gsm7(shown)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normalise_always_gives_gsm7_and_is_stable(text: str) -> None:
    once = normalise(text)
    assert is_gsm7(once)
    assert normalise(once) == once


def test_septets_count_extension_characters_twice() -> None:
    assert septets("abc") == 3
    assert septets("€[]") == 6


@pytest.mark.parametrize("text,segments", [
    ("", 0), ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("€" * 80, 1), ("€" * 81, 2), ("a" * 152 + "€", 1), ("a" * 159 + "€", 2),
    ("a" * 152 + "€" + "a" * 8, 2),
    ("ü" * 160, 1),  # ü is in GSM-7
    ("ā" * 70, 1), ("ā" * 71, 2), ("ā" * 134, 2), ("ā" * 135, 3),  # UCS-2
    ("😊" * 35, 1), ("😊" * 36, 2),  # surrogate pairs
])
def test_count_segments(text: str, segments: int) -> None:
    assert count_segments(text) == segments


def test_escape_pairs_never_straddle_segments() -> None:
    # 152 letters then a 2-septet euro: the pair cannot start at 153, so it moves to segment 2.
    assert count_segments("a" * 152 + "€" + "a" * 152) == 3
    assert count_segments("a" * 151 + "€" + "a" * 153) == 2


def test_encoding() -> None:
    assert encoding("hello") == "GSM-7"
    assert encoding("hello 😊") == "UCS-2"
