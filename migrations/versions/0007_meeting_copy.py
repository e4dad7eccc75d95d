"""the export marked as a week's meeting copy (会议材料), with every re-mark and its reason

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'meeting_copy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('week', sa.String(length=8), nullable=False),
        sa.Column('export_id', sa.Integer(), nullable=False),
        sa.Column('marked_at', sa.DateTime(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['export_id'], ['report_export.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_meeting_copy_week', 'meeting_copy', ['week'])


def downgrade() -> None:
    op.drop_index('ix_meeting_copy_week', table_name='meeting_copy')
    op.drop_table('meeting_copy')
