"""Rasa NLU component: decides on every message whether it discloses harm (urgent, check, none).

The phrase rules (bot/safeguarding/detector.py) and the learned model (bot/safeguarding/model.py)
are combined by bot/safeguarding/outcome.py. Place it last in config.yml:
    - name: bot.nlu.safeguarding_component.SafeguardingDetector
      urgent_threshold: 0.6
      check_threshold: 0.35

Urgent sets intent disclose_harm (SafeguardingPolicy answers at once); check adds a risk_outcome
entity (the policy asks "Is anyone hurt or in danger right now?"). DIET's disclose_harm on its
own never makes a message urgent: at most a check, and never for a button payload.
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

from bot.safeguarding import detect
from bot.safeguarding.answers import yes_or_no
from bot.safeguarding.config import FALLBACK_KIND
from bot.safeguarding.context import softened
from bot.safeguarding.model import RiskScore, load_model
from bot.safeguarding.outcome import CHECK, NONE, URGENT, Decision, Thresholds, decide

logger = logging.getLogger(__name__)

DISCLOSE_HARM = "disclose_harm"
RISK_KIND_ENTITY = "risk_kind"
RISK_OUTCOME_ENTITY = "risk_outcome"
SPACY_DOC_KEY = "text_spacy_doc"  # where SpacyNLP leaves the parsed message (rasa SPACY_DOCS)
EXTRACTOR_NAME = "SafeguardingDetector"
NEXT_INTENT_FLOOR = 0.2  # below this the next-best intent is a guess too: nlu_fallback instead
MAX_TEXT_CHARS = 5000  # longer messages are checked in overlapping pieces of this size


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class SafeguardingDetector(GraphComponent):
    """Rules + learned model -> urgent / check / none, with the kinds of risk."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Thresholds on the learned model's probabilities (see bot/safeguarding/outcome.py)."""
        return {"urgent_threshold": 0.6, "check_threshold": 0.35, "suicide_threshold": 0.4,
                "rule_veto": 0.15, "mental_health_veto": 0.0, "classifier_check_threshold": 1.01}

    def __init__(self, config: dict[str, Any]) -> None:
        self._thresholds = Thresholds.from_config(config)
        self._classifier_check = float(config["classifier_check_threshold"])
        self._own_nlp: Any = None
        self._model = load_model()  # fails at load time, loudly, if `make train` was skipped

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafeguardingDetector:
        """Creates the component (the learned model is built by make, not by rasa train)."""
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

    def _rule_kinds(self, message: Message, text: str) -> tuple[str, ...]:
        kinds: list[str] = []
        for doc in self._docs_for(message, text):
            found = detect(doc)
            if found:
                kinds.extend(k for k in found.kinds if k not in kinds)
        return tuple(kinds)

    def _classifier_confidence(self, message: Message) -> float:
        """DIET's confidence in disclose_harm, as the intent or in the ranking."""
        candidates = [message.get(INTENT) or {}] + list(message.get(INTENT_RANKING_KEY) or [])
        return max((float(item.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for item in candidates
                    if item.get(INTENT_NAME_KEY) == DISCLOSE_HARM), default=0.0)

    def assess(self, message: Message, text: str) -> Decision:
        """Rules and model together; either failing never silences the other."""
        try:
            rule_kinds = self._rule_kinds(message, text)
        except Exception:
            logger.exception("safeguarding rules failed; relying on the model")
            rule_kinds = ()
        score: RiskScore | None = None
        try:
            # A bare "yes" or "no" says nothing about risk on its own: the question it answers
            # does (the check question and the form's "is anyone at risk?" handle it).
            if yes_or_no(text) is None:
                score = self._model.score(text)
        except Exception:
            logger.exception("safeguarding model failed; relying on the rules")
        decision = decide(rule_kinds, score, self._thresholds, softened(text))
        classifier = self._classifier_confidence(message)
        if decision.outcome == NONE and classifier >= self._classifier_check:
            return Decision(CHECK, (FALLBACK_KIND,), "classifier")
        return decision

    def process_message(self, message: Message) -> Message:
        """Checks one message; sets the intent (urgent) and risk_kind / risk_outcome entities."""
        text = message.get(TEXT)
        if not isinstance(text, str) or not text.strip():
            return message
        if text.startswith("/"):
            # A button payload says what it means; one for an intent that does not exist must
            # never become a disclosure because DIET guessed its broadest class.
            if not text.startswith(f"/{DISCLOSE_HARM}"):
                _demote_unsure_guess(message)
            return message
        decision = self.assess(message, text)
        if decision.outcome == NONE:
            _demote_unsure_guess(message)
            return message
        if decision.outcome == URGENT:
            _set_disclose_harm(message)
        else:
            _demote_unsure_guess(message)
        entities = [e for e in message.get(ENTITIES) or []
                    if e.get("entity") not in (RISK_KIND_ENTITY, RISK_OUTCOME_ENTITY)]
        entities += [{"entity": RISK_OUTCOME_ENTITY, "value": decision.outcome,
                      "extractor": EXTRACTOR_NAME}]
        entities += [{"entity": RISK_KIND_ENTITY, "value": kind, "extractor": EXTRACTOR_NAME}
                     for kind in decision.kinds]
        message.set(ENTITIES, entities, add_to_output=True)
        return message

    def process(self, messages: list[Message]) -> list[Message]:
        """Checks every message (Rasa calls this for each user message)."""
        return [self.process_message(message) for message in messages]


def _demote_unsure_guess(message: Message) -> None:
    """DIET's disclose_harm without our detector's say-so is not a disclosure.

    SafeguardingPolicy acts on the intent, so leaving it would send emergency numbers to
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
