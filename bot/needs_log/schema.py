"""The needs log's tables (SQLAlchemy Core). Ids only: no names, phone numbers or free text.

Every table has a natural key, so replaying a call can never write a second row. Table names start
with wf_ so they sit safely beside Rasa's tracker-store table (events) in the same database.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    MetaData,
    SmallInteger,
    String,
    Table,
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

PSEUDONYM = 32  # length of bot.privacy.pseudonym()


def _contact_fk() -> Column:
    return Column("contact_id", String(PSEUDONYM),
                  ForeignKey("wf_contact.id", ondelete="CASCADE"), primary_key=True)


contact = Table(
    "wf_contact", metadata,
    Column("id", String(PSEUDONYM), primary_key=True),  # pseudonym(sender_id)
    Column("channel", String(16), nullable=True),
    Column("role", String(16), nullable=True),
    Column("postcode_district", String(4), nullable=True),
    Column("first_seen", DateTime, nullable=False, index=True),
    Column("last_seen", DateTime, nullable=False, index=True),
    Column("furthest_step", SmallInteger, nullable=True),
    Column("staff_attention", Boolean(name="staff_attention_bool"), nullable=False,
           default=False),
)

need = Table(
    "wf_need", metadata,
    _contact_fk(),
    Column("need_area", String(40), primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
)

recommended_tier = Table(
    "wf_recommended_tier", metadata,
    _contact_fk(),
    Column("event_key", String(128), primary_key=True),
    Column("tier", String(16), primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
)

signposted_service = Table(
    "wf_signposted_service", metadata,
    _contact_fk(),
    Column("event_key", String(128), primary_key=True),
    Column("service_id", String(80), primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
)

unmet_need = Table(
    "wf_unmet_need", metadata,
    _contact_fk(),
    Column("event_key", String(128), primary_key=True),
    Column("need_area", String(40), primary_key=True),
    Column("tier", String(16), nullable=True),
    Column("reason", String(16), nullable=False),
    Column("at", DateTime, nullable=False, index=True),
)

outcome = Table(
    "wf_outcome", metadata,
    _contact_fk(),
    Column("outcome", String(24), primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
)

safeguarding = Table(
    "wf_safeguarding", metadata,
    _contact_fk(),
    Column("event_key", String(128), primary_key=True),
    Column("kind", String(40), primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
)

inbound_message = Table(
    "wf_inbound_message", metadata,
    Column("channel", String(16), primary_key=True),
    Column("message_hash", String(64), primary_key=True),  # keyed hash, never the id itself
    Column("received_at", DateTime, nullable=False, index=True),
)

projected_event = Table(  # Rasa events already applied by the consumer (keyed hash of identity)
    "wf_projected_event", metadata,
    Column("event_hash", String(64), primary_key=True),
    Column("applied_at", DateTime, nullable=False, index=True),
)

erasure = Table(  # people erased on request: later-arriving events about them are dropped
    "wf_erasure", metadata,
    Column("contact_id", String(PSEUDONYM), primary_key=True),
    Column("erased_at", DateTime, nullable=False, index=True),
)

sms_opt_out = Table(
    "wf_sms_opt_out", metadata,
    Column("phone_pseudonym", String(PSEUDONYM), primary_key=True),
    Column("opted_out", Boolean(name="opted_out_bool"), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# -- staff console (migration 0002) ----------------------------------------------------------
staff_account = Table(
    "wf_staff_account", metadata,
    Column("name", String(64), primary_key=True),
    Column("password_hash", String(255), nullable=False),  # bot.staff.passwords, never clear
    Column("failed_count", SmallInteger, nullable=False, default=0),
    Column("locked_until", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
)

staff_session = Table(
    "wf_staff_session", metadata,
    Column("id_hash", String(64), primary_key=True),  # sha256 of the cookie value, never the value
    Column("account_name", String(64),
           ForeignKey("wf_staff_account.name", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("call_id", String(80), nullable=True),  # the conversation id of the current call
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False, index=True),
)

attention_handled = Table(
    "wf_attention_handled", metadata,
    Column("contact_id", String(PSEUDONYM), ForeignKey("wf_contact.id", ondelete="CASCADE"),
           primary_key=True),
    Column("handled_at", DateTime, nullable=False),
)

# Tables holding one person's facts, children first (the order erase and purge delete in).
# (wf_attention_handled goes with its contact by ON DELETE CASCADE.)
PER_CONTACT_TABLES: tuple[Table, ...] = (need, recommended_tier, signposted_service, unmet_need,
                                         outcome, safeguarding)
