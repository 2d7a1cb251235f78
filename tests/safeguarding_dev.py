"""Leave-one-writer-out dev evaluation of the safeguarding detector (rules + model + decision).

python -m tests.safeguarding_dev [--writers a b] [--scores results/dev_scores.json]
For each outside writer (data/safeguarding/training/written_<w>.yml): the risk model is trained on
everything else (project data + the other writers) and scored on that writer's messages, which it
never saw. This is the set to tune on; the frozen held-out set (tests/safeguarding/heldout/) is
measured once per candidate with `make safeguarding-heldout`, never tuned on.
The same path as the Rasa component: our spaCy pipeline for the phrase rules (lower-cased text, as
SpacyNLP is configured), the model's score, the softening context and outcome.decide().
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.safeguarding.context import softened
from bot.safeguarding.corpus import NONE, build_corpus, writers, written
from bot.safeguarding.detector import detect
from bot.safeguarding.model import RiskModel, RiskScore
from bot.safeguarding.model_builder import train
from bot.safeguarding.outcome import CHECK, URGENT, Thresholds, decide


@dataclass(frozen=True)
class Scored:
    """One dev message: what it is and what each layer said about it."""

    writer: str
    text: str
    label: str  # a kind, or NONE for a near-miss
    category: str  # the near-miss category ("" for a disclosure)
    rule_kinds: tuple[str, ...]
    soft: bool
    risk: float
    kind: str
    kind_probability: float
    suicide: float

    def score(self) -> RiskScore:
        return RiskScore(self.risk, self.kind, self.kind_probability, self.suicide)


def rule_kinds_of(texts: list[str]) -> dict[str, tuple[str, ...]]:
    """The phrase rules' kinds for each text (built from data/patterns, as the pipeline is)."""
    from bot.nlu.spacy_builder import build

    nlp = build()
    result: dict[str, tuple[str, ...]] = {}
    for text in texts:
        found = detect(nlp(text.lower()))
        result[text] = found.kinds if found else ()
    return result


def score_writer(writer: str, rules: dict[str, tuple[str, ...]], **train_args: Any) -> list[Scored]:
    """Trains without `writer` and scores that writer's messages."""
    model = RiskModel(train(build_corpus(exclude_writers=frozenset({writer})), **train_args))
    scored = []
    for example in written(writer):
        s = model.score(example.text)
        scored.append(Scored(writer, example.text, example.label, example.category,
                             rules[example.text], softened(example.text), s.risk, s.kind,
                             s.kind_probability, s.suicide))
    return scored


def detector_settings() -> dict[str, Any]:
    """SafeguardingDetector's settings in config.yml (what the running bot uses), name left out."""
    import yaml

    config = yaml.safe_load((Path(__file__).resolve().parent.parent / "config.yml").read_text())
    own = next(c for c in config["pipeline"] if c["name"].endswith("SafeguardingDetector"))
    return {key: value for key, value in own.items() if key != "name"}


def configured() -> Thresholds:
    """The thresholds config.yml gives SafeguardingDetector."""
    return Thresholds.from_config(detector_settings())


def outcomes(scored: list[Scored], thresholds: Thresholds | None = None) -> list[str]:
    thresholds = thresholds or configured()
    return [decide(s.rule_kinds, s.score(), thresholds, s.soft).outcome for s in scored]


def summary(scored: list[Scored], results: list[str]) -> dict[str, float]:
    """urgent and urgent-or-check recall on disclosures; urgent and check rates on near-misses."""
    disc = [r for s, r in zip(scored, results, strict=True) if s.label != NONE]
    near = [r for s, r in zip(scored, results, strict=True) if s.label == NONE]
    return {
        "n_disc": len(disc), "urgent": disc.count(URGENT) / max(len(disc), 1),
        "either": (len(disc) - disc.count("none")) / max(len(disc), 1),
        "n_near": len(near), "near_urgent": near.count(URGENT) / max(len(near), 1),
        "near_check": near.count(CHECK) / max(len(near), 1),
    }


def line(name: str, figures: dict[str, float]) -> str:
    return (f"{name:10} disclosures {figures['n_disc']:4.0f}: urgent {figures['urgent']:.3f} "
            f"urgent|check {figures['either']:.3f}   near-misses {figures['n_near']:4.0f}: "
            f"urgent {figures['near_urgent']:.3f} check {figures['near_check']:.3f}")


def tables(scored: list[Scored], results: list[str]) -> None:
    """Per kind (pooled over writers) and per near-miss category."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    by_category: dict[str, list[str]] = defaultdict(list)
    for s, r in zip(scored, results, strict=True):
        (by_kind[s.label] if s.label != NONE else by_category[s.category]).append(r)
    print(f"{'kind':24} {'n':>4} {'urgent':>7} {'urg|chk':>8}")
    for kind, values in sorted(by_kind.items()):
        n = len(values)
        print(f"{kind:24} {n:4d} {values.count(URGENT) / n:7.3f} "
              f"{(n - values.count('none')) / n:8.3f}")
    print(f"{'near-miss category':24} {'n':>4} {'urgent':>7} {'check':>7}")
    for category, values in sorted(by_category.items()):
        n = len(values)
        print(f"{category:24} {n:4d} {values.count(URGENT) / n:7.3f} "
              f"{values.count(CHECK) / n:7.3f}")


def sources(scored: list[Scored], results: list[str]) -> None:
    """Where the false 999s on near-misses come from: rules, model, or both."""
    counts: dict[str, int] = defaultdict(int)
    for s, r in zip(scored, results, strict=True):
        if s.label == NONE and r == URGENT:
            counts["rules" if s.rule_kinds and s.risk < 0.6 else
                   "rules+model" if s.rule_kinds else "model"] += 1
    print("near-miss 999s by source:", dict(counts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writers", nargs="*", default=None)
    parser.add_argument("--scores", default="", help="save every score as JSON here")
    args = parser.parse_args(argv)
    chosen = args.writers or writers()
    if not chosen:
        raise SystemExit("no data/safeguarding/training/written_*.yml")
    texts = sorted({e.text for w in chosen for e in written(w)})
    rules = rule_kinds_of(texts)
    scored: list[Scored] = []
    for writer in chosen:
        started = time.perf_counter()
        mine = score_writer(writer, rules)
        print(line(f"writer {writer}", summary(mine, outcomes(mine))),
              f"({time.perf_counter() - started:.0f} s)")
        scored += mine
    results = outcomes(scored)
    print(line("ALL", summary(scored, results)))
    tables(scored, results)
    sources(scored, results)
    if args.scores:
        Path(args.scores).parent.mkdir(parents=True, exist_ok=True)
        Path(args.scores).write_text(json.dumps([asdict(s) for s in scored]), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

