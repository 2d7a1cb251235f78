"""Rasa's ResponseSelector, run only on messages whose intent is its retrieval intent (faq).

The answer it picks is used only when the intent is faq (utter_faq; tests/nlu_eval.full_intent), yet
Rasa's own component embeds every message: about 5 ms of each turn on 2 cores (py-spy, issue 14).
Every other message keeps the same shape of parse data (the retrieval intents are listed, with no
selection), so Rasa's processor and the tracker treat it exactly as before.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME, RESPONSE_SELECTOR_RETRIEVAL_INTENTS
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqResponseSelector(ResponseSelector):
    """Selects an answer for messages classified as the retrieval intent, and only those."""

    def process(self, messages: list[Message]) -> list[Message]:
        asked = [m for m in messages if self.is_retrieval_question(m)]
        if asked:
            super().process(asked)
        for message in messages:
            if message not in asked:
                properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {})
                properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = self.all_retrieval_intents
                message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
        return messages

    def is_retrieval_question(self, message: Message) -> bool:
        """True when the intent classifier's choice is this selector's retrieval intent."""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        return bool(intent) and intent == self.retrieval_intent
