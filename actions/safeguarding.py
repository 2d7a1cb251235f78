"""Records a safeguarding disclosure (kinds only, never the words) and flags it for staff."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import channel_of, event_key, needs_log, record


class ActionRecordSafeguarding(Action):
    """Runs after the crisis reply has already gone out (the reply never waits for this)."""

    def name(self) -> str:
        return "action_record_safeguarding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        kinds = [str(kind) for kind in (tracker.get_slot("risk_kinds") or ["unspecified_risk"])]
        log = needs_log()
        await record("record_contact", log.record_contact, tracker.sender_id, channel_of(tracker))
        await record("record_safeguarding", log.record_safeguarding, tracker.sender_id, kinds,
                     event_key(tracker, "safeguarding"))
        await record("record_outcome", log.record_outcome, tracker.sender_id, "safeguarding")
        return []
