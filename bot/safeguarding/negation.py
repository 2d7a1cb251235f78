"""Decides whether a risk phrase is denied ("he doesn't hit me") or just near a negative word."""

from __future__ import annotations

from spacy.tokens import Doc

from bot.safeguarding.config import WordLists


def is_cue(doc: Doc, index: int, words: WordLists) -> bool:
    """True when token `index` denies what follows it (not an answer "no", not "not sure")."""
    low = doc[index].lower_
    if low not in words.negation_cues:
        return False
    following = doc[index + 1].lower_ if index + 1 < len(doc) else "."
    if low == "no" and following in words.no_as_answer_before:
        return False  # "no he hits me": an answer, then a disclosure
    return following not in words.doubt_after


def _breaks_scope(doc: Doc, index: int, words: WordLists) -> bool:
    token = doc[index]
    low = token.lower_
    return token.is_punct or low in words.clause_breaks or low in words.scope_breaks


def denied_before(doc: Doc, start: int, words: WordLists) -> bool:
    """A denial in the few words before `start`, within the same clause."""
    index, steps = start - 1, 0
    while index >= 0 and steps < words.window:
        if is_cue(doc, index, words):
            return True
        if _breaks_scope(doc, index, words):
            return False
        index -= 1
        steps += 1
    return False


def denied_within(doc: Doc, start: int, end: int, words: WordLists) -> bool:
    """A denial inside a matched stretch ("my husband doesn't hit me" for "husband ... hit")."""
    return any(is_cue(doc, index, words) for index in range(start, end))


def is_denied(doc: Doc, start: int, end: int, spells_negation: bool, words: WordLists) -> bool:
    """Whether a risk phrase at doc[start:end] is denied by the words around it.

    A phrase that spells its own negation ("not want to live") is only checked before it.
    """
    if denied_before(doc, start, words):
        return True
    return not spells_negation and denied_within(doc, start, end, words)
