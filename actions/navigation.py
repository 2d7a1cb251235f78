"""Going back, changing an answer, stopping and asking for a person, without losing anything."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import NEEDS_RECORD
from bot.journey import QUESTIONS, previous_question, slot_from_choice, slots_to_clear
from bot.needs_log import facts

RESTART_ANSWER = [SlotSet("recommendation_given", False)]


def _answers(tracker: Tracker) -> dict[str, Any]:
    return {name: tracker.get_slot(name) for name in QUESTIONS}


class ActionGoBack(Action):
    """Clears the answer before the current question, so the form asks it again."""

    def name(self) -> str:
        return "action_go_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        current = tracker.get_slot("requested_slot") if tracker.active_loop_name else None
        target = previous_question(_answers(tracker), current)
        if target is None:
            dispatcher.utter_message(response="utter_nothing_to_go_back_to")
            return []
        dispatcher.utter_message(response="utter_going_back")
        return [SlotSet(slot, None) for slot in slots_to_clear(target)] + RESTART_ANSWER


class ActionChangeAnswer(Action):
    """Clears the chosen answer so the form asks it again; the others stay as they were."""

    def name(self) -> str:
        return "action_change_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        choice = tracker.get_slot("slot_to_change") or tracker.latest_message.get("text") or ""
        target = slot_from_choice(str(choice))
        if target is None:
            dispatcher.utter_message(response="utter_which_answer")
            return [SlotSet("slot_to_change", None)]
        dispatcher.utter_message(response="utter_changing_answer")
        return ([SlotSet(slot, None) for slot in slots_to_clear(target)]
                + [SlotSet("slot_to_change", None)] + RESTART_ANSWER)


class ActionRecordHandoff(Action):
    """Notes that the person was given a person to talk to (and would rather talk to someone)."""

    def name(self) -> str:
        return "action_record_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        return [SlotSet("prefers_person", True),
                SlotSet(NEEDS_RECORD, [facts.outcome("handed_to_staff")])]


class ActionRecordStop(Action):
    """Notes that the person stopped before getting an answer (if they had not had one)."""

    def name(self) -> str:
        return "action_record_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        if not tracker.get_slot("recommendation_given"):
            return [SlotSet(NEEDS_RECORD, [facts.outcome("abandoned")])]
        return []


class ActionStartAgain(Action):
    """Clears every answer (the council's details come back from their initial values)."""

    def name(self) -> str:
        return "action_start_again"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_restart")
        return [ActiveLoop(None), AllSlotsReset()]
