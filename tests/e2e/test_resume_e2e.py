"""Come back later: a conversation started before Rasa restarted is still there afterwards."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.e2e.client import Chat

pytestmark = [pytest.mark.e2e, pytest.mark.no_actions]


def test_resume_part_two_the_conversation_survived_a_restart():
    state = json.loads(Path(os.environ["WAYFINDER_E2E_STATE"]).read_text())
    slots = Chat(sender=state["sender"]).slots()
    assert slots["person_role"] == "carer"
    assert slots["what_matters"] == "mum can't get out of bed on her own"
    assert "home_safety" in (slots["need_areas"] or [])
