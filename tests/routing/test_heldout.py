"""Held-out measures that need only the spaCy pipeline: step reading on the dev sentences,
person facts reported, and no held-out text in training data or patterns (reported as our own
file and line numbers only: a held-out text is never printed)."""

from __future__ import annotations

import bisect
import re
from pathlib import Path

import pytest
import yaml

from tests.routing.heldout_eval import HELDOUT, PROJECT_ROOT, fact_scores, sentences, step_scores

TRAINING = [*(PROJECT_ROOT / "data" / "nlu").glob("*.yml"),
            *(PROJECT_ROOT / "data" / "stories").glob("*.yml"),
            *(PROJECT_ROOT / "data" / "rules").glob("*.yml"),
            *(PROJECT_ROOT / "data" / "patterns").glob("*.yml"),
            *(PROJECT_ROOT / "data" / "routing").glob("*.yml")]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9£' ]+", " ", text.lower().replace("’", "'")).split())


def heldout_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(HELDOUT.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("sentences") or []:
            texts.append(str(item.get("text") or ""))
        for vignette in data.get("vignettes") or []:
            texts += [str(v) for v in (vignette.get("messages") or {}).values() if v]
    return [t for t in texts if len(_norm(t).split()) >= 3]


def test_step_reading_on_the_dev_sentences():
    # The held-out step recall (>= 0.90) is gated in `make routing-test` (tests/routing/run.py).
    items = yaml.safe_load((PROJECT_ROOT / "tests" / "routing" / "dev_step_sentences.yml")
                           .read_text(encoding="utf-8"))["sentences"]
    scores = step_scores(items, keep_texts=True)
    assert scores["recall"] == 1.0 and scores["false_steps"] == 0, scores["misses"]


def test_person_facts_are_found():
    items, held_out = sentences("person_facts.yml", "dev_person_facts.yml")
    scores = fact_scores(items)
    print(f"person facts ({'held-out' if held_out else 'dev'}): {scores}")
    assert scores["n"] > 0
    # Reported figures; the floor only catches a broken pipeline.
    assert scores["group_recall"] >= 0.5 and scores["age_accuracy"] >= 0.5


def colliding_lines(texts: list[str], files: list[Path]) -> list[str]:
    """'file:line' of each of OUR lines where a held-out text appears (a text may run over
    several lines; its first line is given). Only our own places, never the held-out text."""
    wanted = {_norm(t) for t in texts} - {""}
    found: list[str] = []
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        starts, parts, offset = [], [], 0
        for line in lines:
            starts.append(offset)
            parts.append(_norm(line))
            offset += len(parts[-1]) + 1
        joined = " ".join(parts)
        for text in wanted:
            at = joined.find(text)
            while at >= 0:
                where = bisect.bisect_right(starts, at) - 1
                name = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) \
                    else path.name
                found.append(f"{name}:{where + 1}")
                at = joined.find(text, at + 1)
    return sorted(set(found))


def test_no_heldout_text_in_training_data_or_patterns():
    texts = heldout_texts()
    if not texts:
        pytest.skip("no held-out sets committed yet (tests/routing/heldout/)")
    ours = colliding_lines(texts, TRAINING)
    assert not ours, f"held-out texts in {len(ours)} of our lines (remove them): {ours[:20]}"


def test_overlap_check_can_fail_and_names_only_our_line(tmp_path: Path):
    ours = tmp_path / "ours.yml"
    ours.write_text("steps:\n  - hello there\n  - my mum can't get up the stairs any more\n",
                    encoding="utf-8")
    secret = "My mum can't get up the stairs any more!"
    found = colliding_lines([secret, "nothing like this"], [ours])
    assert found == ["ours.yml:3"]
    assert "stairs" not in " ".join(found)


def test_overlap_check_finds_a_text_folded_over_two_lines(tmp_path: Path):
    ours = tmp_path / "ours.yml"
    ours.write_text("- >\n  we were told she will get\n  three hundred a week\n", encoding="utf-8")
    assert colliding_lines(["We were told she will get three hundred a week"], [ours]) == \
        ["ours.yml:2"]
