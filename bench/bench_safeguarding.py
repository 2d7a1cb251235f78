"""What the safeguarding detector adds per message: phrase rules + learned model + decision.

The spaCy parse is not counted (SpacyNLP does it for every message anyway).
Prints p50 / p95 / max milliseconds over the project's safeguarding corpus and generated messages
(short, SMS-length and long carer messages). Target: p95 <= 5 ms.
Run: .venv/bin/python bench/bench_safeguarding.py [--n 2000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import spacy  # noqa: E402

from bot.safeguarding import detect  # noqa: E402
from bot.safeguarding.context import softened  # noqa: E402
from bot.safeguarding.corpus import build_corpus  # noqa: E402
from bot.safeguarding.model import load_model  # noqa: E402
from bot.safeguarding.outcome import decide  # noqa: E402
from tests.safeguarding.corpus import disclosures, near_misses  # noqa: E402

SPACY = Path(__file__).resolve().parents[1] / "models" / "spacy" / "wayfinder_en"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args(argv)
    nlp = spacy.load(SPACY)
    model = load_model()
    texts = [i["text"] for i in disclosures() + near_misses()]
    texts += [e.text for e in random.Random(1).sample(build_corpus(), args.n)]
    docs = [nlp(text.lower()) for text in texts]
    for doc in docs[:50]:  # warm up caches (matcher build, first predict)
        decide(tuple(detect(doc).kinds) if detect(doc) else (), model.score(doc.text))
    timings = []
    cpu_started = time.process_time()
    for doc in docs:
        started = time.perf_counter()
        found = detect(doc)
        decide(found.kinds if found else (), model.score(doc.text), soft=softened(doc.text))
        timings.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / len(docs)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    mean_chars = statistics.mean(len(t) for t in texts)
    print(f"safeguarding detector, {len(timings)} messages (mean {mean_chars:.0f} chars): "
          f"p50 {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, "
          f"max {timings[-1]:.2f} ms per message; CPU {cpu_ms:.2f} ms per message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
