"""Step recall and person facts from free text, on the blind held-out sentences (or the dev
sentences until those exist), with Wayfinder's own spaCy pipeline (no Rasa)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
import yaml

from bot.person_facts import facts_in, groups_for

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HELDOUT = PROJECT_ROOT / "tests" / "routing" / "heldout"
SPACY_MODEL = PROJECT_ROOT / "models" / "spacy" / "wayfinder_en"


@lru_cache(maxsize=1)
def nlp() -> Any:
    return spacy.load(SPACY_MODEL)


def sentences(name: str, dev: str) -> tuple[list[dict], bool]:
    """(sentences, held_out?) from heldout/<name>, else the dev file."""
    path = HELDOUT / name
    held_out = path.exists()
    chosen = path if held_out else PROJECT_ROOT / "tests" / "routing" / dev
    return list(yaml.safe_load(chosen.read_text(encoding="utf-8"))["sentences"]), held_out


def step_scores(items: list[dict], keep_texts: bool = False) -> dict[str, Any]:
    """Recall on sentences with a step; how often a sentence with no step got one. The texts
    missed are kept only when asked (the developer's own sentences, never held-out ones)."""
    with_step = [s for s in items if s.get("step")]
    without = [s for s in items if not s.get("step")]
    misses = []
    hits = 0
    for item in with_step:
        got = facts_in(nlp()(str(item["text"]))).step
        if got == int(item["step"]):
            hits += 1
        else:
            misses.append((item["text"] if keep_texts else "", item["step"], got))
    false = [s["text"] for s in without if facts_in(nlp()(str(s["text"]))).step is not None]
    return {"recall": hits / len(with_step) if with_step else 1.0, "n": len(with_step),
            "misses": misses, "false_steps": len(false), "n_without": len(without)}


def fact_scores(items: list[dict]) -> dict[str, Any]:
    """Accuracy of age and relationship; recall and precision of groups."""
    age_ok = rel_ok = 0
    tp = fp = fn = 0
    for item in items:
        facts = facts_in(nlp()(str(item["text"])))
        age_ok += facts.age == item.get("age")
        rel_ok += facts.relationship == item.get("relationship")
        role = "carer" if item.get("relationship") not in (None, "self", "client") else "self"
        got = set(groups_for(role, facts.age, facts.groups)) - {"carers"}
        want = set(item.get("groups") or []) - {"carers"}
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
    n = max(len(items), 1)
    return {"age_accuracy": age_ok / n, "relationship_accuracy": rel_ok / n,
            "group_recall": tp / max(tp + fn, 1), "group_precision": tp / max(tp + fp, 1),
            "n": len(items)}
