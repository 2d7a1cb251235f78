"""data/sms/wording.yml: every text fills in, is GSM-7 and fits in two segments."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from bot.council import load_council
from bot.sms.gsm7 import is_gsm7
from bot.sms.segments import count_segments
from bot.sms.wording import DEFAULT_PATH, TEXT_KEYS, WordingError, load_wording, parse_wording


def test_every_text_is_gsm7_within_two_segments_and_has_no_placeholders_left() -> None:
    wording = load_wording()
    for key in TEXT_KEYS:
        text = getattr(wording, key).replace("{count}", "3")
        assert is_gsm7(text), key
        assert count_segments(text) <= 2, key
        assert "{" not in text and "}" not in text, key


def test_council_facts_are_filled_in() -> None:
    wording, council = load_wording(), load_council()
    assert council.phone in wording.help and council.name in wording.help
    assert "STOP" in wording.help and "999" in wording.help
    assert "START" in wording.opted_out and council.phone in wording.opted_out


def _raw() -> dict:
    with DEFAULT_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize("change,message", [
    (lambda d: d.pop("help"), "missing"),
    (lambda d: d.update(help="Call {nobody}"), "unknown placeholder"),
    (lambda d: d.update(help="x" * 400), "306"),
    (lambda d: d.update(options={"intro": "Reply", "item": "{number}"}), "{items}"),
])
def test_bad_wording_is_refused(change, message: str) -> None:  # noqa: ANN001
    data = _raw()
    change(data)
    with pytest.raises(WordingError, match=message):
        parse_wording(data, load_council())


def test_non_gsm_wording_is_normalised_not_sent_as_unicode() -> None:
    data = _raw()
    data["empty"] = "Your text was empty — please try again 🙂"
    assert parse_wording(data, load_council()).empty == "Your text was empty - please try again"


def test_wording_is_a_frozen_record() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        load_wording().help = "changed"  # type: ignore[misc]
