"""a cadre who blocked the bot is unreachable until they write to it again

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yulu.storage.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cadre") as batch:
        batch.add_column(sa.Column("unreachable_at", yulu.storage.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cadre") as batch:
        batch.drop_column("unreachable_at")
