"""The needs log's repository: every write is an insert-if-absent on a natural key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import Table, and_, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.needs_log import schema as t


class NeedsRepository:
    """Reads and writes log rows on one connection (inside a unit of work's transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- helpers ------------------------------------------------------------------------------
    def insert_ignore(self, table: Table, rows: Sequence[Mapping[str, object]]) -> int:
        """Inserts rows whose key is not there yet; returns how many were new."""
        if not rows:
            return 0
        dialect = self.connection.dialect.name
        if dialect in ("postgresql", "sqlite"):
            module = postgresql if dialect == "postgresql" else sqlite
            statement = module.insert(table).values(list(rows)).on_conflict_do_nothing()
            return self.connection.execute(statement).rowcount
        added = 0
        for row in rows:  # other databases: one savepoint per row
            try:
                with self.connection.begin_nested():
                    self.connection.execute(table.insert().values(**row))
                added += 1
            except IntegrityError:
                pass
        return added

    # -- contacts -----------------------------------------------------------------------------
    def touch_contact(self, contact_id: str, at: datetime, channel: str | None = None,
                      role: str | None = None, district: str | None = None) -> None:
        """Creates the contact if new; moves last_seen forward; fills in role/channel/district."""
        self.insert_ignore(t.contact, [{
            "id": contact_id, "channel": channel, "role": role, "postcode_district": district,
            "first_seen": at, "last_seen": at, "furthest_step": None, "staff_attention": False}])
        c = t.contact.c
        values: dict[str, object] = {
            "last_seen": case((c.last_seen < at, at), else_=c.last_seen),
            "first_seen": case((c.first_seen > at, at), else_=c.first_seen),
        }
        if role is not None:
            values["role"] = role
        if channel is not None:
            values["channel"] = func.coalesce(c.channel, channel)
        if district is not None:
            values["postcode_district"] = district
        self.connection.execute(update(t.contact).where(c.id == contact_id).values(**values))

    def raise_step(self, contact_id: str, step: int) -> None:
        c = t.contact.c
        self.connection.execute(update(t.contact).where(c.id == contact_id).values(
            furthest_step=case((c.furthest_step.is_(None), step), (c.furthest_step < step, step),
                               else_=c.furthest_step)))

    def flag_staff_attention(self, contact_id: str) -> None:
        self.connection.execute(update(t.contact).where(t.contact.c.id == contact_id)
                                .values(staff_attention=True))

    def get_contact(self, contact_id: str) -> dict[str, object] | None:
        row = self.connection.execute(select(t.contact).where(t.contact.c.id == contact_id)).first()
        return dict(row._mapping) if row else None

    # -- facts --------------------------------------------------------------------------------
    def add_needs(self, contact_id: str, areas: Iterable[str], at: datetime) -> int:
        return self.insert_ignore(t.need, [{"contact_id": contact_id, "need_area": a, "at": at}
                                           for a in areas])

    def add_recommendation(self, contact_id: str, event_key: str, tiers: Iterable[str],
                           service_ids: Iterable[str], at: datetime) -> int:
        base = {"contact_id": contact_id, "event_key": event_key, "at": at}
        added = self.insert_ignore(t.recommended_tier, [{**base, "tier": x} for x in tiers])
        return added + self.insert_ignore(t.signposted_service,
                                          [{**base, "service_id": s} for s in service_ids])

    def add_unmet_need(self, contact_id: str, event_key: str, area: str, tier: str | None,
                       reason: str, at: datetime) -> int:
        return self.insert_ignore(t.unmet_need, [{
            "contact_id": contact_id, "event_key": event_key, "need_area": area, "tier": tier,
            "reason": reason, "at": at}])

    def add_outcome(self, contact_id: str, outcome: str, at: datetime) -> int:
        return self.insert_ignore(t.outcome, [{"contact_id": contact_id, "outcome": outcome,
                                               "at": at}])

    def add_safeguarding(self, contact_id: str, event_key: str, kinds: Iterable[str],
                         at: datetime) -> int:
        return self.insert_ignore(t.safeguarding, [{
            "contact_id": contact_id, "event_key": event_key, "kind": k, "at": at} for k in kinds])

    def keep_only(self, table: Table, contact_id: str, column: str,
                  keep: Sequence[str]) -> int:
        """Deletes this contact's rows whose `column` is not in keep (a staff correction)."""
        return self.connection.execute(delete(table).where(table.c.contact_id == contact_id)
                                       .where(table.c[column].not_in(list(keep)))).rowcount

    # -- SMS channel --------------------------------------------------------------------------
    def claim_message(self, channel: str, message_hash: str, at: datetime) -> bool:
        return self.insert_ignore(t.inbound_message, [{
            "channel": channel, "message_hash": message_hash, "received_at": at}]) == 1

    # -- projection of Rasa's events ------------------------------------------------------------
    def claim_event(self, event_hash: str, at: datetime) -> bool:
        """True the first time this event is applied; False if it already was."""
        return self.insert_ignore(t.projected_event, [{
            "event_hash": event_hash, "applied_at": at}]) == 1

    def record_erasure(self, contact_ids: Sequence[str], at: datetime) -> None:
        for contact_id in contact_ids:
            self.insert_ignore(t.erasure, [{"contact_id": contact_id, "erased_at": at}])
            self.connection.execute(update(t.erasure).where(t.erasure.c.contact_id == contact_id)
                                    .values(erased_at=at))

    def erased_since(self, contact_id: str, at: datetime) -> bool:
        """True if this contact was erased at or after `at` (an event that old is dropped)."""
        erased = self.connection.execute(select(t.erasure.c.erased_at).where(
            t.erasure.c.contact_id == contact_id)).scalar()
        return erased is not None and erased >= at

    def set_opt_out(self, phone_pseudonym: str, opted_out: bool, at: datetime) -> None:
        self.insert_ignore(t.sms_opt_out, [{"phone_pseudonym": phone_pseudonym,
                                            "opted_out": opted_out, "updated_at": at}])
        self.connection.execute(update(t.sms_opt_out)
                                .where(t.sms_opt_out.c.phone_pseudonym == phone_pseudonym)
                                .values(opted_out=opted_out, updated_at=at))

    def is_opted_out(self, phone_pseudonym: str) -> bool:
        value = self.connection.execute(select(t.sms_opt_out.c.opted_out).where(
            t.sms_opt_out.c.phone_pseudonym == phone_pseudonym)).scalar()
        return bool(value)

    # -- privacy ------------------------------------------------------------------------------
    def erase_contacts(self, contact_ids: Sequence[str]) -> int:
        """Deletes every row about these contacts; returns the number of rows deleted."""
        deleted = 0
        for table in t.PER_CONTACT_TABLES:
            deleted += self.connection.execute(
                delete(table).where(table.c.contact_id.in_(contact_ids))).rowcount
        deleted += self.connection.execute(
            delete(t.contact).where(t.contact.c.id.in_(contact_ids))).rowcount
        return deleted

    def erase_opt_outs(self, phone_pseudonyms: Sequence[str]) -> int:
        return self.connection.execute(delete(t.sms_opt_out).where(
            t.sms_opt_out.c.phone_pseudonym.in_(phone_pseudonyms))).rowcount

    def purge(self, cutoff: datetime) -> dict[str, int]:
        """Deletes facts recorded before cutoff, and contacts not seen since."""
        counts: dict[str, int] = {}
        stale = select(t.contact.c.id).where(t.contact.c.last_seen < cutoff)
        for table in t.PER_CONTACT_TABLES:
            counts[table.name] = self.connection.execute(delete(table).where(
                (table.c.at < cutoff) | table.c.contact_id.in_(stale))).rowcount
        counts[t.contact.name] = self.connection.execute(
            delete(t.contact).where(t.contact.c.last_seen < cutoff)).rowcount
        counts[t.inbound_message.name] = self.connection.execute(delete(t.inbound_message).where(
            t.inbound_message.c.received_at < cutoff)).rowcount
        counts[t.erasure.name] = self.connection.execute(delete(t.erasure).where(
            t.erasure.c.erased_at < cutoff)).rowcount
        counts[t.projected_event.name] = self.connection.execute(delete(t.projected_event).where(
            t.projected_event.c.applied_at < cutoff)).rowcount
        return counts

    def count(self, table: Table, **where: object) -> int:
        """Row count (tests and the CLI use it)."""
        conditions = [table.c[k] == v for k, v in where.items()]
        statement = select(func.count()).select_from(table)
        if conditions:
            statement = statement.where(and_(*conditions))
        return int(self.connection.execute(statement).scalar() or 0)
