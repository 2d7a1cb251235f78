"""Builds the learned model's training corpus from data in this repo (data/safeguarding/training/).

Templates x people x styles (third person, typos, text-speak, no punctuation, long messages with
the risk mid-paragraph, SMS brevity), seeded so every build gives the same corpus. Labels are
risk kind ids (data/vocabulary.yml) or NONE for a near-miss. Messages by outside writers who never
saw this project's data (training/written_*.yml, one file per writer) are used as written, plus a
few styled copies; leaving one writer out gives an honest dev set (tests/safeguarding_dev.py).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from bot.safeguarding.config import KINDS, PROJECT_ROOT

TRAINING_DIR = PROJECT_ROOT / "data" / "safeguarding" / "training"
NONE = "none"
WRITTEN_PREFIX = "written_"  # written_<writer>.yml: disclosures: {kind: [...]}, near_misses: {...}
WRITTEN_COPIES = 3  # each outside message as written, plus this many - 1 styled copies
_PRONOUNS = {"f": ("she", "her", "her"), "m": ("he", "him", "his")}
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Example:
    """One training sentence, its label (a kind or NONE) and the near-miss category if any."""

    text: str
    label: str
    category: str = ""


def _read(name: str) -> dict[str, Any]:
    return yaml.safe_load((TRAINING_DIR / name).read_text(encoding="utf-8")) or {}


def _merged(prefix: str) -> dict[str, list[str]]:
    """risk.yml + risk_*.yml (or safe...): one list of templates per key."""
    merged: dict[str, list[str]] = {}
    for path in sorted(TRAINING_DIR.glob(f"{prefix}*.yml")):
        for key, templates in _read(path.name).items():
            merged.setdefault(str(key), []).extend(str(t) for t in templates or ())
    return merged


@lru_cache(maxsize=1)
def _styles() -> dict[str, Any]:
    return _read("styles.yml")


def fill(template: str, person: list[str]) -> str:
    """A template with {P} and the pronouns filled for one person."""
    subject, obj, possessive = _PRONOUNS[person[1]]
    return template.format(P=person[0], s=subject, o=obj, r=possessive, S=subject.capitalize())


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    choice = rng.random()
    if choice < 0.33:
        return word[:i] + word[i + 1:]
    if choice < 0.66:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i] + word[i:]


def with_typos(text: str, rng: random.Random, rate: float = 0.15) -> str:
    """Drops, swaps or doubles a letter in about `rate` of the longer words."""
    return " ".join(_typo(w, rng) if rng.random() < rate else w for w in text.split())


def text_speak(text: str, rng: random.Random) -> str:
    """Text-speak spellings for some words, no apostrophes, no capitals."""
    table = {str(k): str(v) for k, v in _styles()["textspeak"].items()}
    words = [table.get(w, w) if rng.random() < 0.7 else w for w in text.lower().split()]
    return " ".join(words).replace("'", "")


def styled(sentence: str, rng: random.Random) -> str:
    """One sentence in one of several ways people actually type."""
    styles = _styles()
    roll = rng.random()
    opener, closer = rng.choice(styles["openers"]), rng.choice(styles["closers"])
    text = " ".join(part for part in (opener, sentence, closer) if part)
    if roll < 0.15:
        fillers = rng.sample(styles["fillers"], k=rng.randint(2, 4))
        cut = rng.randint(1, len(fillers) - 1)
        text = " ".join(fillers[:cut] + [sentence + "."] + fillers[cut:])
    elif roll < 0.3:
        text = text_speak(text, rng)
    elif roll < 0.45:
        text = with_typos(text, rng)
    elif roll < 0.55:
        text = sentence.upper() if rng.random() < 0.3 else sentence.capitalize() + "!!"
    elif roll < 0.65:
        text = re.sub(r"[^\w\s]", "", text)
    elif roll < 0.75:
        text = sentence  # SMS brevity: the bare sentence
    if rng.random() < 0.5:
        text = text[:1].upper() + text[1:]
    return text


def _expand(templates: list[str], label: str, category: str, per_template: int,
            rng: random.Random) -> list[Example]:
    persons = _styles()["persons"]
    examples: list[Example] = []
    for template in templates:
        uses_person = "{" in template
        count = per_template if uses_person else max(3, per_template // 2)
        for _ in range(count):
            sentence = fill(template, rng.choice(persons)) if uses_person else template
            examples.append(Example(styled(sentence, rng), label, category))
    return examples


def _project_corpus() -> list[Example]:
    """The project's own test corpus items marked held_out: false (its header allows training)."""
    examples: list[Example] = []
    folder = PROJECT_ROOT / "tests" / "safeguarding"
    for name, label in (("disclosures", None), ("near_misses", NONE), ("positive_risk", NONE)):
        path = folder / f"{name}.yml"
        if not path.exists():
            continue
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("items") or ():
            if item.get("held_out"):
                continue
            kind = label or next((k for k in item.get("kinds") or () if k in KINDS), None)
            if kind:
                examples.append(Example(str(item["text"]), kind, "project_corpus"))
    return examples


