"""Service cases per item and day (service_item_daily), and a partial index of the 差评 by finish

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# metrics.vocabulary.BAD_RATING_MAX as it is at this revision: a migration keeps its schema.
BAD_REVIEW = sa.text("rating <= 2")


def upgrade() -> None:
    op.create_table('service_item_daily',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('finished', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_code'], ['service_item.code'], ),
    sa.PrimaryKeyConstraint('day', 'item_code')
    )
    op.create_index('ix_service_case_bad_review_finished', 'service_case', ['finished_at'],
                    unique=False, sqlite_where=BAD_REVIEW, postgresql_where=BAD_REVIEW)
    # Cases imported before this revision get their rows in 0017, which gives the table the
    # county column the importer writes today.


def downgrade() -> None:
    op.drop_index('ix_service_case_bad_review_finished', table_name='service_case',
                  sqlite_where=BAD_REVIEW, postgresql_where=BAD_REVIEW)
    op.drop_table('service_item_daily')
