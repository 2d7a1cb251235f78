"""detect(doc): does this message disclose harm, and of which kinds (most urgent first)?"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from bot.safeguarding.config import KINDS, WordLists, kinds_by_urgency, word_lists
from bot.safeguarding.matcher import NOT_RISK, RISK, Match, risk_matcher
from bot.safeguarding.negation import is_denied

CHILD_EVIDENCE = "child_mentioned"
_AGE = re.compile(r"\b(\d{1,2})\s*-?\s*(?:years?|yrs?|yo|y/o)\b|\baged?\s+(\d{1,2})\b", re.I)


@dataclass(frozen=True)
class Disclosure:
    """What detection found: kinds of risk (most urgent first) and the pattern ids behind them."""

    kinds: tuple[str, ...]
    evidence_ids: tuple[str, ...]

    @property
    def most_urgent(self) -> str:
        """The kind whose reply goes out first."""
        return self.kinds[0]


def _covered(risk: Match, near_misses: list[Match]) -> bool:
    """A near-miss saying that covers the whole risk phrase wins ("cut myself shaving")."""
    return any(n.start <= risk.start and n.end >= risk.end for n in near_misses)


def mentions_child(doc: Doc, words: WordLists) -> bool:
    """Whether the message talks about a child (child words, "little girl", "my 8 year old")."""
    lowered = [token.lower_ for token in doc]
    if words.child_words.intersection(lowered):
        return True
    for pair in words.child_pairs:
        size = len(pair)
        if any(tuple(lowered[i:i + size]) == pair for i in range(len(lowered) - size + 1)):
            return True
    for match in _AGE.finditer(doc.text):
        age = int(match.group(1) or match.group(2))
        if age < words.adult_age:
            return True
    return False


def _ruler_matches(doc: Doc, seen: set[str]) -> list[Match]:
    """Entities the pipeline's entity ruler found from patterns this matcher does not know."""
    extra = []
    for ent in doc.ents:
        if ent.label_ in (RISK, NOT_RISK) and ent.ent_id_ and ent.ent_id_ not in seen:
            extra.append(Match(ent.label_, ent.ent_id_, ent.start, ent.end, False))
    return extra


def detect(doc: Doc) -> Disclosure | None:
    """Finds a disclosure of harm in a message parsed by Wayfinder's spaCy pipeline, or None.

    Biased to recall: any risk phrase that is not denied ("he doesn't hit me") and not part
    of an everyday saying ("dying for a cuppa") counts.
    """
    if len(doc) == 0:
        return None
    words = word_lists()
    matches = risk_matcher()(doc)
    matches += _ruler_matches(doc, {m.ident for m in matches})
    near_misses = [m for m in matches if m.label == NOT_RISK]
    found = [
        m for m in matches
        if m.label == RISK and m.ident in KINDS
        and not _covered(m, near_misses)
        and not is_denied(doc, m.start, m.end, m.has_negation, words)
    ]
    if not found:
        return None
    kinds = {m.ident for m in found}
    evidence = set(kinds)
    if kinds & words.child_applies_to and mentions_child(doc, words):
        kinds.add("child_at_risk")
        evidence.add(CHILD_EVIDENCE)
    return Disclosure(kinds=kinds_by_urgency(kinds), evidence_ids=tuple(sorted(evidence)))
