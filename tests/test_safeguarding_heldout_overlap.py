"""The held-out safeguarding set is never trained on: nothing equal or close to training data.

Fails on any held-out text that, after normalising case, punctuation and spacing, equals a text the
model or the rules are built from (training templates filled for every person, the generated corpus,
data/nlu examples, the project's corpus, risk and not-risk phrases), or has token-set Jaccard
similarity >= 0.9 with one (exact, using a prefix filter so it runs in seconds).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from bot.safeguarding.corpus import build_corpus, source_sentences

PROJECT = Path(__file__).resolve().parent.parent
HELDOUT = PROJECT / "tests" / "safeguarding" / "heldout"
THRESHOLD = 0.9
# One- and two-word replies ("no", "hello", "stop", "thanks") are protocol words every dialogue's
# training data must contain; the overlap rule applies to anything longer.
MIN_WORDS = 3


def normalise(text: str) -> str:
    """Lower case, punctuation dropped (apostrophes too), spaces squeezed."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("\u2019", "")))


def _pattern_phrases() -> list[str]:
    phrases: list[str] = []
    for name in ("risk.yml", "not_risk.yml"):
        data = yaml.safe_load((PROJECT / "data" / "patterns" / name).read_text(encoding="utf-8"))
        for values in (data or {}).values():
            phrases += [str(v) for v in values or () if isinstance(v, str)]
    return phrases


def training_texts() -> list[str]:
    """Everything the learned model and the rules are built from."""
    return [*source_sentences(), *(e.text for e in build_corpus()), *_pattern_phrases()]


def heldout_texts() -> list[str]:
    texts: list[str] = []
    for name, key in (("disclosures.yml", "disclosures"), ("near_misses.yml", "near_misses"),
                      ("conversation.yml", "conversation")):
        path = HELDOUT / name
        if path.exists():
            texts += [str(i["text"]) for i in yaml.safe_load(path.read_text("utf-8"))[key]]
    return texts


def near_duplicates(probes: list[str], sources: list[str],
                    threshold: float = THRESHOLD) -> list[tuple[str, str, float]]:
    """(probe, source, jaccard) for every pair at or above the threshold (prefix filtering)."""
    source_sets = list({frozenset(normalise(s).split()) for s in sources} - {frozenset()})
    frequency = Counter(token for tokens in source_sets for token in tokens)

    def ordered(tokens: frozenset[str]) -> list[str]:
        return sorted(tokens, key=lambda t: (frequency[t], t))

    def prefix(tokens: frozenset[str]) -> list[str]:
        return ordered(tokens)[: len(tokens) - math.ceil(threshold * len(tokens)) + 1]

    index: dict[str, list[int]] = defaultdict(list)
    for number, tokens in enumerate(source_sets):
        for token in prefix(tokens):
            index[token].append(number)
    found = []
    for probe in probes:
        tokens = frozenset(normalise(probe).split())
        if not tokens:
            continue
        candidates = {n for token in prefix(tokens) for n in index.get(token, ())}
        for number in candidates:
            other = source_sets[number]
            score = len(tokens & other) / len(tokens | other)
            if score >= threshold:
                found.append((probe, " ".join(sorted(other)), score))
    return found


def test_near_duplicate_finder_catches_case_punctuation_and_small_changes():
    sources = ["My mum has fallen and can't get up", "the carers are always late"]
    probes = ["MY MUM HAS FALLEN, AND CANT GET UP!!", "my mum has fallen and cant get up now",
              "the carer was late", "something else entirely"]
    hits = {probe for probe, _, _ in near_duplicates(probes, sources)}
    assert hits == {"MY MUM HAS FALLEN, AND CANT GET UP!!"}
    long = "my dad fell in the night and he has been lying on the kitchen floor for hours since"
    assert near_duplicates([long + " today"], [long])  # one extra word in 18: Jaccard 0.94


def test_heldout_set_is_present():
    if not HELDOUT.exists():
        pytest.fail("tests/safeguarding/heldout/ is missing: the held-out set must be committed")
    assert len(heldout_texts()) >= 800


def test_no_heldout_text_is_in_training_data_patterns_or_corpus():
    probes = [t for t in heldout_texts() if len(normalise(t).split()) >= MIN_WORDS]
    sources = training_texts()
    # Failures name only our own training text (to delete it), never the held-out text.
    exact = set(map(normalise, sources)) & set(map(normalise, probes))
    assert not exact, f"{len(exact)} held-out texts are in the training data: {sorted(exact)[:10]}"
    close = near_duplicates(probes, sources)
    assert not close, f"{len(close)} near-duplicates; training side: {[c[1] for c in close][:10]}"
