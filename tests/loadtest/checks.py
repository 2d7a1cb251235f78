"""After the load: does every tracker hold exactly the turns sent, in order, one at a time, and
does the needs log hold exactly the rows those trackers' events imply?"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam, create_engine, text

from bot.needs_log import NeedsLog
from bot.needs_log.facts import SLOT
from bot.needs_log.projection import Projector
from bot.privacy import pseudonym
from tests.loadtest.driver import Conversation

# The log's rows that matter, without times: (table, columns).
ROWS = {"wf_need": "contact_id, need_area", "wf_recommended_tier": "contact_id, event_key, tier",
        "wf_signposted_service": "contact_id, event_key, service_id",
        "wf_unmet_need": "contact_id, event_key, need_area, tier, reason",
        "wf_outcome": "contact_id, outcome",
        "wf_safeguarding": "contact_id, event_key, kind",
        "wf_contact": "id, furthest_step, staff_attention"}


@dataclass
class Verdict:
    lost: int = 0
    duplicated: int = 0
    interleaved: int = 0
    unanswered_journeys: int = 0
    notes: list[str] = field(default_factory=list)


def tracker_events(database_url: str, senders: list[str]) -> dict[str, list[dict]]:
    engine = create_engine(database_url, future=True)
    found: dict[str, list[dict]] = {s: [] for s in senders}
    try:
        with engine.connect() as connection:
            query = text("SELECT sender_id, data FROM events WHERE sender_id IN :s ORDER BY id"
                         ).bindparams(bindparam("s", expanding=True))
            for start in range(0, len(senders), 200):
                for sender, data in connection.execute(query, {"s": senders[start:start + 200]}):
                    found[sender].append(json.loads(data))
    finally:
        engine.dispose()
    return found


def check_turns(conversation: Conversation, events: list[dict], verdict: Verdict) -> None:
    """Lost and duplicated turns, order, and turns handled on top of each other."""
    ids = [e.get("message_id") for e in events if e.get("event") == "user"]
    counts = Counter(ids)
    answered = [t for t in conversation.turns[:conversation.done]
                if t.message_id not in conversation.failed]
    for turn in answered:
        if counts[turn.message_id] == 0:
            verdict.lost += 1
        elif counts[turn.message_id] > 1:
            verdict.duplicated += counts[turn.message_id] - 1
    position = {mid: i for i, mid in enumerate(ids)}
    for k in range(len(answered) - 1):
        a, b = answered[k], answered[k + 1]
        if a.burst:  # sent together with the next: either order is right
            continue
        if a.message_id in position and b.message_id in position and \
                position[a.message_id] > position[b.message_id]:
            verdict.interleaved += 1
    in_turn = False
    for event in events:  # a turn ends with action_listen before the next user message
        if event.get("event") == "user":
            if in_turn:
                verdict.interleaved += 1
            in_turn = True
        elif event.get("event") == "action" and event.get("name") == "action_listen":
            in_turn = False


def expected_log(trackers: dict[str, list[dict]]) -> dict[str, Counter]:
    """The log that the trackers' needs_record events imply, built afresh in SQLite."""
    folder = tempfile.mkdtemp(prefix="wf-loadtest-")
    log = NeedsLog(f"sqlite:///{Path(folder) / 'expected.db'}")
    projector = Projector(log)
    try:
        for sender, events in trackers.items():
            for event in events:
                if event.get("event") == "slot" and event.get("name") == SLOT:
                    projector.apply(sender, event)
        return rows(log.engine, [pseudonym(s) for s in trackers])
    finally:
        log.dispose()


def rows(engine, contact_ids: list[str]) -> dict[str, Counter]:
    found: dict[str, Counter] = {}
    with engine.connect() as connection:
        for table, columns in ROWS.items():
            key = "id" if table == "wf_contact" else "contact_id"
            query = text(f"SELECT {columns} FROM {table} WHERE {key} IN :c"  # noqa: S608
                         ).bindparams(bindparam("c", expanding=True))
            found[table] = Counter(tuple(r) for r in connection.execute(query,
                                                                        {"c": contact_ids}))
    return found


def compare_log(database_url: str, trackers: dict[str, list[dict]], verdict: Verdict,
                wait_s: float) -> None:
    """Waits for the consumer (rows may arrive late), then counts missing and extra rows."""
    want = expected_log(trackers)
    engine = create_engine(database_url, future=True)
    ids = [pseudonym(s) for s in trackers]
    deadline = time.monotonic() + wait_s
    try:
        while True:
            have = rows(engine, ids)
            if have == want or time.monotonic() > deadline:
                break
            time.sleep(2)
    finally:
        engine.dispose()
    for table in ROWS:
        missing = sum((want[table] - have[table]).values())
        extra = sum((have[table] - want[table]).values())
        verdict.lost += missing
        verdict.duplicated += extra
        if missing or extra:
            verdict.notes.append(f"{table}: {missing} rows missing, {extra} extra")
    total = sum(sum(c.values()) for c in want.values())
    verdict.notes.append(f"needs log: {total} rows implied by the trackers' events")


def check_answers(conversations: list[Conversation], trackers: dict[str, list[dict]],
                  verdict: Verdict) -> None:
    """Every whole journey without a double send ends with one recommendation."""
    for conversation in conversations:
        if any(t.burst for t in conversation.turns) or conversation.failed:
            continue
        outcomes = [f for e in trackers[conversation.sender]
                    if e.get("event") == "slot" and e.get("name") == SLOT
                    for f in (e.get("value") or []) if f.get("outcome") == "recommendation_given"]
        if len(outcomes) != 1:
            verdict.unanswered_journeys += 1
