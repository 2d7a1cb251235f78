"""Validation of the guided questions (guide_form) and of need areas mentioned at any time."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction, ValidationAction
from rasa_sdk.types import DomainDict

from actions.services import channel_of, directory, domain_or_ours, record
from bot.content import need_labels
from bot.journey import (
    classify_network,
    classify_role,
    classify_yes_no,
    clean_text,
    normalise_step,
    question_progress,
    step_to_restore,
)
from bot.need_areas import about_the_person, merge_need_areas
from bot.needs_log import facts
from bot.person_facts import RELATIONSHIPS
from bot.postcode import district_from_text
from bot.vocab import GROUPS, ROLES

Result = dict[str, Any]
UNKNOWN_STEP = "unknown"  # the person said they are not sure which step they are at


class ValidateSlotMappings(ValidationAction):
    """Runs after every message: gathers need areas said at any point, and records the contact."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        """Validates as usual; a step read from a later message never replaces one already
        given (only an answer to the step question changes it)."""
        events = await super().run(dispatcher, tracker, domain_or_ours(domain))
        kept = step_to_restore(tracker.events, tracker.get_slot("requested_slot"))
        if kept is not None:
            events.append(SlotSet("sds_step", kept))
        return events

    async def extract_need_areas(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Result:
        entities = tracker.latest_message.get("entities") or []
        new = about_the_person([str(e.get("value")) for e in entities
                                if e.get("entity") == "need_area"],
                               tracker.get_slot("requested_slot"))
        merged = merge_need_areas(tracker.get_slot("need_areas"), new)
        role = tracker.get_slot("person_role")
        district = tracker.get_slot("postcode_district")
        contact = facts.contact(channel_of(tracker), role if role in ROLES else None,
                                district_from_text(tracker.latest_message.get("text"))
                                or known_district_in(tracker.latest_message.get("text"))
                                or district)
        # The needs fact goes with every message that names a need (the log ignores repeats).
        found = record(contact, facts.needs(merged)) if new and merged else record(contact)
        if merged == (tracker.get_slot("need_areas") or []):
            return found
        return {"need_areas": merged, **found}

    async def extract_postcode_district(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> Result:
        """Only the district is kept ('NM3 4AB' -> 'NM3'), for places nearby and the report."""
        text = tracker.latest_message.get("text")
        district = district_from_text(text) or known_district_in(text)
        return {"postcode_district": district} if district else {}

    def _entity_values(self, tracker: Tracker, name: str) -> list[Any]:
        entities = tracker.latest_message.get("entities") or []
        return [e.get("value") for e in entities if e.get("entity") == name]

    async def extract_person_age(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Result:
        """'I'm 79', 'she's 90': the age of the person the help is for (16 to 110)."""
        ages = [a for a in self._entity_values(tracker, "person_age")
                if isinstance(a, (int, float)) and not isinstance(a, bool) and 16 <= a <= 110]
        return {"person_age": int(ages[0])} if ages else {}

    async def extract_person_relationship(self, dispatcher: CollectingDispatcher,
                                          tracker: Tracker, domain: DomainDict) -> Result:
        found = [r for r in self._entity_values(tracker, "person_relationship")
                 if r in RELATIONSHIPS]
        if not found or tracker.get_slot("person_relationship") == found[0]:
            return {}
        return {"person_relationship": found[0]}

    async def extract_person_groups(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Result:
        """Conditions said at any point add to the groups already known (never removed)."""
        old = [g for g in (tracker.get_slot("person_groups") or []) if g in GROUPS]
        new = [g for g in self._entity_values(tracker, "person_group")
               if g in GROUPS and g not in old]
        return {"person_groups": old + new} if new else {}

    def validate_person_age(self, value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: DomainDict) -> Result:
        return {"person_age": value}

    def validate_person_relationship(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> Result:
        return {"person_relationship": value}

    def validate_person_groups(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> Result:
        return {"person_groups": value}

    def validate_postcode_district(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Result:
        return {"postcode_district": value}

    def validate_need_areas(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Result:
        """Already checked against the known ids when extracted."""
        return {"need_areas": value}


def known_district_in(text: Any) -> str | None:
    """A district the council's directory covers, named anywhere ('we're in NM7')."""
    if not isinstance(text, str):
        return None
    words = set(re.findall(r"[A-Z]{1,2}[0-9][0-9A-Z]?", text[:2000].upper()))
    return next((d for d in directory().places.centroids if d in words), None)


def carer_said(events: list[dict[str, Any]]) -> bool:
    """True when the person pressed 'someone I care for', or named who they care for."""
    relatives = {"parent", "partner", "child", "sibling", "friend"}
    for event in events:
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        text = str(event.get("text") or "")
        if text.startswith("/i_am_carer"):
            return True
        if (parse.get("intent") or {}).get("name") == "i_am_carer" and len(text.split()) <= 6:
            return True  # a short answer like "my mum" or "I'm her carer"
        for entity in parse.get("entities") or []:
            if entity.get("entity") == "person_role" and entity.get("value") == "carer":
                return True
            if entity.get("entity") == "person_relationship" and entity.get("value") in relatives:
                return True
    return False


class ValidateGuideForm(FormValidationAction):
    """Checks each answer; an answer we cannot read is asked again, never guessed."""

    def name(self) -> str:
        return "validate_guide_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        """The budget question is skipped when they told us a step from 2 on (there is at
        least an indicative budget then)."""
        step = normalise_step(tracker.get_slot("sds_step"))
        if step is not None and step >= 2 and tracker.get_slot("has_budget") is None:
            return [slot for slot in domain_slots if slot != "has_budget"]
        return domain_slots

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        """Validates as usual, then sets "Question n of m" for the question asked next."""
        domain = domain_or_ours(domain)
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
        if role == "carer" and not carer_said(tracker.events):
            # Only a guess from the wording of a message about their own life ("I get a direct
            # payment..."): nothing said who they care for, so ask rather than assume.
            role = None
        return {"person_role": role}

    def validate_what_matters(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Result:
        text = clean_text(value)
        if not text:
            dispatcher.utter_message(response="utter_please_say_more")
            return {"what_matters": None}
        areas = tracker.get_slot("need_areas") or []
        if not areas and tracker.get_slot("requested_slot") != "what_matters":
            # Filled from the first message, but nothing we could help with was understood:
            # ask question 2 ("what is hard") rather than guess.
            return {"what_matters": None}
        if areas:
            dispatcher.utter_message(response="utter_noted_needs", need_labels=need_labels(areas))
        return {"what_matters": text}

    def validate_network(self, value: Any, dispatcher: CollectingDispatcher,
                         tracker: Tracker, domain: DomainDict) -> Result:
        network = value if value in ("none", "some", "strong") else classify_network(str(value))
        if network is None:
            dispatcher.utter_message(response="utter_did_not_get_network")
        return {"network": network}

    async def validate_has_budget(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> Result:
        answer = value if value in ("yes", "no", "unsure") else classify_yes_no(str(value))
        if answer is None:
            return {"has_budget": None}
        if answer == "yes":
            return {"has_budget": answer}
        known = normalise_step(tracker.get_slot("sds_step"))
        if known is not None:
            return {"has_budget": answer}  # they already told us their step
        # No budget yet (or not sure): they are at step 1, "find out my money"; no need to ask.
        return {"has_budget": answer, "sds_step": 1, **record(facts.step(1))}

    async def validate_sds_step(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Result:
        step = normalise_step(value)  # buttons ("5"), numbers and typed descriptions alike
        if step is None and value == UNKNOWN_STEP:
            return {"sds_step": UNKNOWN_STEP}
        if step is None and classify_yes_no(str(value or "")) == "unsure":
            # "not sure" (which the question invites) is an answer: the step stays unknown and
            # the answer uses the default step's wording without steering the places.
            return {"sds_step": UNKNOWN_STEP}
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
