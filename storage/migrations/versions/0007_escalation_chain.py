"""the escalation chain: staff levels, the climb of each case, phone reveals to mask again

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yulu.storage.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LEVELS = ("village", "township", "county", "city", "province")


def upgrade() -> None:
    with op.batch_alter_table("cadre") as batch:
        batch.add_column(
            sa.Column(
                "level",
                sa.Enum(*LEVELS, name="stafflevel", native_enum=False, length=32),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("area", sa.String(length=60), nullable=True))
    with op.batch_alter_table("help_case") as batch:
        batch.add_column(
            sa.Column("escalation_level", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(
            sa.Column("stage_since", yulu.storage.models.UTCDateTime(), nullable=True)
        )
        batch.add_column(sa.Column("stuck_at", yulu.storage.models.UTCDateTime(), nullable=True))
    op.create_table(
        "phone_reveal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("revealed_at", yulu.storage.models.UTCDateTime(), nullable=False),
        sa.Column("mask_at", yulu.storage.models.UTCDateTime(), nullable=False),
        sa.Column("masked_at", yulu.storage.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cadre_id"], ["cadre.id"], name=op.f("fk_phone_reveal_cadre_id_cadre")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["help_case.id"],
            name=op.f("fk_phone_reveal_case_id_help_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_reveal")),
    )
    op.create_index(
        "ix_phone_reveal_masked_mask_at", "phone_reveal", ["masked_at", "mask_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_phone_reveal_masked_mask_at", table_name="phone_reveal")
    op.drop_table("phone_reveal")
    with op.batch_alter_table("help_case") as batch:
        batch.drop_column("stuck_at")
        batch.drop_column("stage_since")
        batch.drop_column("escalation_level")
    with op.batch_alter_table("cadre") as batch:
        batch.drop_column("area")
        batch.drop_column("level")
