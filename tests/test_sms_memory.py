"""The channel's in-process memory and the quiet-period rule."""

from __future__ import annotations

import pytest

from bot.sms.buttons import Option
from bot.sms.memory import DEFAULT_EXPIRY_MINUTES, ConversationMemory, expiry_minutes, is_expired

OPTIONS = [Option("Yes", "/affirm"), Option("No", "/deny")]


def test_remember_and_recall() -> None:
    memory = ConversationMemory(clock=lambda: 100.0)
    assert memory.recall("abc").options == () and memory.recall("abc").last_active is None
    memory.remember("abc", OPTIONS)
    assert memory.recall("abc").options == tuple(OPTIONS)
    assert memory.recall("abc").last_active == 100.0
    memory.remember("abc", [], when=200.0)
    assert memory.recall("abc").options == () and memory.recall("abc").last_active == 200.0
    memory.forget("abc")
    assert memory.recall("abc").last_active is None


def test_memory_is_bounded_dropping_the_least_recent() -> None:
    memory = ConversationMemory(max_senders=3)
    for key in "abcd":
        memory.remember(key, OPTIONS)
    assert len(memory) == 3
    assert memory.recall("a").options == ()
    assert memory.recall("d").options == tuple(OPTIONS)


def test_is_expired() -> None:
    assert not is_expired(None, 10_000.0, 60)
    assert not is_expired(0.0, 3600.0, 60)
    assert is_expired(0.0, 3601.0, 60)
    assert not is_expired(0.0, 10**9, 0)  # 0 switches expiry off


def test_expiry_minutes_from_the_environment() -> None:
    assert expiry_minutes({}) == DEFAULT_EXPIRY_MINUTES
    assert expiry_minutes({"WAYFINDER_SMS_EXPIRY_MINUTES": "30"}) == 30
    with pytest.raises(ValueError):
        expiry_minutes({"WAYFINDER_SMS_EXPIRY_MINUTES": "soon"})
