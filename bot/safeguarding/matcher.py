"""Compiles data/patterns/risk.yml and not_risk.yml into a spaCy Matcher for detection.

Detection runs its own matcher rather than reading doc.ents: the entity ruler keeps only one
entity per stretch of text (so a need-area phrase could hide a risk phrase), while safeguarding
needs every risk phrase that matched.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from bot.nlu.spacy_builder import PATTERNS_DIR, load_pattern_file, phrase_to_pattern

RISK, NOT_RISK = "RISK", "NOT_RISK"
_NEGATION_WORDS = frozenset({"not", "n't", "nt", "never", "no", "nobody", "noone", "none", "nor"})


@dataclass(frozen=True)
class PatternInfo:
    """One compiled pattern: its label, id (the kind for RISK) and whether it spells a negation."""

    label: str
    ident: str
    has_negation: bool


@dataclass(frozen=True)
class Match:
    """A stretch of the message that a pattern matched (token offsets, end exclusive)."""

    label: str
    ident: str
    start: int
    end: int
    has_negation: bool


def _values(spec: Any) -> list[str]:
    if isinstance(spec, str):
        return [spec.lower()]
    if isinstance(spec, dict) and isinstance(spec.get("IN"), list):
        return [str(value).lower() for value in spec["IN"]]
    return []


def spells_negation(pattern: list[dict[str, Any]]) -> bool:
    """True when a token of the pattern itself is a negation word ("not want to live")."""
    for token in pattern:
        for key in ("LEMMA", "LOWER", "ORTH", "NORM", "TEXT"):
            if _NEGATION_WORDS.intersection(_values(token.get(key))):
                return True
    return False


@lru_cache(maxsize=4)
def compiled_patterns(patterns_dir: str = str(PATTERNS_DIR)) -> tuple[tuple[PatternInfo, Any], ...]:
    """Every RISK and NOT_RISK pattern as (info, spaCy token pattern), phrases lemmatised once."""
    from bot.nlu.spacy_builder import blank_pipeline  # loads lookup tables: only when needed

    nlp = blank_pipeline()
    result: list[tuple[PatternInfo, Any]] = []
    for label, filename in ((RISK, "risk.yml"), (NOT_RISK, "not_risk.yml")):
        for ident, phrases in load_pattern_file(Path(patterns_dir) / filename).items():
            for phrase in phrases:
                if isinstance(phrase, list):
                    pattern = phrase
                else:
                    pattern = phrase_to_pattern(nlp, str(phrase))
                if pattern:
                    info = PatternInfo(label, str(ident), spells_negation(pattern))
                    result.append((info, pattern))
    return tuple(result)


class RiskMatcher:
    """Finds every RISK and NOT_RISK match in a Doc (one matcher per spaCy vocabulary)."""

    def __init__(self, patterns_dir: str = str(PATTERNS_DIR)) -> None:
        self._patterns = compiled_patterns(patterns_dir)
        self._by_vocab: dict[int, tuple[Vocab, Matcher, dict[int, PatternInfo]]] = {}
        self._lock = threading.Lock()

    def _matcher_for(self, vocab: Vocab) -> tuple[Matcher, dict[int, PatternInfo]]:
        with self._lock:
            entry = self._by_vocab.get(id(vocab))
            if entry is None or entry[0] is not vocab:
                matcher = Matcher(vocab)
                infos: dict[int, PatternInfo] = {}
                for index, (info, pattern) in enumerate(self._patterns):
                    key = f"{info.label}|{info.ident}|{index}"
                    matcher.add(key, [pattern])
                    infos[vocab.strings[key]] = info
                entry = (vocab, matcher, infos)
                self._by_vocab[id(vocab)] = entry
            return entry[1], entry[2]

    def __call__(self, doc: Doc) -> list[Match]:
        matcher, infos = self._matcher_for(doc.vocab)
        found = {
            Match(infos[key].label, infos[key].ident, start, end, infos[key].has_negation)
            for key, start, end in matcher(doc)
        }
        return sorted(found, key=lambda m: (m.start, m.end, m.label, m.ident))


@lru_cache(maxsize=4)
def risk_matcher(patterns_dir: str = str(PATTERNS_DIR)) -> RiskMatcher:
    """The shared matcher for a patterns folder (built on first use, a few seconds)."""
    return RiskMatcher(patterns_dir)