def _nlu_examples() -> list[Example]:
    """Every other intent's training examples in data/nlu (ordinary conversation) as NONE."""
    examples: list[Example] = []
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or ():
            if "intent" not in block or block["intent"] == "disclose_harm":
                continue
            for line in str(block.get("examples") or "").splitlines():
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", r"\1\2",
                              line.strip().removeprefix("- ").strip())
                if text:
                    examples.append(Example(text, NONE, "nlu"))
    return examples


def writers() -> list[str]:
    """The outside writers whose messages are in training/ (written_<writer>.yml)."""
    return [p.stem.removeprefix(WRITTEN_PREFIX)
            for p in sorted(TRAINING_DIR.glob(f"{WRITTEN_PREFIX}*.yml"))]


def written(writer: str) -> list[Example]:
    """One writer's messages as written: disclosures labelled by kind, near-misses NONE."""
    data = _read(f"{WRITTEN_PREFIX}{writer}.yml")
    unknown = set(data.get("disclosures") or {}) - set(KINDS)
    if unknown:
        raise ValueError(f"{WRITTEN_PREFIX}{writer}.yml: unknown kinds {sorted(unknown)}")
    examples = [Example(str(text), str(kind), "")
                for kind, texts in (data.get("disclosures") or {}).items() for text in texts or ()]
    examples += [Example(str(text), NONE, str(category))
                 for category, texts in (data.get("near_misses") or {}).items()
                 for text in texts or ()]
    return examples


def _written_corpus(exclude: frozenset[str], copies: int, rng: random.Random) -> list[Example]:
    examples: list[Example] = []
    for writer in writers():
        if writer in exclude:
            continue
        for example in written(writer):
            examples.append(example)
            examples += [Example(styled(example.text, rng), example.label, example.category)
                         for _ in range(copies - 1)]
    return examples


def build_corpus(seed: int = 7, per_template: int = 10,
                 exclude_writers: frozenset[str] = frozenset(),
                 written_copies: int = WRITTEN_COPIES) -> list[Example]:
    """The whole training corpus: kinds from risk.yml, near-misses from safe.yml, plus the rest.

    exclude_writers: outside writers left out (to score the model on their messages).
    """
    rng = random.Random(seed)
    risk, safe = _merged("risk"), _merged("safe")
    unknown = set(risk) - set(KINDS)
    if unknown:
        raise ValueError(f"training/risk.yml: kinds not in data/vocabulary.yml: {sorted(unknown)}")
    examples: list[Example] = []
    for kind, templates in risk.items():
        examples += _expand(list(templates), kind, "", per_template, rng)
    for category, templates in safe.items():
        examples += _expand(list(templates), NONE, category, per_template, rng)
    examples += _project_corpus() + _nlu_examples()
    return examples + _written_corpus(exclude_writers, written_copies, random.Random(seed + 1))


def source_sentences() -> list[str]:
    """Every hand-written sentence the corpus is built from (for the held-out overlap test)."""
    persons = _styles()["persons"]
    sentences: list[str] = []
    for prefix in ("risk", "safe"):
        for templates in _merged(prefix).values():
            for template in templates:
                sentences += [fill(template, person) for person in persons] if "{" in template \
                    else [template]
    sentences += [e.text for e in _project_corpus() + _nlu_examples()]
    return sentences + [e.text for writer in writers() for e in written(writer)]


def words(text: str) -> list[str]:
    """Lower-case words of a text (apostrophes kept)."""
    return _WORD.findall(text.lower())
