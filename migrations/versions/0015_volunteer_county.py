"""several counties: the county a volunteer team serves and an activity counts in

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# The county a code lies in: its first six digits (NBS codes nest).
_PREFIX = "substr({column}, 1, 6) || '000000'"
# The county when the database holds only one (until now it could hold no other).
_ONLY = ("(SELECT min(code) FROM division WHERE level = 'county' "
         "HAVING count(*) = 1)")


def upgrade() -> None:
    for table in ('volunteer_team', 'volunteer_activity'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('county_code', sa.String(length=12), nullable=True))
            batch.create_foreign_key(f'fk_{table}_county_code_division', 'division',
                                     ['county_code'], ['code'])
    op.execute("UPDATE volunteer_team SET county_code = coalesce("
               + _PREFIX.format(column="coalesce(township_code, village_code)") + f", {_ONLY})")
    op.execute("UPDATE volunteer_activity SET county_code = coalesce("
               "(SELECT t.county_code FROM volunteer_team t "
               "WHERE t.code = volunteer_activity.team_code), "
               + _PREFIX.format(column="township_code") + f", {_ONLY})")


def downgrade() -> None:
    for table in ('volunteer_activity', 'volunteer_team'):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f'fk_{table}_county_code_division', type_='foreignkey')
            batch.drop_column('county_code')
