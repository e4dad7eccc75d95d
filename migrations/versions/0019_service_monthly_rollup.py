"""service_monthly: the halls' daily roll-up summed by month, for months, quarters and years

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

MEASURES = ('cases', 'fully_online', 'by_agent', 'finished', 'on_time', 'late', 'one_visit',
            'rated', 'rated_good', 'bad_reviews', 'bad_fixed', 'instant', 'instant_half_day')


def upgrade() -> None:
    op.create_table('service_monthly',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('township_code', sa.String(length=12), nullable=True),
    sa.Column('hall_level', sa.String(length=8), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=False) for name in MEASURES),
    sa.PrimaryKeyConstraint('month', 'division_code')
    )
    op.create_index('ix_service_monthly_division_month', 'service_monthly',
                    ['division_code', 'month'], unique=False)
    op.create_index(op.f('ix_service_monthly_township_code'), 'service_monthly',
                    ['township_code'], unique=False)
    # The daily roll-up summed by month, as the importer keeps it from this revision on.
    month = ("date(day, 'start of month')" if op.get_bind().dialect.name == 'sqlite'
             else "CAST(date_trunc('month', day) AS DATE)")
    measures = ', '.join(MEASURES)
    sums = ', '.join(f'sum({name})' for name in MEASURES)
    op.execute(f"INSERT INTO service_monthly (month, division_code, township_code, hall_level, "
               f"{measures}) SELECT {month}, division_code, min(township_code), "
               f"min(hall_level), {sums} FROM service_daily GROUP BY {month}, division_code")


def downgrade() -> None:
    op.drop_index(op.f('ix_service_monthly_township_code'), table_name='service_monthly')
    op.drop_index('ix_service_monthly_division_month', table_name='service_monthly')
    op.drop_table('service_monthly')
