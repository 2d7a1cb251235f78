"""Rasa events the consumer has applied (nothing applied twice), and erasures (none undone).

Revision ID: 0003_projected_event
Revises: 0002_staff_console
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_projected_event"
down_revision = "0002_staff_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wf_projected_event",
        sa.Column("event_hash", sa.String(64), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_hash", name="pk_wf_projected_event"),
    )
    op.create_index("ix_wf_projected_event_applied_at", "wf_projected_event", ["applied_at"])
    op.create_table(
        "wf_erasure",
        sa.Column("contact_id", sa.String(32), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("contact_id", name="pk_wf_erasure"),
    )
    op.create_index("ix_wf_erasure_erased_at", "wf_erasure", ["erased_at"])


def downgrade() -> None:
    op.drop_table("wf_erasure")
    op.drop_table("wf_projected_event")
