"""service cases keyed by serial and county; on PostgreSQL a partition per county; no foreign
keys that only repeat others (a case's township, the roll-ups')

A county's first import then writes its cases into a table of their own and indexes them once,
instead of adding 800,000 rows one by one to every county's indexes (42.9 s an import at ten
counties, two thirds of it the insert). A case's township is derived from its division, whose
key stays; the roll-ups are counted from the cases, whose keys stay.

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
_FOREIGN_KEYS = [('division_code', 'division.code'), ('item_code', 'service_item.code')]
_DROPPED_KEYS = {'service_case': [('township_code', 'division.code')],
                 'service_daily': [('division_code', 'division.code'),
                                   ('township_code', 'division.code')],
                 'service_item_daily': [('item_code', 'service_item.code')]}
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
    foreign_keys = _FOREIGN_KEYS + ([] if with_county else _DROPPED_KEYS['service_case'])
    split = postgresql and with_county
    constraints = [] if split else [
        *(sa.ForeignKeyConstraint([column], [target]) for column, target in foreign_keys),
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
        for column, target in foreign_keys:
            table, key = target.split('.')
            op.create_foreign_key(f'service_case_{column}_fkey', 'service_case', table,
                                  [column], [key])
    for name, (columns, where) in _INDEXES.items():
        op.create_index(name, 'service_case', columns,
                        **({} if where is None else {'sqlite_where': sa.text(where[0]),
                                                     'postgresql_where': sa.text(where[1])}))


def _roll_up_keys(keep: bool) -> None:
    """Drops the roll-ups' foreign keys, or puts them back (keep)."""
    bind = op.get_bind()
    for table in ('service_daily', 'service_item_daily'):
        if bind.dialect.name == 'postgresql':
            for column, target in _DROPPED_KEYS[table]:
                name = f'{table}_{column}_fkey'
                if keep:
                    op.create_foreign_key(name, table, target.split('.')[0], [column],
                                          [target.split('.')[1]])
                else:
                    op.drop_constraint(name, table, type_='foreignkey')
        else:
            _remake_sqlite(table, _DROPPED_KEYS[table] if keep else [])


def _remake_sqlite(name: str, foreign_keys: list[tuple[str, str]]) -> None:
    """SQLite cannot drop or add a constraint: the table is made again, with its columns, key
    and indexes as they are and these foreign keys, and its rows copied."""
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    columns = [sa.Column(c['name'], c['type'], nullable=c['nullable'],
                         server_default=c['default'] and sa.text(c['default']))
               for c in inspector.get_columns(name)]
    key = inspector.get_pk_constraint(name)['constrained_columns']
    indexes = inspector.get_indexes(name)
    for index in indexes:
        op.drop_index(index['name'], table_name=name)
    op.rename_table(name, f'{name}_before_0018')
    op.create_table(name, *columns, sa.PrimaryKeyConstraint(*key),
                    *(sa.ForeignKeyConstraint([column], [target])
                      for column, target in foreign_keys))
    listed = ', '.join(c.name for c in columns)
    op.execute(f'INSERT INTO {name} ({listed}) SELECT {listed} FROM {name}_before_0018')
    op.drop_table(f'{name}_before_0018')
    for index in indexes:
        op.create_index(index['name'], name, index['column_names'], unique=index['unique'])


def upgrade() -> None:
    _rebuild(with_county=True)
    _roll_up_keys(keep=False)


def downgrade() -> None:
    _roll_up_keys(keep=True)
    _rebuild(with_county=False)
