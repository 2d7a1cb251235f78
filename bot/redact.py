"""Removes personal details from a piece of text before anything keeps it (spaCy + patterns).

redact("My name is Joan Smith, call me on 07700 900123") -> "My name is [NAME], call me on [PHONE]"

Finds: email addresses, UK (and +international) phone numbers, full postcodes, street addresses
with a number, dates, long numbers (NHS, account), and names: after a title (Mrs Patel), after
"my name is / call me / I'm called" (any case), after "I'm / this is / called / my mum" (only a
Capitalised word), and runs of two or more Capitalised words (Joan Smith). It cannot know every
name: a single lower-case name with no cue ("saw joan today"), or a name that is also a common
word after a weak cue, gets through. Treat it as a safety net, not a guarantee.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

MAX_CHARS = 1_000_000
_SEP = r"[\s\-.()\u200b-\u200d\u2060\ufeff]*"
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("EMAIL", re.compile(r"[\w.%+\-']+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)),
    ("PHONE", re.compile(rf"(?:(?:\+|(?<!\d)00){_SEP}44{_SEP}(?:\(0\){_SEP})?|(?<![\w+])\(?0)"
                         rf"(?:{_SEP}\d){{9,10}}(?!\d)")),
    ("PHONE", re.compile(rf"(?<![\w+])\+{_SEP}[1-9](?:{_SEP}\d){{7,14}}(?!\d)")),
    ("PHONE", re.compile(r"(?<!\d)7\d{3}\s?\d{6}(?!\d)")),  # a mobile without its leading 0
    ("POSTCODE", re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[A-Z]{2}\b", re.IGNORECASE)),
    ("ADDRESS", re.compile(
        r"\b\d{1,4}[a-z]?,?\s+(?:[a-z'\-]+\s+){1,3}(?:street|st|road|rd|lane|ln|avenue|ave|close|"
        r"drive|way|court|crescent|place|gardens|grove|terrace|hill|row|walk|park|view|square|"
        r"mews|parade|rise|green)\b\.?", re.IGNORECASE)),
    ("DATE", re.compile(r"(?<!\d)\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?!\d)")),
    ("NUMBER", re.compile(r"(?<!\d)\d(?:[\s\-]?\d){7,}(?!\d)")),  # NHS numbers, accounts
)
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "sir", "dame",
          "lady", "lord", "rev", "reverend", "father", "sister", "nurse"}
TITLES |= {t + "." for t in TITLES}
RELATIVES = {"mum", "mother", "mam", "mom", "dad", "father", "husband", "wife", "partner", "son",
             "daughter", "brother", "sister", "friend", "neighbour", "carer", "aunt", "auntie",
             "uncle", "nan", "nana", "gran", "granny", "grandma", "grandad", "grandpa", "grandson",
             "granddaughter", "nephew", "niece", "cousin", "boyfriend", "girlfriend", "fiancé",
             "fiance", "stepmum", "stepdad", "child", "baby", "worker", "gp", "pa"}
# Words that follow "I'm" or stand in capitalised runs but are not names.
NOT_NAMES = {
    "worried", "sorry", "afraid", "not", "unable", "struggling", "disabled", "deaf", "blind",
    "old", "tired", "scared", "lonely", "confused", "stressed", "isolated", "exhausted", "married",
    "retired", "widowed", "concerned", "interested", "housebound", "frightened", "bored",
    "depressed", "upset", "fine", "ok", "okay", "good", "well", "here", "new", "unwell", "ill",
    "sick", "poorly", "autistic", "diabetic", "homeless", "alone", "single", "desperate", "stuck",
    "happy", "sad", "angry", "unsure", "aged", "also", "still", "just", "really", "very", "so",
    "currently", "now", "trying", "please", "hi", "hello", "hey", "thanks", "help", "yes", "no",
    "council", "advice", "care", "carers", "service", "services", "centre", "center", "group",
    "club", "society", "trust", "hospital", "surgery", "practice", "library", "church", "mosque",
    "temple", "gurdwara", "synagogue", "network", "association", "foundation", "charity",
    "partnership", "team", "office", "house", "hall", "street", "road", "borough", "county",
    "city", "town", "uk", "nhs", "age", "mind", "citizens", "social", "adult", "adults", "health",
    "housing", "money", "support", "line", "direct", "payment", "payments", "budget",
    "personal", "independent", "living", "community", "day", "benefit", "benefits", "credit",
    "universal", "attendance", "allowance", "blue", "badge", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "christmas",
    "easter", "english", "british", "god", "jesus", "allah", "wayfinder", "northmoor", "samaritans",
    "talking", "therapies", "meals", "wheels", "dementia", "alzheimer", "alzheimer's", "parkinson",
    "parkinson's", "stroke", "cancer", "macmillan", "marie", "curie", "food", "bank", "job",
    "plus", "google", "facebook", "whatsapp", "iphone", "android", "covid", "tv", "bbc",
}
STRONG_CUES = [[{"LOWER": "my"}, {"LOWER": "name"}, {"LOWER": {"IN": ["is", "'s", "’s"]}}],
               [{"LOWER": "name"}, {"LOWER": {"IN": ["is", "'s", "’s"]}}, {"IS_PUNCT": True,
                                                                         "OP": "?"}],
               [{"LOWER": {"IN": ["name", "names", "surname"]}}, {"ORTH": ":"}],
               [{"LOWER": "call"}, {"LOWER": "me"}],
               [{"LOWER": {"IN": ["am", "'m", "’m", "m", "is"]}}, {"LOWER": "called"}],
               [{"LOWER": {"IN": ["signed", "regards", "from", "love"]}}, {"IS_PUNCT": True}]]
WEAK_CUES = [[{"LOWER": "i"}, {"LOWER": {"IN": ["am", "'m", "’m", "m"]}}], [{"LOWER": "im"}],
             [{"LOWER": {"IN": ["this", "it"]}}, {"LOWER": {"IN": ["is", "'s", "’s"]}}],
             [{"LOWER": {"IN": ["called", "named", "dear", "hi", "hello", "thanks"]}}],
             [{"LOWER": {"IN": ["my", "our", "his", "her", "their"]}}, {"LOWER": {"IN":
                                                                        sorted(RELATIVES)}}],
             [{"LOWER": {"IN": sorted(TITLES)}}]]
JOINERS = {"-", "'", "’"}
_NAME_SHAPE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@lru_cache(maxsize=1)
def pipeline() -> tuple[Language, Matcher]:
    """A blank English tokenizer and the cue matcher (built once)."""
    nlp = spacy.blank("en")
    nlp.max_length = MAX_CHARS + 1
    matcher = Matcher(nlp.vocab)
    matcher.add("STRONG", STRONG_CUES)
    matcher.add("WEAK", WEAK_CUES)
    return nlp, matcher


def _ascii_digits(text: str) -> str:
    """Full-width and other digits become 0-9, one character for one (offsets stay the same)."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.digit(c)) if not c.isascii() and c.isdigit()
                   and unicodedata.digit(c, None) is not None else c for c in text)


