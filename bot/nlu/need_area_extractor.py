"""Rasa NLU component: the entity ruler's NEED/ROLE spans become need_area/person_role entities,
and the facts span ruler's spans become person_age, person_relationship, person_group and
sds_step entities (bot/person_facts.py)."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.need_areas import find
from bot.person_facts import fact_entities
from bot.step_classifier import model as step_model

# A question about words ("what is a direct payment?") or moving about the conversation says
# nothing about the person's step: no step is read from these.
NO_STEP_INTENTS = frozenset({"faq", "change_answer", "change_slot", "go_back", "start_again",
                             "stop", "talk_to_person", "chitchat", "greet", "goodbye", "thank",
                             "more_options", "different_help", "none_fit", "request_callback",
                             "continue_journey", "affirm", "deny", "dont_know"})


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class NeedAreaExtractor(GraphComponent, EntityExtractorMixin):
    """Adds one entity per need area or role mention, with the id as its value."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> NeedAreaExtractor:
        step_model()  # train the small step reader while the model loads, not on a first message
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            entities = [
                {"entity": item.entity, "value": item.value, "start": item.start,
                 "end": item.end, "confidence": 1.0, "extractor": self.__class__.__name__}
                for item in find(doc)
            ]
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            entities += [dict(item, confidence=1.0, extractor=self.__class__.__name__)
                         for item in fact_entities(doc)
                         if not (item["entity"] == "sds_step" and intent in NO_STEP_INTENTS)]
            if entities:
                message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages
