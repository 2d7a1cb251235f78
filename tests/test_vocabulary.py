"""One vocabulary: data/vocabulary.yml is the only list of ids and their words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import vocab
from bot.vocab import VocabularyError, check, load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
WORDING_FILES = ("data/directory/wording.yml", "bot/report/templates/wording.yml",
                 "data/routing/sds_steps.yml", "data/routing/rules.yml", "data/content/answer.yml")


def test_every_entry_has_words_for_every_audience():
    data = load_vocabulary()
    for section in vocab.SECTIONS:
        for key in data[section]:
            for audience in vocab.AUDIENCES:
                assert vocab.label(section, key, audience).strip(), (section, key, audience)


def test_ids_read_from_the_file():
    assert vocab.TIERS == ("information", "peer", "community", "provider", "professional")
    assert vocab.SDS_STEPS == (1, 2, 3, 4, 5, 6, 7)
    assert len(vocab.NEED_AREAS) == 14 and vocab.CARE_ACT_OUTCOMES[0] == "nutrition"
    assert "carers_assessment" in vocab.HELP_KINDS and "dementia" in vocab.GROUPS
    assert vocab.help_kind_tier("home_care") == "provider"


def test_every_step_has_a_function_and_help_kinds_every_tier_has_kinds():
    for step in vocab.SDS_STEPS:
        assert vocab.step_function(step) in vocab.BROKERAGE_FUNCTIONS
        assert vocab.step_help_kinds(step)
    assert {vocab.help_kind_tier(k) for k in vocab.HELP_KINDS} == set(vocab.TIERS)


@pytest.mark.parametrize("path", WORDING_FILES)
def test_no_second_list_of_need_area_tier_or_step_names(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    keys: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                keys.add(str(key))
                walk(value)
    walk(data)
    assert not keys & set(vocab.NEED_AREAS), path
    assert "name" not in str(data.get("steps", "")) if isinstance(data, dict) else True
    for step in vocab.SDS_STEPS:
        assert vocab.label("steps", step) not in text, (path, step)


def test_broken_vocabulary_is_refused():
    data = yaml.safe_load((ROOT / "data" / "vocabulary.yml").read_text(encoding="utf-8"))
    data["help_kinds"]["home_care"]["tier"] = "nowhere"
    with pytest.raises(VocabularyError):
        check(data)
    data = yaml.safe_load((ROOT / "data" / "vocabulary.yml").read_text(encoding="utf-8"))
    del data["groups"]["dementia"]["sms"]
    with pytest.raises(VocabularyError):
        check(data)


def test_labels_are_worked_out_once_but_handed_out_as_copies() -> None:
    first = vocab.labels("need_areas", "staff")
    first["nutrition"] = "changed by a caller"
    again = vocab.labels("need_areas", "staff")
    assert again["nutrition"] == vocab.label("need_areas", "nutrition", "staff")
    assert again["nutrition"] != "changed by a caller"
    assert set(again) == set(vocab.NEED_AREAS)


def test_risk_kinds_have_the_same_four_audiences_and_are_checked():
    assert "risk_kinds" in vocab.SECTIONS
    assert vocab.label("risk_kinds", "financial_abuse", "person") == "Money taken or a scam"
    assert vocab.label("risk_kinds", "financial_abuse", "staff") == "Financial abuse / scams"
    assert vocab.label("risk_kinds", "financial_abuse", "commissioners") == (
        "Financial abuse or scams")
    assert vocab.label("risk_kinds", "not_a_kind", "staff") == "not a kind"
    staff = vocab.labels("risk_kinds", "staff")
    assert list(staff) == list(vocab.RISK_KINDS) and staff["cuckooing"] == "Cuckooing"
    for kind in vocab.RISK_KINDS:
        assert len(vocab.label("risk_kinds", kind, "sms")) <= 30, kind  # a few words in a text
    data = yaml.safe_load((ROOT / "data" / "vocabulary.yml").read_text(encoding="utf-8"))
    del data["risk_kinds"]["neglect"]["labels"]["commissioners"]
    with pytest.raises(VocabularyError, match="risk_kinds.neglect: no commissioners label"):
        check(data)
    data = yaml.safe_load((ROOT / "data" / "vocabulary.yml").read_text(encoding="utf-8"))
    labels = data["risk_kinds"]["fire"]["labels"]
    labels["public"] = labels.pop("person")  # the old audience name is not one of the four
    with pytest.raises(VocabularyError, match="risk_kinds.fire: no person label"):
        check(data)
