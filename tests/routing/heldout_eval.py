"""Step recall and person facts from free text, on the blind held-out sentences (or the dev
sentences until those exist), with Wayfinder's own spaCy pipeline (no Rasa)."""

from __future__ import annotations

from collections import Counter
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


# Groups that come from the age (or the role), not from a condition said in words: the age is
# scored on its own (age accuracy), and the held-out labels list conditions only.
DERIVED_GROUPS = frozenset({"carers", "older_people", "young_adults"})


def fact_scores(items: list[dict]) -> dict[str, Any]:
    """Accuracy of age and relationship; recall and precision of the conditions said (groups
    other than the age bands and carers), and precision counting the age bands too."""
    age_ok = rel_ok = 0
    tp = fp = fn = banded_tp = banded_fp = 0
    by_group: dict[str, Counter[str]] = {}
    for item in items:
        facts = facts_in(nlp()(str(item["text"])))
        age_ok += facts.age == item.get("age")
        rel_ok += facts.relationship == item.get("relationship")
        role = "carer" if item.get("relationship") not in (None, "self", "client") else "self"
        every = set(groups_for(role, facts.age, facts.groups)) - {"carers"}
        wanted = set(item.get("groups") or []) - {"carers"}
        banded_tp += len(every & wanted)
        banded_fp += len(every - wanted)
        got, want = every - DERIVED_GROUPS, wanted - DERIVED_GROUPS
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        for kind, found in (("tp", every & wanted), ("fp", every - wanted), ("fn", wanted - every)):
            for group in found:
                by_group.setdefault(str(group), Counter())[kind] += 1
    n = max(len(items), 1)
    return {"age_accuracy": round(age_ok / n, 3), "relationship_accuracy": round(rel_ok / n, 3),
            "group_recall": round(tp / max(tp + fn, 1), 3),
            "group_precision": round(tp / max(tp + fp, 1), 3),
            "group_precision_with_age_bands": round(banded_tp / max(banded_tp + banded_fp, 1), 3),
            "n": len(items),
            # Counts per group (figures only): where wrong groups come from.
            "by_group": {g: dict(c) for g, c in sorted(by_group.items())}}
