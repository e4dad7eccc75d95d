"""county-kept holiday calendar (休 / 班 days after the chinesecalendar library's years)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'holiday_calendar',
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=1), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('date'),
    )


def downgrade() -> None:
    op.drop_table('holiday_calendar')
