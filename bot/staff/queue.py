"""The safeguarding-attention queue: contacts flagged by action_record_safeguarding, kinds only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot import vocab
from bot.needs_log import schema as t
from bot.needs_log.repository import NeedsRepository

MAX_ROWS = 200


@dataclass(frozen=True)
class Flag:
    contact_id: str  # a pseudonym, never the phone number or session id
    channel: str | None
    last_seen: datetime
    kinds: tuple[str, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        """The kinds in a social care worker's words (data/vocabulary.yml risk_kinds, staff)."""
        return tuple(vocab.label("risk_kinds", kind, "staff") for kind in self.kinds)


def waiting(engine: Engine) -> list[Flag]:
    """Flagged web and SMS contacts not yet marked handled, newest first (a staff call's
    disclosure is handled during the call, from the red panel)."""
    handled = select(t.attention_handled.c.contact_id)
    with engine.connect() as db:
        rows = db.execute(select(t.contact.c.id, t.contact.c.channel, t.contact.c.last_seen)
                          .where(t.contact.c.staff_attention.is_(True))
                          .where(t.contact.c.id.not_in(handled))
                          .where(t.contact.c.channel.is_distinct_from("staff"))  # handled live
                          .order_by(t.contact.c.last_seen.desc()).limit(MAX_ROWS)).all()
        kinds: dict[str, set[str]] = {}
        if rows:
            for contact_id, kind in db.execute(
                    select(t.safeguarding.c.contact_id, t.safeguarding.c.kind).where(
                        t.safeguarding.c.contact_id.in_([r.id for r in rows]))):
                kinds.setdefault(contact_id, set()).add(kind)
    return [Flag(r.id, r.channel, r.last_seen, tuple(sorted(kinds.get(r.id, ()))))
            for r in rows]


def mark_handled(engine: Engine, contact_id: str) -> bool:
    """True if this flag was waiting and is now handled."""
    if not isinstance(contact_id, str) or len(contact_id) != t.PSEUDONYM:
        return False
    with engine.begin() as db:
        exists = db.execute(select(t.contact.c.id).where(t.contact.c.id == contact_id)
                            .where(t.contact.c.staff_attention.is_(True))).first()
        if not exists:
            return False
        added = NeedsRepository(db).insert_ignore(t.attention_handled, [
            {"contact_id": contact_id, "handled_at": datetime.utcnow().replace(microsecond=0)}])
    return added == 1
