"""uploads through the browser, and what each import changed (to undo it)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_log') as batch:
        batch.add_column(sa.Column('undoes_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('undone_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('undone_by', sa.String(length=64), nullable=True))
        batch.create_foreign_key('fk_import_log_undoes_id', 'import_log', ['undoes_id'], ['id'])
    op.create_table(
        'import_change',
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('table_name', sa.String(length=64), nullable=False),
        sa.Column('payload', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['import_id'], ['import_log.id']),
        sa.PrimaryKeyConstraint('import_id'),
    )
    op.create_index('ix_import_change_table_name', 'import_change', ['table_name'])
    op.create_table(
        'upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('township_code', sa.String(length=12), nullable=True),
        sa.Column('template', sa.String(length=32), nullable=True),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('domain', sa.String(length=32), nullable=True),
        sa.Column('rows_in_file', sa.Integer(), nullable=True),
        sa.Column('rows_inserted', sa.Integer(), nullable=True),
        sa.Column('rows_updated', sa.Integer(), nullable=True),
        sa.Column('problem_count', sa.Integer(), nullable=True),
        sa.Column('problems', sa.Text(), nullable=True),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('import_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['township_code'], ['division.code']),
        sa.ForeignKeyConstraint(['import_id'], ['import_log.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token'),
    )
    op.create_index('ix_upload_username', 'upload', ['username'])
    op.create_index('ix_upload_township_code', 'upload', ['township_code'])
    op.create_index('ix_upload_state', 'upload', ['state'])
    op.create_table(
        'upload_file',
        sa.Column('upload_id', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('marked', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['upload_id'], ['upload.id']),
        sa.PrimaryKeyConstraint('upload_id'),
    )


def downgrade() -> None:
    op.drop_table('upload_file')
    op.drop_index('ix_upload_state', table_name='upload')
    op.drop_index('ix_upload_township_code', table_name='upload')
    op.drop_index('ix_upload_username', table_name='upload')
    op.drop_table('upload')
    op.drop_index('ix_import_change_table_name', table_name='import_change')
    op.drop_table('import_change')
    with op.batch_alter_table('import_log') as batch:
        batch.drop_constraint('fk_import_log_undoes_id', type_='foreignkey')
        batch.drop_column('undone_by')
        batch.drop_column('undone_at')
        batch.drop_column('undoes_id')
