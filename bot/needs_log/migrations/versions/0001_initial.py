"""The needs log's first tables.

Revision ID: 0001_initial
Revises:
Create Date: 2024-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def _contact_fk() -> sa.Column:
    return sa.Column("contact_id", sa.String(32), sa.ForeignKey(
        "wf_contact.id", ondelete="CASCADE", name=None), primary_key=True)


def _child(name: str, *columns: sa.Column, timed: str = "at") -> None:
    op.create_table(name, _contact_fk(), *columns,
                    sa.PrimaryKeyConstraint(*(["contact_id"] + [c.name for c in columns
                                                                if c.primary_key]),
                                            name=f"pk_{name}"))
    op.create_index(f"ix_{name}_{timed}", name, [timed])


def upgrade() -> None:
    op.create_table(
        "wf_contact",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("postcode_district", sa.String(4), nullable=True),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("furthest_step", sa.SmallInteger(), nullable=True),
        sa.Column("staff_attention", sa.Boolean(name="staff_attention_bool"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_wf_contact"),
    )
    op.create_index("ix_wf_contact_first_seen", "wf_contact", ["first_seen"])
    op.create_index("ix_wf_contact_last_seen", "wf_contact", ["last_seen"])
    _child("wf_need",
           sa.Column("need_area", sa.String(40), primary_key=True),
           sa.Column("at", sa.DateTime(), nullable=False))
    _child("wf_recommended_tier",
           sa.Column("event_key", sa.String(128), primary_key=True),
           sa.Column("tier", sa.String(16), primary_key=True),
           sa.Column("at", sa.DateTime(), nullable=False))
    _child("wf_signposted_service",
           sa.Column("event_key", sa.String(128), primary_key=True),
           sa.Column("service_id", sa.String(80), primary_key=True),
           sa.Column("at", sa.DateTime(), nullable=False))
    _child("wf_unmet_need",
           sa.Column("event_key", sa.String(128), primary_key=True),
           sa.Column("need_area", sa.String(40), primary_key=True),
           sa.Column("tier", sa.String(16), nullable=True),
           sa.Column("reason", sa.String(16), nullable=False),
           sa.Column("at", sa.DateTime(), nullable=False))
    _child("wf_outcome",
           sa.Column("outcome", sa.String(24), primary_key=True),
           sa.Column("at", sa.DateTime(), nullable=False))
    _child("wf_safeguarding",
           sa.Column("event_key", sa.String(128), primary_key=True),
           sa.Column("kind", sa.String(40), primary_key=True),
           sa.Column("at", sa.DateTime(), nullable=False))
    op.create_table(
        "wf_inbound_message",
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("message_hash", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("channel", "message_hash", name="pk_wf_inbound_message"),
    )
    op.create_index("ix_wf_inbound_message_received_at", "wf_inbound_message", ["received_at"])
    op.create_table(
        "wf_sms_opt_out",
        sa.Column("phone_pseudonym", sa.String(32), nullable=False),
        sa.Column("opted_out", sa.Boolean(name="opted_out_bool"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("phone_pseudonym", name="pk_wf_sms_opt_out"),
    )


def downgrade() -> None:
    for name in ("wf_sms_opt_out", "wf_inbound_message", "wf_safeguarding", "wf_outcome",
                 "wf_unmet_need", "wf_signposted_service", "wf_recommended_tier", "wf_need",
                 "wf_contact"):
        op.drop_table(name)
