"""Validation of the guided questions (guide_form) and of need areas mentioned at any time."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction, ValidationAction
from rasa_sdk.types import DomainDict

from actions.services import channel_of, needs_log, safely
from bot.content import need_labels
from bot.journey import (
    classify_network,
    classify_role,
    classify_yes_no,
    clean_text,
    normalise_step,
    question_progress,
)
from bot.need_areas import merge_need_areas
from bot.postcode import district_from_text
from bot.vocab import ROLES

Result = dict[str, Any]


class ValidateSlotMappings(ValidationAction):
    """Runs after every message: gathers need areas said at any point, and records the contact."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def extract_need_areas(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Result:
        entities = tracker.latest_message.get("entities") or []
        new = [e.get("value") for e in entities if e.get("entity") == "need_area"]
        merged = merge_need_areas(tracker.get_slot("need_areas"), [str(n) for n in new])
        role = tracker.get_slot("person_role")
        district = tracker.get_slot("postcode_district")
        safely("record_contact", needs_log().record_contact, tracker.sender_id,
               channel_of(tracker), role=role if role in ROLES else None,
               postcode_district=district_from_text(tracker.latest_message.get("text"))
               or district)
        if merged == (tracker.get_slot("need_areas") or []):
            return {}
        safely("record_needs", needs_log().record_needs, tracker.sender_id, merged)
        return {"need_areas": merged}

    async def extract_postcode_district(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> Result:
        """Only the district is kept ('NM3 4AB' -> 'NM3'), for places nearby and the report."""
        district = district_from_text(tracker.latest_message.get("text"))
        return {"postcode_district": district} if district else {}

    def validate_postcode_district(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Result:
        return {"postcode_district": value}

    def validate_need_areas(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Result:
        """Already checked against the known ids when extracted."""
        return {"need_areas": value}


class ValidateGuideForm(FormValidationAction):
    """Checks each answer; an answer we cannot read is asked again, never guessed."""

    def name(self) -> str:
        return "validate_guide_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        """Validates as usual, then sets "Question n of m" for the question asked next."""
        events = await super().run(dispatcher, tracker, domain)
        answered = any(e.get("event") == "slot" and e.get("name") != "requested_slot"
                       for e in events)
        if self._answering(tracker) and not answered:
            return events  # nothing answered: the form must stay free to reject (faq, stop...)
        slots = dict(tracker.slots)
        slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
        plan, progress = question_progress(slots.get("question_plan"), slots)
        return [*events, SlotSet("question_plan", plan), SlotSet("question_progress", progress)]

    def _answering(self, tracker: Tracker) -> bool:
        """True when validating a new message while the questions are open: Rasa runs the form
        straight after action_listen (then adds the form's own action to the tracker it sends)."""
        if (tracker.active_loop or {}).get("name") != self.form_name():
            return False  # starting the questions
        actions = [e.get("name") for e in tracker.events if e.get("event") == "action"]
        return len(actions) >= 2 and actions[-2] == "action_listen"

    def validate_person_role(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> Result:
        role = value if value in ROLES else classify_role(str(value or ""))
        return {"person_role": role}

    def validate_what_matters(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Result:
        text = clean_text(value)
        if not text:
            dispatcher.utter_message(response="utter_please_say_more")
            return {"what_matters": None}
        areas = tracker.get_slot("need_areas") or []
        if areas:
            dispatcher.utter_message(response="utter_noted_needs", need_labels=need_labels(areas))
        return {"what_matters": text}

    def validate_network(self, value: Any, dispatcher: CollectingDispatcher,
                         tracker: Tracker, domain: DomainDict) -> Result:
        network = value if value in ("none", "some", "strong") else classify_network(str(value))
        if network is None:
            dispatcher.utter_message(response="utter_did_not_get_network")
        return {"network": network}

    def validate_has_budget(self, value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: DomainDict) -> Result:
        answer = value if value in ("yes", "no", "unsure") else classify_yes_no(str(value))
        if answer is None:
            return {"has_budget": None}
        if answer == "yes":
            return {"has_budget": answer}
        # No budget yet (or not sure): they are at step 1, "find out my money"; no need to ask.
        safely("record_step", needs_log().record_step, tracker.sender_id, 1)
        return {"has_budget": answer, "sds_step": 1}

    def validate_sds_step(self, value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> Result:
        step = normalise_step(value)  # buttons ("5"), numbers and typed descriptions alike
        if step is None:
            dispatcher.utter_message(response="utter_did_not_get_step")
            return {"sds_step": None}
        safely("record_step", needs_log().record_step, tracker.sender_id, step)
        return {"sds_step": step}

    def validate_risk_check(self, value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: DomainDict) -> Result:
        if isinstance(value, bool):
            return {"risk_check": value}
        answer = classify_yes_no(str(value))
        return {"risk_check": {"yes": True, "no": False}.get(answer or "")}
