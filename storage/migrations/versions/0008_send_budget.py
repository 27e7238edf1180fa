"""the bot token's send budget shared by processes (UNLOGGED on PostgreSQL)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    unlogged = ["UNLOGGED"] if op.get_bind().dialect.name == "postgresql" else []
    op.create_table(
        "send_budget",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("free_at", sa.Float(), nullable=False),
        prefixes=unlogged,
    )


def downgrade() -> None:
    op.drop_table("send_budget")
