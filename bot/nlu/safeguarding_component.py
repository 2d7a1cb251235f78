"""Rasa NLU component: OR-s the safeguarding rules with the intent classifier on every message.

Place it after the intent classifier in config.yml (before or after FallbackClassifier):
    - name: bot.nlu.safeguarding_component.SafeguardingDetector
      classifier_threshold: 0.5
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Doc

from bot.safeguarding import Disclosure, detect

logger = logging.getLogger(__name__)

DISCLOSE_HARM = "disclose_harm"
RISK_KIND_ENTITY = "risk_kind"
FALLBACK_KIND = "unspecified_risk"
SPACY_DOC_KEY = "text_spacy_doc"  # where SpacyNLP leaves the parsed message (rasa SPACY_DOCS)
EXTRACTOR_NAME = "SafeguardingDetector"
NEXT_INTENT_FLOOR = 0.2  # below this the next-best intent is a guess too: nlu_fallback instead
MAX_TEXT_CHARS = 5000  # longer messages are checked in overlapping pieces of this size


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class SafeguardingDetector(GraphComponent):
    """Marks a message as intent disclose_harm when the rules or the classifier see harm."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """classifier_threshold: classifier confidence in disclose_harm that counts on its own."""
        return {"classifier_threshold": 0.5}

    def __init__(self, config: dict[str, Any]) -> None:
        self._threshold = float(config.get("classifier_threshold", 0.5))
        self._own_nlp: Any = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafeguardingDetector:
        """Creates the component (nothing to train)."""
        return cls({**cls.get_default_config(), **config})

    def _docs_for(self, message: Message, text: str) -> list[Doc]:
        """SpacyNLP's doc when there is one, else our own pipeline's (pieces of long texts)."""
        doc = message.get(SPACY_DOC_KEY)
        if isinstance(doc, Doc) and len(text) <= MAX_TEXT_CHARS:
            return [doc]
        if self._own_nlp is None:
            from bot.nlu.spacy_builder import build

            self._own_nlp = build()
        lowered = text.lower()
        step = MAX_TEXT_CHARS - 200
        pieces = [lowered[i:i + MAX_TEXT_CHARS] for i in range(0, max(len(lowered), 1), step)]
        return [self._own_nlp(piece) for piece in pieces]

    def _rules(self, message: Message, text: str) -> Disclosure | None:
        kinds: list[str] = []
        evidence: set[str] = set()
        for doc in self._docs_for(message, text):
            found = detect(doc)
            if found:
                kinds.extend(k for k in found.kinds if k not in kinds)
                evidence.update(found.evidence_ids)
        if not kinds:
            return None
        return Disclosure(kinds=tuple(kinds), evidence_ids=tuple(sorted(evidence)))

    def _classifier_says_harm(self, message: Message) -> bool:
        """disclose_harm at or above the threshold, as the intent or in the ranking.

        The ranking counts too: FallbackClassifier may have replaced a sure disclose_harm
        with nlu_fallback because a second intent came close ("ambiguous").
        """
        candidates = [message.get(INTENT) or {}] + list(message.get(INTENT_RANKING_KEY) or [])
        return any(
            item.get(INTENT_NAME_KEY) == DISCLOSE_HARM
            and float(item.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= self._threshold
            for item in candidates
        )

    def process_message(self, message: Message) -> Message:
        """Checks one message; on a disclosure sets the intent and risk_kind entities."""
        text = message.get(TEXT)
        if not isinstance(text, str) or not text.strip() or text.startswith("/"):
            return message  # empty, or a button payload (/intent) that says what it means
        try:
            disclosure = self._rules(message, text)
        except Exception:  # never let a detection bug silence the classifier's own answer
            logger.exception("safeguarding rules failed; relying on the classifier")
            disclosure = None
        if disclosure is None and not self._classifier_says_harm(message):
            _demote_unsure_guess(message)
            return message
        kinds = disclosure.kinds if disclosure else (FALLBACK_KIND,)
        _set_disclose_harm(message)
        entities = [e for e in message.get(ENTITIES) or [] if e.get("entity") != RISK_KIND_ENTITY]
        entities += [
            {"entity": RISK_KIND_ENTITY, "value": kind, "extractor": EXTRACTOR_NAME}
            for kind in kinds
        ]
        message.set(ENTITIES, entities, add_to_output=True)
        return message

    def process(self, messages: list[Message]) -> list[Message]:
        """Checks every message (Rasa calls this for each user message)."""
        return [self.process_message(message) for message in messages]


def _demote_unsure_guess(message: Message) -> None:
    """A weak disclose_harm guess with no risk phrase ("many thanks" at 0.41) is not a disclosure.

    SafeguardingPolicy acts on the intent alone, so leaving it would send emergency numbers to
    someone saying thank you: take the next intent instead, or nlu_fallback if none is likely.
    """
    intent = message.get(INTENT) or {}
    if intent.get(INTENT_NAME_KEY) != DISCLOSE_HARM:
        return
    others = [item for item in message.get(INTENT_RANKING_KEY) or []
              if item.get(INTENT_NAME_KEY) != DISCLOSE_HARM]
    if others and float(others[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= NEXT_INTENT_FLOOR:
        message.set(INTENT, dict(others[0]), add_to_output=True)
    else:
        message.set(INTENT, {INTENT_NAME_KEY: "nlu_fallback", PREDICTED_CONFIDENCE_KEY: 1.0},
                    add_to_output=True)


def _set_disclose_harm(message: Message) -> None:
    """Intent disclose_harm with confidence 1.0, first in the ranking; the others drop to 0.0.

    The others must drop: FallbackClassifier treats a close second intent as "ambiguous" and
    would otherwise replace the disclosure with nlu_fallback.
    """
    top = {INTENT_NAME_KEY: DISCLOSE_HARM, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [
        {**item, PREDICTED_CONFIDENCE_KEY: 0.0} for item in message.get(INTENT_RANKING_KEY) or []
        if item.get(INTENT_NAME_KEY) != DISCLOSE_HARM
    ]
    message.set(INTENT, dict(top), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(top)] + ranking, add_to_output=True)
