"""divisions from data: the English name and the NBS urban-rural code of a division

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('division') as batch:
        batch.add_column(sa.Column('name_en', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('urban_rural_code', sa.String(length=3), nullable=True))
    # The county row was written by init-db, which named no English form: the demo's one.
    op.execute("UPDATE division SET short_name = '石首', name_en = 'Shishou' "
               "WHERE code = '421081000000' AND name = '石首市'")


def downgrade() -> None:
    with op.batch_alter_table('division') as batch:
        batch.drop_column('urban_rural_code')
        batch.drop_column('name_en')
