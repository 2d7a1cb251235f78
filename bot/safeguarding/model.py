"""The learned risk model: how likely a message discloses harm, and of which kind.

Word (1-2, denied words marked: negation_marks.py) and character (2-5, within words) n-gram TF-IDF
features into a logistic regression,
trained only on data in this repo by bot.safeguarding.model_builder (make safeguarding-model).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from scipy import sparse

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
        # The fitted pieces, unpacked once: scikit-learn's own predict_proba adds about 1 ms of
        # checks per call, more than the arithmetic (bench/bench_safeguarding.py).
        self._vectorizers = [vec for _, vec in parts["features"].transformer_list]
        harm, kinds = parts["harm"], parts["kinds"]
        sign = 1.0 if list(harm.classes_).index(1) == 1 else -1.0
        self._harm_w = sign * np.asarray(harm.coef_[0], dtype=np.float64)
        self._harm_b = sign * float(harm.intercept_[0])
        self._kinds_w = np.ascontiguousarray(np.asarray(kinds.coef_, dtype=np.float64).T)
        self._kinds_b = np.asarray(kinds.intercept_, dtype=np.float64)
        self._classes = [str(c) for c in kinds.classes_]
        self._suicide = np.array([c in SUICIDE_KINDS for c in self._classes])

    def score(self, text: str) -> RiskScore:
        """The riskiest window's score."""
        pieces = windows(normalise(text)) or [""]
        matrix = sparse.hstack([vec.transform(pieces) for vec in self._vectorizers]).tocsr()
        harm = 1.0 / (1.0 + np.exp(-(matrix @ self._harm_w + self._harm_b)))
        best = int(harm.argmax())
        logits = np.asarray(matrix[best] @ self._kinds_w).ravel() + self._kinds_b
        kinds = np.exp(logits - logits.max())
        kinds /= kinds.sum()
        kind_index = int(kinds.argmax())
        suicide = float(kinds[self._suicide].sum())
        return RiskScore(float(harm[best]), self._classes[kind_index],
                         float(kinds[kind_index]), suicide * float(harm[best]))


@lru_cache(maxsize=2)
def load_model(path: str = str(MODEL_PATH)) -> RiskModel:
    """The model built into models/ (make safeguarding-model); a clear error if it is missing."""
    if not Path(path).exists():
        raise FileNotFoundError(f"{path} is missing: run `make safeguarding-model`")
    return RiskModel(joblib.load(path))
