"""STOP / START / HELP keywords: the whole message, any case, trimmed."""

from __future__ import annotations

import pytest

from bot.sms.keywords import Keyword, keyword_of


@pytest.mark.parametrize("text", ["STOP", "stop", "Stop", " stop\n", "STOPALL", "Unsubscribe",
                                  "CANCEL", "end", "Quit", "ＳＴＯＰ"])
def test_stop_words(text: str) -> None:
    assert keyword_of(text) is Keyword.STOP


@pytest.mark.parametrize("text", ["START", "start ", "Unstop"])
def test_start_words(text: str) -> None:
    assert keyword_of(text) is Keyword.START


def test_help() -> None:
    assert keyword_of(" Help ") is Keyword.HELP


@pytest.mark.parametrize("text", ["stop hurting me", "please stop", "I want to end it all",
                                  "help me", "can you help", "started", "cancel my care visit",
                                  "", "   ", None, "s t o p"])
def test_anything_more_is_an_ordinary_message(text: str | None) -> None:
    assert keyword_of(text) is None
