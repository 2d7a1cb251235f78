"""A small learned reader of the step of self-directed support (1..7, or none) in one message:
TF-IDF word and character n-grams and a logistic regression, trained when first used from
data/routing/step_training.yml (a few hundred sentences, well under a second). The patterns and
cue words in bot/person_facts.py decide the clear cases; this decides the rest."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline

TRAINING_PATH = (Path(__file__).resolve().parent.parent / "data" / "routing"
                 / "step_training.yml")
NONE = "none"


class StepTrainingError(ValueError):
    """data/routing/step_training.yml is missing a step or has something that is not a sentence."""


def normalise(text: str) -> str:
    """Lower case, plain apostrophes, no stray symbols (so 'Mum’s' and 'mums' look alike)."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    return " ".join(re.sub(r"[^a-z0-9£' ]+", " ", text).split())


def training_examples(path: Path = TRAINING_PATH) -> tuple[list[str], list[str]]:
    """(texts, labels) from the training file; labels are '1'..'7' or 'none'."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    table = data.get("steps")
    if not isinstance(table, dict):
        raise StepTrainingError(f"{path.name}: needs a 'steps' mapping")
    texts: list[str] = []
    labels: list[str] = []
    for key, items in table.items():
        label = NONE if key in (None, NONE) else str(int(key))
        if not isinstance(items, list) or not items:
            raise StepTrainingError(f"{path.name}: step {key} has no sentences")
        for item in items:
            if not isinstance(item, str) or not item.strip():
                raise StepTrainingError(f"{path.name}: step {key} has a non-sentence {item!r}")
            texts.append(normalise(item))
            labels.append(label)
    return texts, labels


def build(texts: list[str], labels: list[str]) -> Any:
    """An untrained-then-fitted pipeline for these examples."""
    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                  token_pattern=r"[a-z0-9£']+")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
    ])
    model = make_pipeline(features, LogisticRegression(C=10.0, max_iter=2000,
                                                       class_weight="balanced"))
    return model.fit(texts, labels)


@lru_cache(maxsize=1)
def model() -> Any:
    """The classifier trained from data/routing/step_training.yml (once per process)."""
    return build(*training_examples())


def step_probabilities(text: str) -> dict[str, float]:
    """{'1'..'7', 'none': probability} for one message."""
    fitted = model()
    probs = fitted.predict_proba([normalise(text)])[0]
    return {str(label): float(p) for label, p in zip(fitted.classes_, probs, strict=True)}


def classify(text: str) -> tuple[int | None, float]:
    """(step or None, the classifier's confidence in that answer)."""
    probs = step_probabilities(text)
    label = max(probs, key=probs.__getitem__)
    return (None if label == NONE else int(label)), probs[label]
