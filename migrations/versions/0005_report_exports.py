"""stored report exports (weekly report, township page) with their numbers and PDF

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_export',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('week', sa.String(length=8), nullable=False),
        sa.Column('township_code', sa.String(length=12), nullable=True),
        sa.Column('lang', sa.String(length=2), nullable=False),
        sa.Column('data_version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('snapshot', sa.Text(), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=True),
        sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['township_code'], ['division.code']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_report_export_week', 'report_export', ['week'])


def downgrade() -> None:
    op.drop_index('ix_report_export_week', table_name='report_export')
    op.drop_table('report_export')
