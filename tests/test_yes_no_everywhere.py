"""Yes and no mean the same everywhere: Yes first on every channel, YES/NO/Y/N accepted by text."""

from __future__ import annotations

import pytest

from bot.nlu.domain_builder import build_domain
from bot.safeguarding.answers import yes_or_no
from bot.sms.buttons import match_reply, options_from_buttons, render_options


def _yes_no_variants():
    domain = build_domain()
    for name, variants in domain["responses"].items():
        for variant in variants:
            titles = [str(b.get("title")) for b in variant.get("buttons") or ()]
            if "Yes" in titles and "No" in titles:
                yield name, variant


def test_every_yes_no_question_puts_yes_first_with_the_same_payloads():
    found = list(_yes_no_variants())
    assert any(name == "utter_ask_risk_check" for name, _ in found)
    assert any(name == "utter_safeguarding_check" for name, _ in found)
    for name, variant in found:
        buttons = variant["buttons"]
        titles = [b["title"] for b in buttons]
        assert titles.index("Yes") < titles.index("No"), name
        assert buttons[titles.index("Yes")]["payload"] == "/affirm", name
        assert buttons[titles.index("No")]["payload"] == "/deny", name


def test_sms_reads_reply_1_for_yes_on_the_danger_questions():
    for name, variant in _yes_no_variants():
        if name in ("utter_ask_risk_check", "utter_safeguarding_check"):
            assert render_options(options_from_buttons(variant["buttons"])) \
                == "Reply 1 for Yes or 2 for No."


@pytest.mark.parametrize(("typed", "payload"), [
    ("YES", "/affirm"), ("yes", "/affirm"), ("Y", "/affirm"), ("y", "/affirm"), ("yeah", "/affirm"),
    ("1", "/affirm"), ("NO", "/deny"), ("N", "/deny"), ("n", "/deny"), ("nope", "/deny"),
    ("2", "/deny"),
])
def test_sms_accepts_yes_no_y_n_and_numbers(typed, payload):
    options = options_from_buttons([{"title": "Yes", "payload": "/affirm"},
                                    {"title": "No", "payload": "/deny"}])
    chosen = match_reply(typed, options)
    assert chosen is not None and chosen.payload == payload


@pytest.mark.parametrize(("typed", "answer"), [
    ("YES", "yes"), ("Y", "yes"), ("yes.", "yes"), ("N", "no"), ("No!", "no"), ("nope", "no"),
    ("my dad is hurt", None),
])
def test_the_check_question_reads_typed_yes_and_no(typed, answer):
    assert yes_or_no(typed) == answer
