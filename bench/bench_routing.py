"""Runs 1,000 synthetic situations through the tier engine.

Prints the mix of first (leading) tiers next to the care managers' judgement in DOMAIN.md of who was
best placed to lead a person's plan, and the engine's throughput.
Run: .venv/bin/python bench/bench_routing.py [--n 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.routing import Situation, load_rules, route  # noqa: E402
from bot.vocab import NEED_AREAS, TIERS  # noqa: E402

# Care managers' judgement of who was best placed to lead the plan (783 people), DOMAIN.md.
CARE_MANAGERS = {"the person": 23, "family/friends": 35, "independent broker": 12,
                 "provider": 14, "care manager": 15}
# How we compare: tiers 1-3 are led by the person and those around them; tier 5 covers brokers
# and care managers (both professional advice).
GROUPS = {
    "person or family/friends (tiers 1-3)": (("information", "peer", "community"),
                                             ("the person", "family/friends")),
    "provider (tier 4)": (("provider",), ("provider",)),
    "broker or care manager (tier 5)": (("professional",), ("independent broker", "care manager")),
}
NEED_WEIGHTS = {n: 1.0 for n in NEED_AREAS} | {
    "nutrition": 3, "personal_hygiene": 3, "dressing": 2.5, "home_safety": 2.5,
    "community_access": 2.5, "relationships": 2, "mental_wellbeing": 2, "carer_support": 2,
    "money_and_budget": 2, "caring_for_a_child": 0.3, "work_learning_volunteering": 0.7,
}


def synthetic(rng: random.Random) -> Situation:
    """One person's situation, drawn from rough front-door proportions (assumptions, not data)."""
    role = rng.choices(("self", "carer", "staff"), (60, 30, 10))[0]
    count = rng.choices((1, 2, 3, 4, 5, 6), (30, 28, 18, 12, 8, 4))[0]
    needs: list[str] = []
    while len(needs) < count:
        pick = rng.choices(list(NEED_WEIGHTS), list(NEED_WEIGHTS.values()))[0]
        if pick not in needs:
            needs.append(pick)
    if role == "carer" and "carer_support" not in needs:
        needs.append("carer_support")
    has_budget = rng.choices((None, False, True), (50, 25, 25))[0]
    if has_budget:
        step = rng.choice((3, 4, 5, 6, 6, 7))
    else:
        step = rng.choice((None, None, None, 1, 2))
    return Situation(
        role=role, need_areas=tuple(needs),
        network=rng.choices(("none", "some", "strong"), (20, 50, 30))[0],
        isolated=rng.random() < 0.25, fluctuating=rng.random() < 0.2, has_budget=has_budget,
        sds_step=step, prefers_person=rng.random() < 0.08, at_risk=rng.random() < 0.05,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="timing passes over the population")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    population = [synthetic(rng) for _ in range(args.n)]
    rules = load_rules()

    results = [route(s, rules) for s in population]
    first = Counter(r[0].tier for r in results)
    offered = Counter(t for r in results for t in {a.tier for a in r})
    print(f"Synthetic population: {args.n} situations (seed {args.seed}), "
          f"rules: {Path(rules.source).name}")
    print(f"  at risk {sum(s.at_risk for s in population)}, cut off "
          f"{sum(s.isolated and s.network == 'none' for s in population)}, asked for a person "
          f"{sum(s.prefers_person for s in population)}, with a budget "
          f"{sum(bool(s.has_budget) for s in population)}")
    print("\nTier mix                 first tier   offered at all   mean place when offered")
    for tier in TIERS:
        orders = [[a.tier for a in r] for r in results]
        places = [order.index(tier) + 1 for order in orders if tier in order]
        mean = sum(places) / len(places) if places else 0.0
        lead, anywhere = 100 * first[tier] / args.n, 100 * offered[tier] / args.n
        print(f"  {tier:<22} {lead:9.1f}%   {anywhere:13.1f}%   {mean:10.2f}")

    print("\nWho leads (engine's first tier) vs care managers' judgement (DOMAIN.md, 783 people)")
    print(f"  {'group':<40} {'engine':>8} {'care managers':>14}")
    for label, (tiers, judged) in GROUPS.items():
        engine = 100 * sum(first[t] for t in tiers) / args.n
        managers = sum(CARE_MANAGERS[j] for j in judged) * 100 / sum(CARE_MANAGERS.values())
        print(f"  {label:<40} {engine:7.1f}% {managers:13.1f}%")
    print("  care managers, detail: " + ", ".join(f"{k} {v}%" for k, v in CARE_MANAGERS.items()))

    start = time.perf_counter()
    for _ in range(args.repeat):
        for situation in population:
            route(situation, rules)
    elapsed = time.perf_counter() - start
    total = args.repeat * args.n
    print(f"\nThroughput: {total} routes in {elapsed:.3f} s = {total / elapsed:,.0f} routes per "
          f"second ({1e6 * elapsed / total:.1f} µs per route, one core)")


if __name__ == "__main__":
    main()