def _pattern_spans(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    probe = _ascii_digits(text)
    for label, pattern in PATTERNS:
        for match in pattern.finditer(probe):
            spans.append((match.start(), match.end(), label))
    return spans


def _name_like(token, capital_needed: bool) -> bool:
    text = token.text
    lower = text.lower()
    if (not _NAME_SHAPE.fullmatch(text) or lower in STOP_WORDS or lower in NOT_NAMES
            or lower in TITLES or lower in RELATIVES):
        return False
    if capital_needed:
        return text[0].isupper() and not text.isupper() or (len(text) > 1 and text.istitle())
    return True


def _weak_word_ok(text: str) -> bool:
    """After "I'm"-type cues, skip words that describe a state ("I'm Struggling")."""
    lower = text.lower()
    return not (lower.endswith("ing") and len(lower) > 5)


def _names_after(doc: Doc, start: int, strong: bool, lower_case_text: bool) -> Span | None:
    """Up to three name-like tokens from start (skipping one comma). After a strong cue the
    first word may be lower case (and the rest too when the whole text is lower case)."""
    i = start
    if i < len(doc) and doc[i].text in (",", ":", "-"):
        i += 1
    end, words = i, 0
    while end < len(doc) and words < 3:
        capital_needed = not strong or not (end == i or lower_case_text)
        token = doc[end]
        if end > i and token.text in JOINERS and _joins(doc, end):  # Mary-Jane, O'Neill
            end += 1
            continue
        if not _name_like(token, capital_needed) or (not strong and not _weak_word_ok(token.text)):
            break
        end, words = end + 1, words + 1
    while end > i and doc[end - 1].text in JOINERS:
        end -= 1
    return doc[i:end] if end > i else None


def _joins(doc: Doc, at: int) -> bool:
    """A hyphen or apostrophe written tight between two words."""
    return (at + 1 < len(doc) and not doc[at - 1].whitespace_ and not doc[at].whitespace_
            and _NAME_SHAPE.fullmatch(doc[at + 1].text) is not None)


def _name_spans(doc: Doc, matcher: Matcher) -> list[tuple[int, int, str]]:
    lower_case_text = not any(ch.isupper() for ch in doc.text)
    words = [t for t in doc if t.is_alpha and t.text != "I"]  # "I" is always a capital
    # In a message Written Like This, a capital letter says nothing about names.
    mostly_title = len(words) >= 4 and sum(t.is_title for t in words) / len(words) > 0.6
    spans: list[tuple[int, int, str]] = []
    for match_id, _start, end in matcher(doc):
        strong = doc.vocab.strings[match_id] == "STRONG"
        if mostly_title and not strong:
            continue
        found = _names_after(doc, end, strong, lower_case_text)
        if found is not None:
            spans.append((found.start_char, found.end_char, "NAME"))
    if not mostly_title:  # runs of two or more Capitalised Words
        run: list = []
        for token in list(doc) + [None]:
            if token is not None and token.is_title and _name_like(token, True):
                run.append(token)
                continue
            if len(run) >= 2:
                spans.append((run[0].idx, run[-1].idx + len(run[-1].text), "NAME"))
            run = []
    return spans


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Earliest first, longest first; overlapping spans join the one that started first."""
    merged: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            first = merged[-1]
            merged[-1] = (first[0], max(first[1], end), first[2])
        else:
            merged.append((start, end, label))
    return merged


def find_personal(text: str) -> list[tuple[int, int, str]]:
    """Character spans (start, end, label) of personal details in text."""
    if not isinstance(text, str):
        raise TypeError("redact() needs a string")
    if len(text) > MAX_CHARS:
        raise ValueError(f"text longer than {MAX_CHARS} characters")
    nlp, matcher = pipeline()
    pattern_spans = _pattern_spans(text)
    doc = nlp.make_doc(text)
    taken = [(s, e) for s, e, _ in pattern_spans]
    names = [(s, e, lab) for s, e, lab in _name_spans(doc, matcher)
             if not any(s < te and ts < e for ts, te in taken)]
    return _merge(pattern_spans + names)


def redact(text: str) -> str:
    """text with each personal detail replaced by [NAME], [PHONE], [EMAIL], [POSTCODE], ..."""
    spans = find_personal(text)
    out, last = [], 0
    for start, end, label in spans:
        out.append(text[last:start])
        out.append(f"[{label}]")
        last = end
    out.append(text[last:])
    return "".join(out)
