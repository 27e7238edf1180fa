"""the ledger: the 新成长劳动力 roster, region indexes for the ledger and its figures

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yulu.storage.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "labour_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("id_number_enc", sa.LargeBinary(), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("phone_enc", sa.LargeBinary(), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("school", sa.String(length=120), nullable=False),
        sa.Column(
            "stage",
            sa.Enum("junior", "senior", name="schoolstage", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("leaving_year", sa.Integer(), nullable=False),
        sa.Column("hukou_region_id", sa.Integer(), nullable=False),
        sa.Column("household_type", sa.String(length=20), nullable=False),
        sa.Column("relocated", sa.Boolean(), nullable=False),
        sa.Column("intention", sa.String(length=20), nullable=True),
        sa.Column("cadre_id", sa.Integer(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("imported_at", yulu.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", yulu.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cadre_id"], ["cadre.id"], name=op.f("fk_labour_entry_cadre_id_cadre")
        ),
        sa.ForeignKeyConstraint(
            ["hukou_region_id"],
            ["region.id"],
            name=op.f("fk_labour_entry_hukou_region_id_region"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labour_entry")),
        sa.UniqueConstraint("id_number_hash", name=op.f("uq_labour_entry_id_number_hash")),
    )
    with op.batch_alter_table("labour_entry") as batch:
        batch.create_index("ix_labour_entry_phone_hash", ["phone_hash"], unique=False)
        batch.create_index("ix_labour_entry_hukou_region_id", ["hukou_region_id"], unique=False)
    with op.batch_alter_table("roster_entry") as batch:
        batch.create_index("ix_roster_entry_hukou_region_id", ["hukou_region_id"], unique=False)
    with op.batch_alter_table("graduate") as batch:
        batch.create_index("ix_graduate_hukou_region_id", ["hukou_region_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("graduate") as batch:
        batch.drop_index("ix_graduate_hukou_region_id")
    with op.batch_alter_table("roster_entry") as batch:
        batch.drop_index("ix_roster_entry_hukou_region_id")
    op.drop_table("labour_entry")
