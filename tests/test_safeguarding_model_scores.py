"""The risk model's fast scoring gives scikit-learn's own numbers for the built model.

RiskModel scores each message from its own n-grams (bot/safeguarding/model.py); this checks it
against the fitted FeatureUnion's transform and the two classifiers' predict_proba, on ordinary,
empty, odd-Unicode, unknown-word and very long (windowed) messages.
"""

from __future__ import annotations

import joblib
import numpy as np
import pytest

from bot.safeguarding.model import MODEL_PATH, SUICIDE_KINDS, RiskModel, normalise, windows

TEXTS = [
    "my mum has fallen and she can't get up, she's been on the floor since this morning",
    "he never hits me",
    "I don't want to live any more",
    "can you help with shopping on tuesdays",
    "",
    "   ",
    "zzqx vvbn qqqq",
    "caf\u00e9 na\u00efve \U0001F642 \u202e\u0000 text\u2019s",
    "Mum is fine. " * 400 + "he has a knife and says he will kill her tonight. " + "ok " * 300,
]


@pytest.fixture(scope="module")
def parts() -> dict:
    return joblib.load(MODEL_PATH)


def _reference(parts: dict, text: str) -> tuple[float, str, float, float]:
    """The same score computed with scikit-learn's transform and predict_proba."""
    pieces = windows(normalise(text)) or [""]
    matrix = parts["features"].transform(pieces)
    harm_model, kinds_model = parts["harm"], parts["kinds"]
    harm = harm_model.predict_proba(matrix)[:, list(harm_model.classes_).index(1)]
    best = int(np.argmax(harm))
    kinds = kinds_model.predict_proba(matrix[best])[0]
    index = int(np.argmax(kinds))
    classes = [str(c) for c in kinds_model.classes_]
    suicide = sum(p for c, p in zip(classes, kinds, strict=True) if c in SUICIDE_KINDS)
    return float(harm[best]), classes[index], float(kinds[index]), suicide * float(harm[best])


@pytest.mark.parametrize("text", TEXTS)
def test_fast_score_equals_scikit_learn(parts: dict, text: str) -> None:
    got = RiskModel(parts).score(text)
    risk, kind, kind_probability, suicide = _reference(parts, text)
    assert got.kind == kind
    assert got.risk == pytest.approx(risk, abs=1e-9)
    assert got.kind_probability == pytest.approx(kind_probability, abs=1e-9)
    assert got.suicide == pytest.approx(suicide, abs=1e-9)


def test_features_equal_the_fitted_transform(parts: dict) -> None:
    model = RiskModel(parts)
    for text in TEXTS:
        for piece in windows(normalise(text)) or [""]:
            expected = parts["features"].transform([piece]).toarray()[0]
            columns, values = model.features(piece)
            got = np.zeros_like(expected)
            got[columns] = values
            assert np.allclose(got, expected, atol=1e-12), piece[:60]
            assert len(set(columns.tolist())) == len(columns)


def test_a_risk_buried_in_a_long_message_still_counts(parts: dict) -> None:
    long_text = TEXTS[-1]
    assert len(long_text) > 2000
    assert RiskModel(parts).score(long_text).risk > RiskModel(parts).score("Mum is fine.").risk
