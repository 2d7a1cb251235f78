"""NeedsLog: the one object the actions and channels call to record what people needed."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot import privacy, settings
from bot.needs_log import schema as t
from bot.needs_log import validate as v
from bot.needs_log.db import default_database_url, make_engine
from bot.needs_log.migrate import upgrade_engine
from bot.needs_log.tracker import erase_broker_events, erase_tracker, purge_tracker
from bot.needs_log.unit_of_work import UnitOfWork

RETENTION_ENV = "WAYFINDER_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 365
log = logging.getLogger(__name__)
_PSEUDONYM = re.compile(rf"[0-9a-f]{{{privacy.PSEUDONYM_LENGTH}}}")
_upgraded: set[str] = set()  # URLs migrated by this process (migrations run once per process)
_upgrade_lock = threading.Lock()


def retention_days() -> int:
    """WAYFINDER_RETENTION_DAYS, else 365."""
    raw = settings.text(RETENTION_ENV)
    if not raw:
        return DEFAULT_RETENTION_DAYS
    days = int(raw)
    if days < 1:
        raise ValueError(f"{RETENTION_ENV} must be at least 1")
    return days


def sender_variants(sender_id: str) -> list[str]:
    """The raw id plus its normalised phone form (so '07700 900123' erases '+447700900123')."""
    variants = [sender_id]
    phone = privacy.normalise_uk_phone(sender_id)
    if phone and phone not in variants:
        variants.append(phone)
    return variants


class NeedsLog:
    """Records contacts, needs, recommendations, unmet needs and outcomes. Every call is
    idempotent; ids are checked against bot.vocab and unknown ones raise ValueError."""

    def __init__(self, url: str | None = None, auto_upgrade: bool = True) -> None:
        self.url = url or default_database_url()
        self.auto_upgrade = auto_upgrade
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """Created on first use (no database work at import or construction)."""
        with self._lock:
            if self._engine is None:
                engine = make_engine(self.url)
                if self.auto_upgrade:
                    with _upgrade_lock:
                        if self.url not in _upgraded:
                            upgrade_engine(engine)
                            _upgraded.add(self.url)
                self._engine = engine
            return self._engine

    def uow(self, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, read_only=read_only)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- recording ----------------------------------------------------------------------------
    def _contact(self, sender_id: str) -> str:
        return privacy.pseudonym(v.sender_id(sender_id))

    def record_contact(self, sender_id: str, channel: str, role: str | None = None,
                       postcode_district: str | None = None, at: datetime | None = None) -> str:
        """Creates or refreshes the contact; returns its pseudonymous id."""
        contact_id = self._contact(sender_id)
        channel = v.channel(channel)
        role = None if role is None else v.role(role)
        district = v.postcode_district(postcode_district)
        when = v.utc_naive(at)
        with self.uow() as uow:
            uow.repo.touch_contact(contact_id, when, channel, role, district)
            uow.commit()
        return contact_id

    def record_needs(self, sender_id: str, need_areas: Iterable[str],
                     at: datetime | None = None) -> int:
        """Need areas the person stated; returns how many were new."""
        contact_id = self._contact(sender_id)
        areas = v.ids(need_areas, v.need_area)
        when = v.utc_naive(at)
        with self.uow() as uow:
            uow.repo.touch_contact(contact_id, when)
            added = uow.repo.add_needs(contact_id, areas, when)
            uow.commit()
        return added

    def correct_needs(self, sender_id: str, need_areas: Iterable[str],
                      at: datetime | None = None) -> None:
        """A call handler's correction: the contact's need areas become exactly these."""
        contact_id = self._contact(sender_id)
        areas = v.ids(need_areas, v.need_area)
        when = v.utc_naive(at)
        with self.uow() as uow:
            uow.repo.touch_contact(contact_id, when)
            uow.repo.keep_only(t.need, contact_id, "need_area", areas)
            uow.repo.add_needs(contact_id, areas, when)
            uow.commit()

    def correct_tiers(self, sender_id: str, tiers: Iterable[str]) -> None:
        """A call handler's correction: no tier other than these stays recommended."""
        contact_id = self._contact(sender_id)
        tier_ids = v.ids(tiers, v.tier)
        with self.uow() as uow:
            uow.repo.keep_only(t.recommended_tier, contact_id, "tier", tier_ids)
            uow.commit()

    def record_step(self, sender_id: str, sds_step: int, at: datetime | None = None) -> None:
        """The step of self-directed support the person has reached (the furthest is kept)."""
        contact_id = self._contact(sender_id)
        step = v.sds_step(sds_step)
        when = v.utc_naive(at)
        with self.uow() as uow:
            uow.repo.touch_contact(contact_id, when)
            uow.repo.raise_step(contact_id, step)
            uow.commit()

    def record_recommendation(self, sender_id: str, tiers: Sequence[str],
                              service_ids: Sequence[str], event_key: str,
                              at: datetime | None = None) -> int:
        """Tiers recommended and directory services signposted at one turn (event_key)."""
        contact_id = self._contact(sender_id)
        tier_ids = v.ids(tiers, v.tier)
        services = v.ids(service_ids, v.service_id)
        key = v.event_key(event_key)
        if not tier_ids and not services:
            raise ValueError("a recommendation needs at least one tier or service")
        when = v.utc_naive(at)
        with self.uow() as uow:
            uow.repo.touch_contact(contact_id, when)
            added = uow.repo.add_recommendation(contact_id, key, tier_ids, services, when)
            uow.commit()
        return added

    def record_unmet_need(self, sender_id: str, need_area: str, tier: str | None, reason: str,
                          event_key: str, at: datetime | None = None) -> bool:
        """A need with no service found ('no_service') or where none fitted ('none_fit')."""
        contact_id = self._contact(sender_id)
        area = v.need_area(need_area)
        tier_id = None if tier is None else v.tier(tier)
        why = v.unmet_reason(reason)
        key = v.event_key(event_key)
        when = v.utc_naive(at)
        with self.uow() as uow:
            uow.repo.touch_contact(contact_id, when)
            added = uow.repo.add_unmet_need(contact_id, key, area, tier_id, why, when)
            uow.commit()
        return added == 1

    def record_outcome(self, sender_id: str, outcome: str, at: datetime | None = None) -> bool:
        """recommendation_given | handed_to_staff | abandoned | safeguarding (once each)."""
        contact_id = self._contact(sender_id)
        value = v.outcome(outcome)
        when = v.utc_naive(at)
        with self.uow() as uow:
            uow.repo.touch_contact(contact_id, when)
            added = uow.repo.add_outcome(contact_id, value, when)
            uow.commit()
        return added == 1

    def record_safeguarding(self, sender_id: str, kinds: Iterable[str], event_key: str,
                            at: datetime | None = None) -> int:
        """Kinds of concern (ids only, no free text); flags the contact for staff attention.
        Safeguarding is never lost to a bad id: an unknown kind is stored as 'unspecified_risk'."""
        contact_id = self._contact(sender_id)
        kind_ids = v.ids(_known_kinds(kinds), v.safeguarding_kind) or [v.UNKNOWN_SAFEGUARDING_KIND]
        key = v.event_key(event_key)
        when = v.utc_naive(at)
        with self.uow() as uow:
            uow.repo.touch_contact(contact_id, when)
            added = uow.repo.add_safeguarding(contact_id, key, kind_ids, when)
            uow.repo.add_outcome(contact_id, "safeguarding", when)
            uow.repo.flag_staff_attention(contact_id)
            uow.commit()
        return added

    def needs_staff_attention(self, sender_id: str) -> bool:
        with self.uow(read_only=True) as uow:
            row = uow.repo.get_contact(self._contact(sender_id))
        return bool(row and row["staff_attention"])

    # -- SMS channel --------------------------------------------------------------------------
    def claim_inbound_message(self, channel: str, message_id: str) -> bool:
        """True the first time this message id is seen on channel, False for a replay."""
        channel = v.channel(channel)
        if not isinstance(message_id, str) or not message_id or len(message_id) > 256:
            raise ValueError("message id must be a non-empty string of at most 256 characters")
        digest = hmac.new(privacy.secret_key(), f"{channel}\x00{message_id}".encode(
            "utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
        with self.uow() as uow:
            claimed = uow.repo.claim_message(channel, digest, v.utc_naive(None))
            uow.commit()
        return claimed

    def set_sms_opt_out(self, phone_pseudonym: str, opted_out: bool) -> None:
        with self.uow() as uow:
            uow.repo.set_opt_out(_checked_pseudonym(phone_pseudonym), bool(opted_out),
                                 v.utc_naive(None))
            uow.commit()

    def is_sms_opted_out(self, phone_pseudonym: str) -> bool:
        with self.uow(read_only=True) as uow:
            return uow.repo.is_opted_out(_checked_pseudonym(phone_pseudonym))

    # -- privacy ------------------------------------------------------------------------------
    def erase_sender(self, sender_id: str) -> int:
        """Deletes everything about one person (log, SMS opt-out, Rasa tracker events); returns
        the number of rows deleted. Accepts the raw sender id or phone number."""
        raw_ids = sender_variants(v.sender_id(sender_id))
        tracker_ids = raw_ids + [privacy.pseudonym(x) for x in raw_ids]  # web raw, SMS pseudonym
        contact_ids = [privacy.pseudonym(x) for x in tracker_ids]
        with self.uow() as uow:
            deleted = uow.repo.erase_contacts(contact_ids)
            deleted += uow.repo.erase_opt_outs(tracker_ids)  # keyed by pseudonym(phone)
            deleted += erase_tracker(uow.connection, tracker_ids)
            uow.repo.record_erasure(contact_ids, v.utc_naive(None))
            uow.commit()
        deleted += erase_broker_events(tracker_ids)
        log.info("erased %d rows for one sender on request", deleted)
        return deleted

    def purge(self, older_than_days: int | None = None, now: datetime | None = None
              ) -> dict[str, int]:
        """Deletes log rows and tracker events older than the retention period."""
        days = retention_days() if older_than_days is None else older_than_days
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError("older_than_days must be a whole number of at least 1")
        cutoff = v.utc_naive(now) - timedelta(days=days)
        with self.uow() as uow:
            counts = uow.repo.purge(cutoff)
            # Conversations are kept for less time than the log (30 days by default).
            tracker_days = min(days, settings.tracker_retention_days())
            counts["events"] = purge_tracker(uow.connection,
                                             v.utc_naive(now) - timedelta(days=tracker_days))
            uow.commit()
        return counts


def _known_kinds(kinds: Iterable[str] | str) -> list[str]:
    """Known safeguarding kinds; anything else becomes 'unspecified_risk' (logged, never stored)."""
    if kinds is None:
        kinds = []
    elif isinstance(kinds, str):
        kinds = [kinds]
    known = []
    for kind in kinds:
        try:
            known.append(v.safeguarding_kind(kind))
        except ValueError:
            log.warning("safeguarding: an unknown kind id was recorded as 'unspecified_risk'")
            known.append(v.UNKNOWN_SAFEGUARDING_KIND)
    return known


def _checked_pseudonym(value: object) -> str:
    if not isinstance(value, str) or not _PSEUDONYM.fullmatch(value):
        raise ValueError("expected a pseudonym from bot.privacy.pseudonym(), not a phone number")
    return value
