"""Vignette driver (make routing-test / make test): every vignette through the whole
conversation against one run of the real servers (Rasa + action server, SQLite), then the score.

python -m tests.routing.run [--rasa-port 5007] [--actions-port 5057] [--sets a.yml b.yml]
Fails (exit 1) when the share of vignettes where "every place shown fits and at least one
fitting kind is shown" is below --threshold (0.90), or when step recall on the held-out step
sentences is below the floor (--step-floor; issue 11's target 0.90 is printed).
Writes results/routing/vignettes.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import yaml

from bot.directory import default
from tests.routing.driver import Result, drive
from tests.routing.heldout_eval import fact_scores, sentences, step_scores

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HELDOUT = PROJECT_ROOT / "tests" / "routing" / "heldout"
DEV_SET = PROJECT_ROOT / "tests" / "routing" / "dev_vignettes.yml"
VIGNETTE_FILES = ("vignettes_a.yml", "vignettes_b.yml")


def vignette_files() -> list[Path]:
    """The blind held-out sets when they are there, else the developer's own dev set."""
    found = [HELDOUT / name for name in VIGNETTE_FILES if (HELDOUT / name).exists()]
    return found or [DEV_SET]


def load(paths: list[Path]) -> list[dict]:
    vignettes = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("vignettes") or []:
            vignettes.append({**item, "id": f"{path.stem}:{item.get('id')}"})
    return vignettes


def summarise(results: list[Result], seconds: float) -> dict:
    ok = sum(r.ok for r in results)
    categories = Counter(r.category for r in results)
    by_channel: dict[str, list[int]] = {}
    return {"vignettes": len(results), "fit": ok,
            "score": round(ok / len(results), 3) if results else 0.0,
            "categories": dict(categories.most_common()), "seconds": round(seconds, 1),
            "mean_turns": round(sum(r.turns for r in results) / max(len(results), 1), 1),
            "by_channel": by_channel}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-port", type=int, default=5007)
    parser.add_argument("--actions-port", type=int, default=5057)
    parser.add_argument("--sets", nargs="*", type=Path)
    parser.add_argument("--threshold", type=float, default=0.90)
    parser.add_argument("--step-floor", type=float, default=0.91)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--url", help="use servers already running at this URL")
    args = parser.parse_args(argv)
    paths = args.sets or vignette_files()
    vignettes = load(paths)
    directory = default()
    out_dir = PROJECT_ROOT / "results" / "routing"
    out_dir.mkdir(parents=True, exist_ok=True)
    token = os.environ.get("RASA_TOKEN") or "vignette-token"
    processes = []
    with tempfile.TemporaryDirectory() as tmp:
        if not args.url:
            from bot.serve import start
            # The score is about fit, not speed (bench/ measures speed): on a shared 2-core
            # machine the 3 s action timeout turned load into "stuck" conversations.
            os.environ.setdefault("WAYFINDER_ACTION_TIMEOUT", "30")
            os.environ.update({"RASA_TOKEN": token,
                               "DATABASE_URL": f"sqlite:///{tmp}/vignettes.db",
                               "WAYFINDER_SECRET": "vignette-secret-not-for-production"})
            for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER"):
                os.environ.pop(name, None)
            processes = start(SimpleNamespace(rasa_port=args.rasa_port,
                                              actions_port=args.actions_port,
                                              dead_actions=False, timeout=300))
        url = args.url or f"http://127.0.0.1:{args.rasa_port}"
        began = time.monotonic()
        try:
            with ThreadPoolExecutor(max_workers=args.workers) as pool:
                results = list(pool.map(lambda v: drive(v, url, token, directory), vignettes))
        finally:
            if processes:
                from bot.serve import stop
                stop(processes)
    summary = summarise(results, time.monotonic() - began)
    summary["sets"] = [str(p.relative_to(PROJECT_ROOT)) for p in paths]
    (out_dir / "vignettes.json").write_text(json.dumps(
        {"summary": summary, "results": [r.__dict__ for r in results]}, indent=1, default=str))
    for result in results:
        if not result.ok:
            print(f"MISS {result.id}: {result.category} shown={result.shown} bad={result.bad} "
                  f"slots={result.slots}")
    print(json.dumps(summary))
    passed = summary["score"] >= args.threshold
    print(f"Vignettes: {summary['fit']}/{summary['vignettes']} = {summary['score']:.3f} "
          f"(need {args.threshold:.2f}) -> {'PASS' if passed else 'FAIL'}")
    items, held_out = sentences("step_sentences.yml", "dev_step_sentences.yml")
    steps = step_scores(items)
    # Issue 11's target is 0.90 (printed); --step-floor (0.91, the recall reached on 2026-12-01
    # with the learned reader; 0.74 with patterns alone) fails a regression. Never lower it.
    step_pass = steps["recall"] >= args.step_floor
    print(f"issue 11 target: step recall {steps['recall']:.3f} >= {args.threshold:.2f}: "
          f"{'met' if steps['recall'] >= args.threshold else 'NOT MET'}")
    print(f"Step recall ({'held-out' if held_out else 'dev'} sentences): {steps['recall']:.3f} "
          f"on {steps['n']}, a step read into {steps['false_steps']} of {steps['n_without']} "
          f"sentences with none -> {'PASS' if step_pass else 'FAIL'}")
    facts, _ = sentences("person_facts.yml", "dev_person_facts.yml")
    print("Person facts:", json.dumps(fact_scores(facts)))
    return 0 if passed and step_pass else 1


if __name__ == "__main__":
    sys.exit(main())
