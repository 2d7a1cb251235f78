"""Staff console: accounts, server-side sessions, safeguarding flags marked handled.

Revision ID: 0002_staff_console
Revises: 0001_initial
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_staff_console"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wf_staff_account",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("failed_count", sa.SmallInteger(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_wf_staff_account"),
    )
    op.create_table(
        "wf_staff_session",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("account_name", sa.String(64), sa.ForeignKey(
            "wf_staff_account.name", ondelete="CASCADE",
            name="fk_wf_staff_session_account_name_wf_staff_account"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("call_id", sa.String(80), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name="pk_wf_staff_session"),
    )
    op.create_index("ix_wf_staff_session_last_seen", "wf_staff_session", ["last_seen"])
    op.create_table(
        "wf_attention_handled",
        sa.Column("contact_id", sa.String(32), sa.ForeignKey(
            "wf_contact.id", ondelete="CASCADE",
            name="fk_wf_attention_handled_contact_id_wf_contact"), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("contact_id", name="pk_wf_attention_handled"),
    )


def downgrade() -> None:
    for name in ("wf_attention_handled", "wf_staff_session", "wf_staff_account"):
        op.drop_table(name)
