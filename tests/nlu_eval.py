"""Held-out NLU evaluation: intent macro-F1 and need-area recall. Exits 1 below the thresholds.

python -m tests.nlu_eval --model models/rasa --nlu tests/nlu_test.yml --out results/nlu
(Rasa's own `rasa test nlu` skips rule-based entity extractors, so need areas are checked here.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

INTENT_F1_MIN = 0.90
NEED_RECALL_MIN = 0.90


def read_intent_examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs from a Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data.get("nlu", []):
        for line in str(block.get("examples", "")).splitlines():
            text = line.strip()[2:].strip() if line.strip().startswith("- ") else ""
            if text:
                pairs.append((text, block["intent"]))
    return pairs


def macro_f1(gold: list[str], predicted: list[str]) -> tuple[float, dict[str, float]]:
    """Macro-averaged F1 over the gold labels, with each label's F1."""
    per_label = {}
    for label in sorted(set(gold)):
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label and g != label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per_label[label] = 2 * precision * recall / (precision + recall) if tp else 0.0
    return sum(per_label.values()) / len(per_label), per_label


def full_intent(parsed: dict[str, Any]) -> str:
    """'faq/isf' for retrieval intents, else the intent name."""
    intent = (parsed.get("intent") or {}).get("name") or ""
    if intent == "faq":
        selected = (parsed.get("response_selector") or {}).get("faq", {}).get("response", {})
        return selected.get("intent_response_key") or intent
    return intent


async def evaluate(model: Path, nlu: Path, needs: Path) -> dict[str, Any]:
    from rasa.core.agent import Agent
    from rasa.model import get_local_model

    agent = Agent.load(get_local_model(str(model)))
    pairs = read_intent_examples(nlu)
    predicted = [full_intent(await agent.parse_message(text)) for text, _ in pairs]
    gold = [intent for _, intent in pairs]
    f1, per_label = macro_f1(gold, predicted)
    misses = [{"text": t, "expected": g, "got": p}
              for (t, g), p in zip(pairs, predicted, strict=True) if g != p]
    found = Counter()
    need_misses = []
    for item in yaml.safe_load(needs.read_text(encoding="utf-8")):
        parsed = await agent.parse_message(item["text"])
        got = {e["value"] for e in parsed.get("entities", []) if e.get("entity") == "need_area"}
        for area in item["need_areas"]:
            found["expected"] += 1
            found["found"] += area in got
            if area not in got:
                need_misses.append({"text": item["text"], "missing": area})
    recall = found["found"] / found["expected"] if found["expected"] else 0.0
    return {"intent_macro_f1": round(f1, 4), "need_area_recall": round(recall, 4),
            "examples": len(pairs), "per_intent_f1": per_label, "intent_misses": misses,
            "need_area_misses": need_misses}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=Path("models/rasa"))
    parser.add_argument("--nlu", type=Path, default=Path("tests/nlu_test.yml"))
    parser.add_argument("--needs", type=Path, default=Path("tests/need_areas_test.yml"))
    parser.add_argument("--out", type=Path, default=Path("results/nlu"))
    args = parser.parse_args(argv)
    report = asyncio.run(evaluate(args.model, args.nlu, args.needs))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=2))
    for miss in report["intent_misses"]:
        print(f"  intent miss: {miss['text']!r} expected {miss['expected']} got {miss['got']}")
    for miss in report["need_area_misses"]:
        print(f"  need-area miss: {miss['text']!r} missing {miss['missing']}")
    ok = (report["intent_macro_f1"] >= INTENT_F1_MIN
          and report["need_area_recall"] >= NEED_RECALL_MIN)
    print(f"NLU held-out: intent macro-F1 {report['intent_macro_f1']:.3f} (min {INTENT_F1_MIN}), "
          f"need-area recall {report['need_area_recall']:.3f} (min {NEED_RECALL_MIN}) "
          f"over {report['examples']} examples: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
