"""service_daily read by division: an index on (division_code, day)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_service_daily_division_day', 'service_daily', ['division_code', 'day'])


def downgrade() -> None:
    op.drop_index('ix_service_daily_division_day', table_name='service_daily')
