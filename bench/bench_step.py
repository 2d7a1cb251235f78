"""Speed of reading the step of self-directed support from one message: bot/step_classifier.py
blended with the patterns and cues in bot/person_facts.py. Prints figures (target: well under
2 ms a message on top of the spaCy pipeline). Uses the training sentences, not held-out ones."""

from __future__ import annotations

import time

from bot.person_facts import best_step
from bot.step_classifier import model, step_probabilities, training_examples


class _Doc:
    def __init__(self, text: str) -> None:
        self.text = text
        self._tokens = [type("T", (), {"lemma_": w})() for w in text.split()]

    def __iter__(self):
        return iter(self._tokens)


def main() -> None:
    start = time.perf_counter()
    model()
    trained = time.perf_counter() - start
    texts, _ = training_examples()
    start = time.perf_counter()
    for text in texts:
        step_probabilities(text)
    classify_ms = (time.perf_counter() - start) / len(texts) * 1000
    docs = [_Doc(t) for t in texts]
    start = time.perf_counter()
    for doc in docs:
        best_step(doc)
    blend_ms = (time.perf_counter() - start) / len(docs) * 1000
    print(f"Step classifier: trained from {len(texts)} sentences in {trained:.2f} s; "
          f"{classify_ms:.2f} ms a message (classifier), {blend_ms:.2f} ms a message "
          "(classifier + cue words, without spaCy)")


if __name__ == "__main__":
    main()
