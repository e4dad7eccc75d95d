"""the 督办 ledger: items the weekly meeting assigns and every step of each

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'duban_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('township_code', sa.String(length=12), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('indicator_id', sa.String(length=64), nullable=True),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('week', sa.String(length=8), nullable=False),
        sa.Column('figure', sa.String(length=64), nullable=False),
        sa.Column('request', sa.Text(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('opened_by', sa.String(length=64), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['township_code'], ['division.code']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_duban_item_township_code', 'duban_item', ['township_code'])
    op.create_index('ix_duban_item_state', 'duban_item', ['state'])
    op.create_table(
        'duban_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('action', sa.String(length=12), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('attachment_name', sa.String(length=255), nullable=True),
        sa.Column('attachment_type', sa.String(length=80), nullable=True),
        sa.Column('attachment', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['duban_item.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_duban_event_item_id', 'duban_event', ['item_id'])


def downgrade() -> None:
    op.drop_index('ix_duban_event_item_id', table_name='duban_event')
    op.drop_table('duban_event')
    op.drop_index('ix_duban_item_state', table_name='duban_item')
    op.drop_index('ix_duban_item_township_code', table_name='duban_item')
    op.drop_table('duban_item')
