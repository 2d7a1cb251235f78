"""The learned risk model: how likely a message discloses harm, and of which kind.

Word (1-2, denied words marked: negation_marks.py) and character (2-5, within words) n-gram TF-IDF
features into a logistic regression,
trained only on data in this repo by bot.safeguarding.model_builder (make safeguarding-model).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import joblib
import numpy as np

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
        # The fitted pieces, unpacked once. A message has a few hundred n-grams out of tens of
        # thousands of features, so each is scored from its n-grams alone: scikit-learn's
        # transform and predict_proba add checks and sparse matrices whose cost grows with the
        # vocabulary (p95 8.35 -> 3.5-4.3 ms with the eleven-writer model tried in the sixth
        # session; README Figures).
        vectorizers = [vec for _, vec in parts["features"].transformer_list]
        for vec in vectorizers:  # features() repeats TfidfTransformer for these settings only
            if not vec.use_idf or vec.norm not in ("l2", None):
                raise ValueError(f"risk model: unsupported TF-IDF settings {vec.get_params()}")
        self._vectorizers = vectorizers
        self._analyzers = [vec.build_analyzer() for vec in vectorizers]
        self._vocabularies = [vec.vocabulary_ for vec in vectorizers]
        self._idf = [np.asarray(vec.idf_, dtype=np.float64) for vec in vectorizers]
        sizes = [len(vec.vocabulary_) for vec in vectorizers]
        self._offsets = [sum(sizes[:i]) for i in range(len(sizes))]
        harm, kinds = parts["harm"], parts["kinds"]
        sign = 1.0 if list(harm.classes_).index(1) == 1 else -1.0
        self._harm_w = sign * np.asarray(harm.coef_[0], dtype=np.float64)
        self._harm_b = sign * float(harm.intercept_[0])
        self._kinds_w = np.ascontiguousarray(np.asarray(kinds.coef_, dtype=np.float64).T)
        self._kinds_b = np.asarray(kinds.intercept_, dtype=np.float64)
        self._classes = [str(c) for c in kinds.classes_]
        self._suicide = np.array([c in SUICIDE_KINDS for c in self._classes])

    def features(self, piece: str) -> tuple[np.ndarray, np.ndarray]:
        """The piece's non-zero features (column, value): the same numbers as the fitted
        FeatureUnion's transform (counts, 1 + log, times idf, unit length per vectorizer)."""
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        parts = zip(self._vectorizers, self._analyzers, self._vocabularies, self._idf,
                    self._offsets, strict=True)
        for vec, analyzer, vocabulary, idf, offset in parts:
            counts = Counter(i for i in map(vocabulary.get, analyzer(piece)) if i is not None)
            if not counts:
                continue
            index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if vec.sublinear_tf:
                tf = 1.0 + np.log(tf)
            weights = tf * idf[index]
            if vec.norm == "l2":
                weights /= np.sqrt(weights @ weights)
            columns.append(index + offset)
            values.append(weights)
        if not columns:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(columns), np.concatenate(values)

    def score(self, text: str) -> RiskScore:
        """The riskiest window's score."""
        pieces = [self.features(piece) for piece in windows(normalise(text)) or [""]]
        harm = [1.0 / (1.0 + np.exp(-(self._harm_w[c] @ v + self._harm_b))) for c, v in pieces]
        best = int(np.argmax(harm))
        columns, values = pieces[best]
        logits = values @ self._kinds_w[columns] + self._kinds_b
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
