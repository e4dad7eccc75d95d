"""PDF exports made by a background job: each export's PDF state, who asked, the job's token

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report_export') as batch:
        batch.add_column(sa.Column('pdf_state', sa.String(length=12), nullable=True))
        batch.add_column(sa.Column('pdf_token', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('pdf_requested_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('pdf_message', sa.Text(), nullable=True))
    # Exports printed in the request before this revision have their PDF already.
    op.execute("UPDATE report_export SET pdf_state = 'done' WHERE pdf_sha256 IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('report_export') as batch:
        batch.drop_column('pdf_message')
        batch.drop_column('pdf_requested_by')
        batch.drop_column('pdf_token')
        batch.drop_column('pdf_state')
