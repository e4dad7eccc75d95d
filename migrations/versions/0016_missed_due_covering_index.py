"""the missed-due index holds only the cases that missed their date, with the columns the
open-past-due counts read, so that they never visit the table

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_NAME = 'ix_service_case_missed_due'
# As data_access.models.MISSED_DUE_COLUMNS today (a migration keeps its own copy).
_COLUMNS = ['missed_due', 'due_date', 'finished_at', 'status', 'township_code',
            'division_code', 'hall_level']


def upgrade() -> None:
    op.drop_index(_NAME, table_name='service_case')
    op.create_index(_NAME, 'service_case', _COLUMNS,
                    sqlite_where=sa.text('missed_due IS 1'),
                    postgresql_where=sa.text('missed_due IS true'))


def downgrade() -> None:
    op.drop_index(_NAME, table_name='service_case')
    op.create_index(_NAME, 'service_case', ['missed_due', 'due_date'])
