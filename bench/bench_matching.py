"""Matching figures: the vignette score from the last `make routing-test`, the tier of the first
place people were shown next to the care managers' judgement in DOMAIN.md, and how fast a whole
answer (route + eligibility-aware matching over the directory) is built.
Run: .venv/bin/python bench/bench_matching.py [--n 1000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.advice import build_answer  # noqa: E402
from bot.directory import default  # noqa: E402
from bot.vocab import GROUPS, NEED_AREAS, TIERS  # noqa: E402

RESULTS = ROOT / "results" / "routing" / "vignettes.json"
CARE_MANAGERS = {"person or family/friends (tiers 1-3)": 23 + 35, "provider (tier 4)": 14,
                 "broker or care manager (tier 5)": 12 + 15}
BANDS = {"information": "person or family/friends (tiers 1-3)",
         "peer": "person or family/friends (tiers 1-3)",
         "community": "person or family/friends (tiers 1-3)",
         "provider": "provider (tier 4)", "professional": "broker or care manager (tier 5)"}


def vignettes() -> None:
    if not RESULTS.exists():
        print("No vignette results yet: run `make routing-test` first.")
        return
    data = json.loads(RESULTS.read_text())
    summary = data["summary"]
    print(f"Vignettes ({', '.join(summary.get('sets', []))}): {summary['fit']}/"
          f"{summary['vignettes']} = {summary['score']:.3f}; categories {summary['categories']}; "
          f"{summary['mean_turns']} turns each; {summary['seconds']} s for the run")
    names = {e.listing.name: e.tier for e in default().entries}
    first = Counter(BANDS[names[r["shown"][0]]] for r in data["results"] if r["shown"])
    total = sum(first.values()) or 1
    print("\nTier of the first place shown (held-out vignettes) vs care managers' judgement of "
          "who was best placed to lead the plan (DOMAIN.md, 783 people)")
    for band, share in CARE_MANAGERS.items():
        print(f"  {band:<40} {100 * first[band] / total:6.1f}%   {share:6.1f}%")


def speed(n: int) -> None:
    rng = random.Random(11)
    directory = default()
    slots = []
    for _ in range(n):
        slots.append({"person_role": rng.choice(["self", "carer", "staff"]),
                      "need_areas": rng.sample(NEED_AREAS, rng.randint(0, 3)),
                      "person_groups": rng.sample([g for g in GROUPS if g != "carers"],
                                                  rng.randint(0, 2)),
                      "person_age": rng.choice([None, 30, 70, 88]),
                      "sds_step": rng.choice([None, 1, 2, 3, 4, 5, 6, 7]),
                      "has_budget": rng.choice([None, "yes", "no"]),
                      "network": rng.choice(["none", "some", "strong"]),
                      "postcode_district": rng.choice([None, "NM1", "NM4", "NM8"])})
    started = time.perf_counter()
    shown = Counter()
    for item in slots:
        answer = build_answer(item, directory, rng.choice([None, "twilio"]))
        shown.update(answer.tiers[:1])
    seconds = time.perf_counter() - started
    print(f"\nWhole answers built: {n} in {seconds:.2f} s ({1000 * seconds / n:.2f} ms each, "
          f"{len(directory)} services)")
    print("  first tier shown:", ", ".join(f"{t} {100 * shown[t] / n:.0f}%" for t in TIERS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    vignettes()
    speed(args.n)


if __name__ == "__main__":
    main()
