"""Validation of the guided questions (guide_form) and of need areas mentioned at any time."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction, ValidationAction
from rasa_sdk.types import DomainDict

from actions.services import channel_of, record
from bot.content import need_labels
from bot.journey import (
    classify_network,
    classify_role,
    classify_yes_no,
    clean_text,
    normalise_step,
)
from bot.need_areas import merge_need_areas
from bot.needs_log import facts
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
        contact = facts.contact(channel_of(tracker), role if role in ROLES else None,
                                district_from_text(tracker.latest_message.get("text"))
                                or district)
        # The needs fact goes with every message that names a need (the log ignores repeats).
        found = record(contact, facts.needs(merged)) if new and merged else record(contact)
        if merged == (tracker.get_slot("need_areas") or []):
            return found
        return {"need_areas": merged, **found}

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
        return {"has_budget": answer, "sds_step": 1, **record(facts.step(1))}

    def validate_sds_step(self, value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> Result:
        step = normalise_step(value)  # buttons ("5"), numbers and typed descriptions alike
        if step is None:
            dispatcher.utter_message(response="utter_did_not_get_step")
            return {"sds_step": None}
        return {"sds_step": step, **record(facts.step(step))}

    def validate_risk_check(self, value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: DomainDict) -> Result:
        if isinstance(value, bool):
            return {"risk_check": value}
        answer = classify_yes_no(str(value))
        return {"risk_check": {"yes": True, "no": False}.get(answer or "")}
