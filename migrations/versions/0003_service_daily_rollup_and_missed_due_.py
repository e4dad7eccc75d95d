"""service daily rollup and missed-due index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('service_daily',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('township_code', sa.String(length=12), nullable=True),
    sa.Column('hall_level', sa.String(length=8), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('fully_online', sa.Integer(), nullable=False),
    sa.Column('by_agent', sa.Integer(), nullable=False),
    sa.Column('finished', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.Column('late', sa.Integer(), nullable=False),
    sa.Column('one_visit', sa.Integer(), nullable=False),
    sa.Column('rated', sa.Integer(), nullable=False),
    sa.Column('rated_good', sa.Integer(), nullable=False),
    sa.Column('bad_reviews', sa.Integer(), nullable=False),
    sa.Column('bad_fixed', sa.Integer(), nullable=False),
    sa.Column('instant', sa.Integer(), nullable=False),
    sa.Column('instant_half_day', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['division.code'], ),
    sa.ForeignKeyConstraint(['township_code'], ['division.code'], ),
    sa.PrimaryKeyConstraint('day', 'division_code')
    )
    with op.batch_alter_table('service_daily', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_daily_township_code'), ['township_code'], unique=False)

    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('missed_due', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_index('ix_service_case_missed_due', ['missed_due', 'due_date'], unique=False)



    _fill_existing_cases()


def _fill_existing_cases() -> None:
    """Cases imported before this revision: flag missed dates and build their roll-up."""
    from data_access.rollups import refresh_service_daily

    bind = op.get_bind()
    finished_day = ("date(finished_at)" if bind.dialect.name == "sqlite"
                    else "CAST(finished_at AS DATE)")
    bind.execute(sa.text(f"UPDATE service_case SET missed_due = "
                         f"(finished_at IS NULL OR {finished_day} > due_date)"))
    first, last = bind.execute(sa.text(
        "SELECT min(accepted_at), max(coalesce(finished_at, accepted_at)) FROM service_case")).one()
    if first is not None:
        import pandas as pd

        refresh_service_daily(bind, pd.Timestamp(first).date(), pd.Timestamp(last).date())


def downgrade() -> None:
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_index('ix_service_case_missed_due')
        batch_op.drop_column('missed_due')

    with op.batch_alter_table('service_daily', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_daily_township_code'))

    op.drop_table('service_daily')
