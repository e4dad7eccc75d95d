"""service cases keyed by serial and county; on PostgreSQL a partition per county

A county's first import then writes its cases into a table of their own and indexes them once,
instead of adding 800,000 rows one by one to every county's indexes (42.9 s an import at ten
counties, two thirds of it the insert).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

_OLD = 'service_case_before_0018'
_VALUES = ['serial_no', 'item_code', 'division_code', 'township_code', 'hall_level', 'channel',
           'applied_at', 'accepted_at', 'promised_limit_days', 'paused_days', 'due_date',
           'finished_at', 'status', 'visits', 'fully_online', 'rating', 'bad_review_due',
           'bad_review_fixed_at', 'missed_due']
# A migration keeps its own copy of the indexes (data_access.models.ServiceCase today).
_INDEXES = {
    'ix_service_case_township_accepted': (['township_code', 'accepted_at'], None),
    'ix_service_case_accepted': (['accepted_at'], None),
    'ix_service_case_division_code': (['division_code'], None),
    'ix_service_case_finished_at': (['finished_at'], None),
    'ix_service_case_missed_due': (['missed_due', 'due_date', 'finished_at', 'status',
                                    'township_code', 'division_code', 'hall_level'],
                                   ('missed_due IS 1', 'missed_due IS true')),
    'ix_service_case_bad_review_finished': (['finished_at'], ('rating <= 2', 'rating <= 2')),
}
_FOREIGN_KEYS = [('division_code', 'division.code'), ('item_code', 'service_item.code'),
                 ('township_code', 'division.code')]
_COUNTY = "substr(division_code, 1, 6) || '000000'"


def _columns(with_county: bool) -> list[sa.Column]:
    return [
        sa.Column('serial_no', sa.String(length=40), nullable=False),
        *([sa.Column('county_code', sa.String(length=12), nullable=False)] if with_county
          else []),
        sa.Column('item_code', sa.String(length=40), nullable=False),
        sa.Column('division_code', sa.String(length=12), nullable=False),
        sa.Column('township_code', sa.String(length=12), nullable=True),
        sa.Column('hall_level', sa.String(length=8), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('applied_at', sa.DateTime(), nullable=False),
        sa.Column('accepted_at', sa.DateTime(), nullable=False),
        sa.Column('promised_limit_days', sa.SmallInteger(), nullable=False),
        sa.Column('paused_days', sa.SmallInteger(), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('visits', sa.SmallInteger(), nullable=False),
        sa.Column('fully_online', sa.Boolean(), nullable=False),
        sa.Column('rating', sa.SmallInteger(), nullable=True),
        sa.Column('bad_review_due', sa.Date(), nullable=True),
        sa.Column('bad_review_fixed_at', sa.Date(), nullable=True),
        sa.Column('missed_due', sa.Boolean(), nullable=False, server_default=sa.false()),
    ]


def _rebuild(with_county: bool) -> None:
    """Moves the cases into a new service_case table: keyed by serial and county and on
    PostgreSQL split by county (with_county), or as before."""
    bind = op.get_bind()
    postgresql = bind.dialect.name == 'postgresql'
    for name in _INDEXES:
        op.drop_index(name, table_name='service_case')
    op.rename_table('service_case', _OLD)
    if postgresql:  # the key's index keeps its name, which the new table's key takes
        op.drop_constraint('service_case_pkey', _OLD, type_='primary')
    keys = ['serial_no', 'county_code'] if with_county else ['serial_no']
    split = postgresql and with_county
    constraints = [] if split else [
        *(sa.ForeignKeyConstraint([column], [target]) for column, target in _FOREIGN_KEYS),
        sa.PrimaryKeyConstraint(*keys, name='service_case_pkey')]
    op.create_table('service_case', *_columns(with_county), *constraints,
                    **({'postgresql_partition_by': 'LIST (county_code)'} if split else {}))
    if split:
        counties = bind.execute(sa.text(f'SELECT DISTINCT {_COUNTY} FROM {_OLD}')).scalars()
        for county in counties:
            op.execute(f"CREATE TABLE service_case_{county[:6]} PARTITION OF service_case "
                       f"FOR VALUES IN ('{county}')")
    listed = ', '.join(_VALUES)
    op.execute(f"INSERT INTO service_case ({listed}{', county_code' if with_county else ''}) "
               f"SELECT {listed}{f', {_COUNTY}' if with_county else ''} FROM {_OLD}")
    op.drop_table(_OLD)
    if split:  # built once over the moved rows, not row by row
        op.create_primary_key('service_case_pkey', 'service_case', keys)
        for column, target in _FOREIGN_KEYS:
            table, key = target.split('.')
            op.create_foreign_key(f'service_case_{column}_fkey', 'service_case', table,
                                  [column], [key])
    for name, (columns, where) in _INDEXES.items():
        op.create_index(name, 'service_case', columns,
                        **({} if where is None else {'sqlite_where': sa.text(where[0]),
                                                     'postgresql_where': sa.text(where[1])}))


def upgrade() -> None:
    _rebuild(with_county=True)


def downgrade() -> None:
    _rebuild(with_county=False)
