"""Builds Wayfinder's spaCy pipeline from data/patterns into models/spacy (no pretrained model).

Run: python -m bot.nlu.spacy_builder [--out models/spacy/wayfinder_en] [--force]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import spacy
import spacy_lookups_data
import yaml
from spacy.language import Language

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PATTERNS_DIR = PROJECT_ROOT / "data" / "patterns"
DEFAULT_OUT = PROJECT_ROOT / "models" / "spacy" / "wayfinder_en"
# Entity label for each patterns file; the key under each file is the pattern's id.
PATTERN_FILES: dict[str, str] = {
    "NEED": "need_areas.yml",
    "ROLE": "roles.yml",
    "RISK": "risk.yml",
    "NOT_RISK": "not_risk.yml",
}
# Facts about the person and their step: a span ruler, so they may overlap the entities above
# ("my mum" is both a role and a relationship). Found in doc.spans[FACTS_KEY].
FACT_FILES: dict[str, str] = {
    "CONDITION": "conditions.yml",
    "RELATION": "relationships.yml",
    "AGE": "ages.yml",
    "STEP": "steps.yml",
}
FACTS_KEY = "facts"
FINGERPRINT_NAME = "wayfinder_fingerprint.txt"
# Apostrophe-less contractions split oddly ("cant" -> "ca"+"nt"); give their pieces a lemma.
TEXT_SPEAK: dict[str, str] = {"ca": "can", "wo": "will", "nt": "not", "n't": "not", "u": "you",
                              "ur": "your", "im": "i", "mum's": "mum", "dont": "do"}


# Words the lookup table leaves out (their lemma is themselves): without an entry, "My" at the
# start of a sentence keeps its capital and "My mum" would not match the pattern "my mum".
PLAIN_WORDS: tuple[str, ...] = ("my", "our", "her", "his", "their", "your", "the", "a", "an", "i",
                                "she", "he", "we", "they", "it", "me", "him", "us", "them", "this",
                                "that", "in", "on", "at", "to", "for", "of", "and", "but", "so",
                                "since", "after", "we've", "i've", "i'm", "she's", "he's")


def _case_insensitive_lookups(nlp: Language) -> None:
    """Adds lower/Title/UPPER forms to the lemma table, so 'Cooking' lemmatises like 'cooking'."""
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    source = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        original: dict[str, str] = json.load(handle)  # the table itself only keeps hashed keys
    original.update({word: original.get(word, word) for word in PLAIN_WORDS})
    original.update(TEXT_SPEAK)
    extra: dict[str, str] = {}
    for key, value in original.items():
        lemma = str(value).lower()
        for form in (str(key), str(key).lower(), str(key).title(), str(key).upper()):
            extra.setdefault(form, lemma)
        for form in (lemma.title(), lemma.upper()):
            extra.setdefault(form, lemma)
    for key, value in extra.items():
        if key not in original or key in TEXT_SPEAK:
            table[key] = value


def blank_pipeline() -> Language:
    """An English tokenizer with the (case-insensitive) lookup lemmatizer, ready for patterns."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data (needed before add_patterns)
    _case_insensitive_lookups(nlp)
    return nlp


def lemma_of(nlp: Language, word: str) -> str:
    """The dictionary form our pipeline gives a single word."""
    doc = nlp(word)
    return doc[0].lemma_.lower() if len(doc) else word.lower()


def phrase_to_pattern(nlp: Language, phrase: str) -> list[dict[str, Any]]:
    """'can't cook' -> token patterns matching each word by lemma, or '*' for any one word."""
    tokens = []
    for token in nlp(phrase.strip()):
        if token.text == "*":
            tokens.append({"OP": "?"})
        elif token.is_punct and token.text not in ("'", "-"):
            tokens.append({"ORTH": token.text, "OP": "?"})
        else:
            tokens.append({"LEMMA": token.lemma_.lower()})
    return tokens


def load_pattern_file(path: Path) -> dict[str, list[Any]]:
    """Reads one patterns file: {id: [phrase or raw spaCy token pattern, ...]}."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of id -> list of phrases")
    for key, phrases in data.items():
        if not isinstance(phrases, list) or not phrases:
            raise ValueError(f"{path}: '{key}' must list at least one phrase")
    return data


def phrase_to_norm_pattern(nlp: Language, phrase: str) -> list[dict[str, Any]]:
    """'Alzheimer's' -> token patterns matching each word's normal form (lower case, curly
    apostrophes straightened): the lookup table has no dictionary form for names and acronyms,
    so 'Parkinson's', 'PTSD' or 'MENTAL HEALTH' escape the lemma pattern."""
    tokens = []
    for token, lemma in zip(nlp(phrase.strip()), phrase_to_pattern(nlp, phrase), strict=True):
        tokens.append({"NORM": token.norm_} if "LEMMA" in lemma else lemma)
    return tokens


def build_patterns(nlp: Language, patterns_dir: Path = PATTERNS_DIR,
                   files: dict[str, str] | None = None,
                   norm_too: bool = False) -> list[dict[str, Any]]:
    """Every ruler pattern from the pattern files (entities by default), with label and id;
    `norm_too` adds a normal-form pattern for each phrase (the facts' span ruler)."""
    patterns: list[dict[str, Any]] = []
    for label, filename in (files or PATTERN_FILES).items():
        for ident, phrases in load_pattern_file(patterns_dir / filename).items():
            for phrase in phrases:
                raw = isinstance(phrase, list)
                pattern = phrase if raw else phrase_to_pattern(nlp, str(phrase))
                patterns.append({"label": label, "id": str(ident), "pattern": pattern})
                if norm_too and not raw:
                    norm = phrase_to_norm_pattern(nlp, str(phrase))
                    if norm != pattern:
                        patterns.append({"label": label, "id": str(ident), "pattern": norm})
    return patterns


def build(patterns_dir: Path = PATTERNS_DIR) -> Language:
    """The whole pipeline in memory (tests use this directly)."""
    nlp = blank_pipeline()
    patterns = build_patterns(nlp, patterns_dir)  # before the ruler exists: no empty-ruler warnings
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(patterns)
    facts = build_patterns(nlp, patterns_dir, FACT_FILES, norm_too=True)
    span_ruler = nlp.add_pipe("span_ruler", config={"spans_key": FACTS_KEY,
                                                    "phrase_matcher_attr": "LOWER"})
    span_ruler.add_patterns(facts)
    return nlp


def fingerprint(patterns_dir: Path = PATTERNS_DIR) -> str:
    """A hash of everything the build reads, so make can tell when to rebuild and retrain."""
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    digest.update(spacy.__version__.encode())
    for filename in sorted([*PATTERN_FILES.values(), *FACT_FILES.values()]):
        path = patterns_dir / filename
        if path.exists():
            digest.update(filename.encode() + path.read_bytes())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    stamp = args.out / FINGERPRINT_NAME
    wanted = fingerprint()
    if not args.force and stamp.exists() and stamp.read_text().strip() == wanted:
        print(f"spaCy pipeline up to date: {args.out}")
        return 0
    nlp = build()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    stamp.write_text(wanted + "\n")
    every = nlp.get_pipe("entity_ruler").patterns + nlp.get_pipe("span_ruler").patterns
    counts = json.dumps({label: sum(1 for p in every if p["label"] == label)
                         for label in [*PATTERN_FILES, *FACT_FILES]})
    print(f"built spaCy pipeline {args.out} patterns={counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
