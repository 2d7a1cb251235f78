"""Safeguarding data: corpus sizes, held-out items kept out of training, contacts per kind."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.council import load_council
from bot.safeguarding import CONTACT_IDS, KINDS, contact_numbers, urgent_contacts
from tests.safeguarding.corpus import disclosures, near_misses, positive_risk

PROJECT = Path(__file__).resolve().parent.parent


def _training_texts() -> set[str]:
    texts = set()
    for path in sorted((PROJECT / "data" / "nlu").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.add(" ".join(line[2:].lower().split()))
    return texts


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def test_corpora_are_big_enough():
    assert len(disclosures()) >= 200
    assert len(near_misses()) >= 200
    assert len(positive_risk()) >= 20


@pytest.mark.parametrize("name", ["disclosures", "near_misses", "positive_risk"])
def test_some_of_each_corpus_is_held_out(name):
    items = {"disclosures": disclosures, "near_misses": near_misses,
             "positive_risk": positive_risk}[name]()
    held = [item for item in items if item["held_out"] is True]
    assert all(item["held_out"] in (True, False) for item in items)
    assert len(held) >= len(items) // 5


def test_held_out_items_never_appear_in_training_data():
    training = _training_texts()
    held = [item["text"] for item in disclosures() + near_misses() + positive_risk()
            if item["held_out"]]
    leaked = [text for text in held if _norm(text) in training]
    assert leaked == []


def test_safeguarding_training_data_has_the_intents_the_brief_needs():
    data = yaml.safe_load((PROJECT / "data/nlu/safeguarding.yml").read_text(encoding="utf-8"))
    counts = {block["intent"]: len(block["examples"].splitlines()) for block in data["nlu"]}
    assert counts["disclose_harm"] >= 150
    assert counts["positive_risk"] >= 20
    assert counts["chitchat"] >= 30 and counts["describe_needs"] >= 30


def test_disclosure_kinds_are_known_and_near_miss_intents_exist():
    for item in disclosures():
        assert item["kinds"] and set(item["kinds"]) <= set(KINDS), item
    for item in near_misses():
        assert item["intent"] in ("chitchat", "describe_needs"), item


@pytest.mark.parametrize(("kinds", "expected"), [
    (["financial_abuse"], ["safeguarding_line"]),
    (["medical_emergency"], ["emergency_999"]),
    (["suicide_self_harm"], ["emergency_999", "samaritans", "nhs_111_mental_health"]),
    (["mental_health_crisis"], ["nhs_111_mental_health", "samaritans", "emergency_999"]),
    (["domestic_abuse"], ["emergency_999", "domestic_abuse_helpline", "safeguarding_line"]),
    (["child_at_risk"], ["emergency_999", "childline", "safeguarding_line"]),
    (["financial_abuse", "suicide_self_harm"],
     ["emergency_999", "samaritans", "nhs_111_mental_health", "safeguarding_line"]),
    ([], ["emergency_999", "safeguarding_line"]),
    (["not_a_kind"], ["emergency_999", "safeguarding_line"]),
])
def test_urgent_contacts_follow_the_most_urgent_kind(kinds, expected):
    assert urgent_contacts(kinds) == expected


def test_every_kind_has_contacts_and_every_contact_a_number():
    for kind in KINDS:
        assert urgent_contacts([kind])
        assert set(urgent_contacts([kind])) <= set(CONTACT_IDS)
    numbers = contact_numbers(load_council())
    assert set(numbers) == set(CONTACT_IDS)
    assert numbers["emergency_999"] == "999"
    assert numbers["samaritans"] == "116 123"
    assert numbers["domestic_abuse_helpline"] == "0808 2000 247"
    assert numbers["childline"] == "0800 1111"
    assert numbers["safeguarding_line"] == load_council().safeguarding_phone
