"""outbox rows carry channel-neutral buttons (locale key + action), rendered by the channel

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows still queued keep their Telegram markup under the new name; the sender renders both
    # shapes (a list of neutral button rows, or a legacy Telegram markup object) alike.
    with op.batch_alter_table("outbox_message") as batch:
        batch.alter_column("reply_markup", new_column_name="buttons")


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.alter_column("buttons", new_column_name="reply_markup")
