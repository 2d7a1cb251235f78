"""The crisis replies people see: right numbers for each kind, calm SMS versions that fit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.council import load_council
from bot.nlu.domain_builder import build_domain
from bot.safeguarding import KINDS, contact_numbers, urgent_contacts
from bot.sms.gsm7 import is_gsm7

PROJECT = Path(__file__).resolve().parent.parent
FRAGMENT = yaml.safe_load((PROJECT / "data/domain/safeguarding.yml").read_text(encoding="utf-8"))
SMS_LIMIT = 306
EMERGENCY_NUMBERS = ("999", "116 123", "0808 2000 247", "0800 1111", "111")


def _fill(text: str) -> str:
    filled = text.format(**load_council().as_slots())
    assert "{" not in filled and "}" not in filled
    return filled


def _variants(name: str) -> tuple[str, str]:
    variants = FRAGMENT["responses"][name]
    default = [v for v in variants if not v.get("channel")]
    sms = [v for v in variants if v.get("channel") == "twilio"]
    assert len(default) == 1 and len(sms) == 1, name
    return _fill(default[0]["text"]), _fill(sms[0]["text"])


def _has_number(text: str, number: str) -> bool:
    return re.search(rf"(?<!\d){re.escape(number)}(?!\d)", text) is not None


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_reply_gives_its_urgent_numbers_on_web_and_sms(kind):
    numbers = contact_numbers(load_council())
    for text in _variants(f"utter_safeguarding_{kind}"):
        for contact in urgent_contacts([kind]):
            assert _has_number(text, numbers[contact]), (kind, contact, text)
        if "nhs_111_mental_health" in urgent_contacts([kind]):
            assert "option 2" in text


@pytest.mark.parametrize("name", sorted(FRAGMENT["responses"]))
def test_sms_versions_are_plain_gsm_and_short(name):
    default, sms = _variants(name)
    assert is_gsm7(sms), name
    assert len(sms) <= SMS_LIMIT, (name, len(sms))
    assert "/" not in sms.replace("24/7", "")  # no payload syntax in the text itself
    assert default.strip()


@pytest.mark.parametrize("contact", ["emergency_999", "safeguarding_line",
                                     "nhs_111_mental_health", "samaritans",
                                     "domestic_abuse_helpline", "childline"])
def test_extra_contact_replies_give_their_number(contact):
    numbers = contact_numbers(load_council())
    for text in _variants(f"utter_safeguarding_contact_{contact}"):
        assert _has_number(text, numbers[contact])


def test_next_steps_offer_carry_on_callback_and_a_person():
    for variant in FRAGMENT["responses"]["utter_safeguarding_next"]:
        payloads = [button["payload"] for button in variant["buttons"]]
        assert payloads == ["/continue_journey", "/request_callback", "/talk_to_person"]
        assert not any(number in variant["text"] for number in EMERGENCY_NUMBERS)


def test_positive_risk_reply_is_information_not_emergency_numbers():
    for text in _variants("utter_positive_risk"):
        assert "999" not in text.replace(load_council().phone, "")
        assert not any(_has_number(text, number) for number in EMERGENCY_NUMBERS[1:])
        assert "right" in text and "safer" in text
        assert load_council().phone in text


def test_crisis_replies_are_calm_and_blame_free():
    for kind in KINDS:
        for text in _variants(f"utter_safeguarding_{kind}"):
            lowered = text.lower()
            assert "!" not in text
            for word in ("you should have", "why didn't you", "why did you", "is your fault"):
                assert word not in lowered


def test_the_fragment_merges_into_the_built_domain():
    domain = build_domain()
    for kind in KINDS:
        assert f"utter_safeguarding_{kind}" in domain["responses"]
    for intent in ("disclose_harm", "positive_risk", "continue_journey", "request_callback"):
        assert intent in [i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]]
    slots = domain["slots"]
    assert slots["safeguarding_concern"]["type"] == "bool"
    assert slots["safeguarding_concern"]["initial_value"] is False
    assert slots["risk_kinds"]["type"] == "list"
    assert slots["needs_staff_attention"]["type"] == "bool"
    for name in ("safeguarding_concern", "risk_kinds", "needs_staff_attention"):
        assert slots[name]["mappings"] == [{"type": "custom"}]
        assert slots[name]["influence_conversation"] is False
