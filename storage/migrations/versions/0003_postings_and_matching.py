"""postings and matching (岗位归集与推送)

Postings and their trade codes with the matching fields copied in (posting_trade), graduates'
derived trade codes (graduate_trade), notices, interest, 不合适 and the employed opt-in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yulu.storage.models

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('posting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=False),
    sa.Column('employer', sa.String(length=120), nullable=False),
    sa.Column('employer_type', sa.Enum('central_soe', 'soe', 'private', 'public_institution', 'government', 'foreign', 'social', 'other', name='employertype', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('full_time', 'internship', 'traineeship', 'targeted', name='postingkind', native_enum=False, length=32), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('majors', sa.String(length=400), nullable=False),
    sa.Column('trade_key', sa.String(length=16), nullable=False),
    sa.Column('map_version', sa.String(length=16), nullable=False),
    sa.Column('education_min', sa.SmallInteger(), nullable=False),
    sa.Column('pay_min', sa.Integer(), nullable=True),
    sa.Column('pay_max', sa.Integer(), nullable=True),
    sa.Column('headcount', sa.Integer(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('apply_how', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('imported_at', yulu.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', yulu.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_posting_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posting')),
    sa.UniqueConstraint('source_key', name=op.f('uq_posting_source_key'))
    )
    op.create_index('ix_posting_deadline', 'posting', ['deadline'], unique=False)
    op.create_table('posting_trade',
    sa.Column('posting_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('weight', sa.SmallInteger(), nullable=False),
    sa.Column('kind', sa.Enum('full_time', 'internship', 'traineeship', 'targeted', name='postingkind', native_enum=False, length=32), nullable=False),
    sa.Column('province', sa.String(length=40), nullable=False),
    sa.Column('city', sa.String(length=40), nullable=False),
    sa.Column('county', sa.String(length=40), nullable=False),
    sa.Column('education_min', sa.SmallInteger(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('region_key', sa.Integer(), nullable=False),
    sa.Column('trade_key', sa.String(length=16), nullable=False),
    sa.Column('pay', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['posting_id'], ['posting.id'], name=op.f('fk_posting_trade_posting_id_posting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('posting_id', 'code', name=op.f('pk_posting_trade'))
    )
    op.create_index('ix_posting_trade_code_province', 'posting_trade', ['code', 'province', 'posting_id'], unique=False)
    op.create_table('graduate_trade',
    sa.Column('graduate_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('weight', sa.SmallInteger(), nullable=False),
    sa.Column('major', sa.String(length=120), nullable=False),
    sa.Column('map_version', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['graduate_id'], ['graduate.id'], name=op.f('fk_graduate_trade_graduate_id_graduate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('graduate_id', 'code', name=op.f('pk_graduate_trade'))
    )
    op.create_table('job_interest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('graduate_id', sa.Integer(), nullable=False),
    sa.Column('posting_id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=True),
    sa.Column('cadre_told', sa.Boolean(), nullable=False),
    sa.Column('created_at', yulu.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_job_interest_cadre_id_cadre')),
    sa.ForeignKeyConstraint(['graduate_id'], ['graduate.id'], name=op.f('fk_job_interest_graduate_id_graduate'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['posting_id'], ['posting.id'], name=op.f('fk_job_interest_posting_id_posting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_interest')),
    sa.UniqueConstraint('graduate_id', 'posting_id', name=op.f('uq_job_interest_graduate_id'))
    )
    op.create_index(op.f('ix_job_interest_created_at'), 'job_interest', ['created_at'], unique=False)
    op.create_table('job_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('graduate_id', sa.Integer(), nullable=False),
    sa.Column('posting_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('outbox_key', sa.String(length=200), nullable=False),
    sa.Column('created_at', yulu.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['graduate_id'], ['graduate.id'], name=op.f('fk_job_notice_graduate_id_graduate'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['posting_id'], ['posting.id'], name=op.f('fk_job_notice_posting_id_posting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_notice')),
    sa.UniqueConstraint('graduate_id', 'posting_id', name=op.f('uq_job_notice_graduate_id'))
    )
    op.create_index('ix_job_notice_posting_id', 'job_notice', ['posting_id'], unique=False)
    op.create_table('job_preference',
    sa.Column('graduate_id', sa.Integer(), nullable=False),
    sa.Column('notices_while_employed', sa.Boolean(), nullable=False),
    sa.Column('updated_at', yulu.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['graduate_id'], ['graduate.id'], name=op.f('fk_job_preference_graduate_id_graduate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('graduate_id', name=op.f('pk_job_preference'))
    )
    op.create_table('job_rejection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('graduate_id', sa.Integer(), nullable=False),
    sa.Column('posting_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('unspecified', 'place', 'pay', 'trade', 'other', name='rejectionreason', native_enum=False, length=32), nullable=False),
    sa.Column('region_key', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=40), nullable=False),
    sa.Column('city_key', sa.String(length=40), nullable=False),
    sa.Column('trade_key', sa.String(length=16), nullable=False),
    sa.Column('pay', sa.Integer(), nullable=False),
    sa.Column('created_at', yulu.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', yulu.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['graduate_id'], ['graduate.id'], name=op.f('fk_job_rejection_graduate_id_graduate'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['posting_id'], ['posting.id'], name=op.f('fk_job_rejection_posting_id_posting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_rejection')),
    sa.UniqueConstraint('graduate_id', 'posting_id', name=op.f('uq_job_rejection_graduate_id'))
    )


def downgrade() -> None:
    op.drop_table('job_rejection')
    op.drop_table('job_preference')
    op.drop_index('ix_job_notice_posting_id', table_name='job_notice')
    op.drop_table('job_notice')
    op.drop_index(op.f('ix_job_interest_created_at'), table_name='job_interest')
    op.drop_table('job_interest')
    op.drop_table('graduate_trade')
    op.drop_index('ix_posting_trade_code_province', table_name='posting_trade')
    op.drop_table('posting_trade')
    op.drop_index('ix_posting_deadline', table_name='posting')
    op.drop_table('posting')
