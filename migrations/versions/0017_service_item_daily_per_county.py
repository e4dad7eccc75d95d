"""service_item_daily per county: an import refreshes its own counties' item rows only

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _create(keys: list[str]) -> None:
    op.create_table('service_item_daily',
    sa.Column('day', sa.Date(), nullable=False),
    *([sa.Column('county_code', sa.String(length=12), nullable=False)]
      if 'county_code' in keys else []),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('finished', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_code'], ['service_item.code'], ),
    sa.PrimaryKeyConstraint(*keys)
    )


def upgrade() -> None:
    # A roll-up: rebuilt from the cases rather than altered (SQLite cannot change a key).
    op.drop_table('service_item_daily')
    _create(['day', 'county_code', 'item_code'])
    _fill(per_county=True)


def _fill(per_county: bool) -> None:
    """The roll-up of the cases stored, as the importer makes it at this revision."""
    bind = op.get_bind()
    first, last = bind.execute(sa.text(
        "SELECT min(accepted_at), max(coalesce(finished_at, accepted_at)) FROM service_case")).one()
    if first is None:
        return
    day = {"accepted": "date(accepted_at)", "finished": "date(finished_at)"}
    if bind.dialect.name != "sqlite":
        day = {kind: f"CAST({kind}_at AS DATE)" for kind in day}
    county = "substr(division_code, 1, 6) || '000000'"
    keys = f"{county} AS county_code, item_code" if per_county else "item_code"
    group = f"{county}, item_code" if per_county else "item_code"
    on_time = f"{day['finished']} <= due_date"
    bind.execute(sa.text(
        f"INSERT INTO service_item_daily (day, {'county_code, ' if per_county else ''}item_code,"
        " cases, finished, on_time) "
        f"SELECT day, {'county_code, ' if per_county else ''}item_code, sum(cases), "
        "sum(finished), sum(on_time) FROM ("
        f"SELECT {day['accepted']} AS day, {keys}, count(*) AS cases, 0 AS finished, "
        f"0 AS on_time FROM service_case GROUP BY {day['accepted']}, {group} "
        "UNION ALL "
        f"SELECT {day['finished']} AS day, {keys}, 0, count(*), "
        f"sum(CASE WHEN {on_time} THEN 1 ELSE 0 END) FROM service_case "
        f"WHERE finished_at IS NOT NULL GROUP BY {day['finished']}, {group}) AS both_kinds "
        f"GROUP BY day, {group.replace(county, 'county_code')}"))


def downgrade() -> None:
    op.drop_table('service_item_daily')
    _create(['day', 'item_code'])
    _fill(per_county=False)
