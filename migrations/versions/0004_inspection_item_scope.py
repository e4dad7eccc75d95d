"""inspection item scope (抽查对象范围) for the verifiable draw

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inspection_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=400), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inspection_item', schema=None) as batch_op:
        batch_op.drop_column('scope')
