"""Records a safeguarding disclosure (kinds only, never the words) and flags it for staff."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import NEEDS_RECORD, channel_of, event_key
from bot.needs_log import facts


class ActionRecordSafeguarding(Action):
    """Runs after the crisis reply has already gone out (the reply never waits for this)."""

    def name(self) -> str:
        return "action_record_safeguarding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        kinds = [str(kind) for kind in (tracker.get_slot("risk_kinds") or ["unspecified_risk"])]
        # Facts for the needs log (the consumer records them and flags the contact for staff).
        return [SlotSet(NEEDS_RECORD, [facts.contact(channel_of(tracker)),
                                       facts.safeguarding(kinds, event_key(tracker,
                                                                           "safeguarding"))])]
