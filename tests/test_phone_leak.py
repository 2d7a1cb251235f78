"""The leak check used by the server stages finds the number in every stored form, and only it."""

from __future__ import annotations

import pytest

from tests.phone_leak import phone_forms_in


@pytest.mark.parametrize("stored", ["+447700900456", "07700900456", "07700 900456",
                                    '{"to": "447700900456"}'])
def test_every_form_of_the_number_is_found(stored: str) -> None:
    assert phone_forms_in(stored.encode())
    assert phone_forms_in(stored.encode("utf-16-le"))


def test_a_confidence_float_with_the_same_tail_is_not_a_leak() -> None:
    events = b'{"intent": {"name": "affirm", "confidence": 0.9004561305046082}}'
    assert phone_forms_in(events) == []
