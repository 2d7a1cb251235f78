"""What the risk model's word features see: words a denial reaches are marked ("he never
not_hits not_me"), so "he hits me" and "he never hits me" no longer share their risk words.

The same word lists as the phrase rules' negation check (data/safeguarding/words.yml
`negation`): the cues, "no" as an answer ("no he hits me"), doubt ("not sure he hits her"), the
reach (window) and the words that end it. Plain strings, no spaCy: used inside the model's
vectoriser (bot/safeguarding/model_builder.py), so it must stay a module-level function.
"""

from __future__ import annotations

import re

from bot.safeguarding.config import WordLists, word_lists

MARK = "not_"
_TOKENS = re.compile(r"[a-z0-9']+|[.,!?;:()\-]")
# Contractions typed without the apostrophe ("dont", "cant", "wasnt").
_BARE_STEMS = frozenset({"do", "does", "did", "ca", "wo", "is", "was", "were", "are", "have",
                         "has", "had", "could", "would", "should", "must", "ai", "need", "might",
                         "sha", "dare"})


def _is_cue(token: str, following: str, words: WordLists) -> bool:
    if token in words.negation_cues:
        if token == "no" and following in words.no_as_answer_before:
            return False
    elif not (token.endswith("n't") or (token.endswith("nt") and token[:-2] in _BARE_STEMS)):
        return False
    return following not in words.doubt_after


def _ends_scope(token: str, words: WordLists) -> bool:
    return (not token[0].isalnum() or token in words.clause_breaks
            or token in words.scope_breaks)


def negation_marked(text: str) -> str:
    """The text as tokens, each word within a denial's reach prefixed with MARK."""
    words = word_lists()
    tokens = _TOKENS.findall(text.lower().replace("\u2019", "'"))
    out: list[str] = []
    reach = 0
    for index, token in enumerate(tokens):
        if _ends_scope(token, words):
            reach = 0
        elif reach:
            out.append(MARK + token)
            reach -= 1
            continue
        out.append(token)
        following = tokens[index + 1] if index + 1 < len(tokens) else "."
        if token[0].isalnum() and _is_cue(token, following, words):
            reach = words.window
    return " ".join(out)

