"""boundaries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('boundary',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('geometry', sa.Text(), nullable=False),
    sa.Column('label_lon', sa.Float(), nullable=False),
    sa.Column('label_lat', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['code'], ['division.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('boundary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_boundary_level'), ['level'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('boundary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_boundary_level'))

    op.drop_table('boundary')
