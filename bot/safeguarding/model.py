"""The learned risk model: how likely a message discloses harm, and of which kind.

Word (1-2) and character (2-5, within words) n-gram TF-IDF features into a logistic regression,
trained only on data in this repo by bot.safeguarding.model_builder (make safeguarding-model).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import joblib

from bot.safeguarding.config import PROJECT_ROOT

MODEL_PATH = PROJECT_ROOT / "models" / "safeguarding" / "risk_model.joblib"
NONE = "none"
MAX_CHARS = 2000  # longer messages are scored in overlapping windows, the riskiest one counts
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class RiskScore:
    """risk: P(harm); kind: the most likely kind if harm; suicide: P(harm) x P(suicide kinds)."""

    risk: float
    kind: str
    kind_probability: float
    suicide: float


SUICIDE_KINDS = frozenset({"suicidal", "suicide_self_harm", "self_harm"})


def normalise(text: str) -> str:
    """What the model sees: lower case, curly quotes straightened, spaces squeezed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return _SPACES.sub(" ", text).strip()


def windows(text: str) -> list[str]:
    """The text, or overlapping pieces of a long one (a risk buried in a long message counts)."""
    if len(text) <= MAX_CHARS:
        return [text]
    step = MAX_CHARS // 2
    return [text[i:i + MAX_CHARS] for i in range(0, len(text) - step, step)]


class RiskModel:
    """Shared n-gram features, a harm / no-harm classifier and a which-kind classifier."""

    def __init__(self, parts: dict[str, Any]) -> None:
        self._features = parts["features"]
        self._harm = parts["harm"]
        self._kinds = parts["kinds"]
        self._harm_index = list(self._harm.classes_).index(1)
        self._classes = [str(c) for c in self._kinds.classes_]

    def score(self, text: str) -> RiskScore:
        """The riskiest window's score."""
        pieces = windows(normalise(text)) or [""]
        matrix = self._features.transform(pieces)
        harm = self._harm.predict_proba(matrix)[:, self._harm_index]
        best = int(harm.argmax())
        kinds = self._kinds.predict_proba(matrix[best])[0]
        kind_index = int(kinds.argmax())
        suicide = sum(kinds[i] for i, c in enumerate(self._classes) if c in SUICIDE_KINDS)
        return RiskScore(float(harm[best]), self._classes[kind_index],
                         float(kinds[kind_index]), float(suicide * harm[best]))


@lru_cache(maxsize=2)
def load_model(path: str = str(MODEL_PATH)) -> RiskModel:
    """The model built into models/ (make safeguarding-model); a clear error if it is missing."""
    if not Path(path).exists():
        raise FileNotFoundError(f"{path} is missing: run `make safeguarding-model`")
    return RiskModel(joblib.load(path))
