"""The answer after the last question, and what follows it (more places, other help, none fit)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import NEEDS_RECORD, directory, event_key
from bot.advice import (
    Answer,
    build_answer,
    search_near,
    service_message,
    situation_from_slots,
)
from bot.answer_card import card_for_channel
from bot.content import need_label
from bot.needs_log import facts

FORM_SLOTS = ("person_role", "what_matters", "need_areas", "network", "has_budget", "sds_step",
              "risk_check", "safeguarding_concern", "prefers_person", "postcode_district",
              "person_age", "person_groups", "person_relationship")


def _slots(tracker: Tracker) -> dict[str, Any]:
    return {name: tracker.get_slot(name) for name in FORM_SLOTS}


def _send(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    for response, values in answer.messages:
        dispatcher.utter_message(response=response, **values)


def _log_answer(tracker: Tracker, answer: Answer, what: str) -> SlotSet:
    """The needs-log facts of an answer, as an event (the consumer writes them)."""
    key = event_key(tracker, what)
    found = [facts.recommendation(answer.tiers, answer.service_ids, key)] if answer.tiers else []
    found += [facts.unmet(area, tier, "no_service", f"{key}:{area}:{tier}")
              for area, tier in answer.unmet]
    return SlotSet(NEEDS_RECORD, [*found, facts.outcome("recommendation_given")])


class ActionRecommend(Action):
    """Where they are on the seven steps, the tiers of help with places to go, and a summary."""

    def name(self) -> str:
        return "action_recommend"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        answer = build_answer(_slots(tracker), directory(), tracker.get_latest_input_channel())
        if card := card_for_channel(answer, tracker.get_latest_input_channel(), _slots(tracker)):
            dispatcher.utter_message(json_message=card)  # the web widget's short card first
        _send(dispatcher, answer)
        dispatcher.utter_message(response="utter_after_answer")
        return [_log_answer(tracker, answer, "recommend"),
                SlotSet("support_tier", answer.tiers[0] if answer.tiers else None),
                SlotSet("recommended_tiers", answer.tiers),
                SlotSet("shown_services", answer.service_ids),
                SlotSet("recommendation_given", True)]


class ActionMoreOptions(Action):
    """More places for the first recommended tier, not repeating any already shown."""

    def name(self) -> str:
        return "action_more_options"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        situation = situation_from_slots(_slots(tracker))
        shown = list(tracker.get_slot("shown_services") or [])
        tiers = tracker.get_slot("recommended_tiers") or [None]
        found = []
        for tier in tiers:
            found = search_near(directory(), tracker.get_slot("postcode_district"),
                                need_areas=situation.need_areas, tier=tier, limit=3,
                                exclude_ids=shown)
            if found:
                break
        if not found:
            dispatcher.utter_message(response="utter_no_more_options")
            return []
        for service in found:
            name, values = service_message(service)
            dispatcher.utter_message(response=name, **values)
        ids = [service.id for service in found]
        dispatcher.utter_message(response="utter_after_answer")
        return [SlotSet("shown_services", shown + ids), SlotSet(NEEDS_RECORD, [
            facts.recommendation([found[0].tier], ids, event_key(tracker, "more"))])]


class ActionDifferentHelp(Action):
    """The answer again, leaving out the kinds of help already offered."""

    def name(self) -> str:
        return "action_different_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        skip = list(tracker.get_slot("recommended_tiers") or [])
        answer = build_answer(_slots(tracker), directory(), tracker.get_latest_input_channel(),
                              skip_tiers=skip)
        if not answer.tiers:
            dispatcher.utter_message(response="utter_no_more_options")
            return []
        _send(dispatcher, answer)
        dispatcher.utter_message(response="utter_after_answer")
        return [_log_answer(tracker, answer, "different"),
                SlotSet("recommended_tiers", skip + answer.tiers),
                SlotSet("shown_services", list(tracker.get_slot("shown_services") or [])
                        + answer.service_ids)]


class ActionNoneFit(Action):
    """Records that nothing offered fits, as unmet needs the council can see."""

    def name(self) -> str:
        return "action_none_fit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        situation = situation_from_slots(_slots(tracker))
        tier = (tracker.get_slot("recommended_tiers") or [None])[0]
        key = event_key(tracker, "none_fit")
        found = [facts.unmet(area, tier, "none_fit", f"{key}:{area}")
                 for area in situation.need_areas]
        dispatcher.utter_message(response="utter_none_fit_noted",
                                 need_label=", ".join(need_label(a) for a in situation.need_areas))
        return [SlotSet(NEEDS_RECORD, found)] if found else []
