"""initial schema of the four domains

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('division',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('short_name', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('unit_type', sa.String(length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=12), nullable=True),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('population_generated', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['division.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('division', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_division_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_division_parent_code'), ['parent_code'], unique=False)

    op.create_table('import_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows_in_file', sa.Integer(), nullable=False),
    sa.Column('rows_inserted', sa.Integer(), nullable=False),
    sa.Column('rows_updated', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('inspection_item',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('department', sa.String(length=64), nullable=False),
    sa.Column('basis', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('inspector',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('department', sa.String(length=64), nullable=False),
    sa.Column('certificate_no', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('service_item',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('department', sa.String(length=64), nullable=False),
    sa.Column('case_type', sa.String(length=8), nullable=False),
    sa.Column('legal_limit_days', sa.SmallInteger(), nullable=False),
    sa.Column('promised_limit_days', sa.SmallInteger(), nullable=False),
    sa.Column('required_visits', sa.SmallInteger(), nullable=False),
    sa.Column('online_capable', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('supervision_theme',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('theme', sa.String(length=200), nullable=False),
    sa.Column('lead_leader', sa.String(length=64), nullable=False),
    sa.Column('lead_unit', sa.String(length=64), nullable=False),
    sa.Column('linked_indicators', sa.String(length=400), nullable=False),
    sa.Column('problems_found', sa.Integer(), nullable=False),
    sa.Column('rectification_list', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('month')
    )
    op.create_table('collective_income',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('township_code', sa.String(length=12), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('quarter', sa.SmallInteger(), nullable=False),
    sa.Column('operating_income', sa.BigInteger(), nullable=False),
    sa.Column('contract_income', sa.BigInteger(), nullable=False),
    sa.Column('investment_income', sa.BigInteger(), nullable=False),
    sa.Column('subsidy_income', sa.BigInteger(), nullable=False),
    sa.Column('other_income', sa.BigInteger(), nullable=False),
    sa.Column('operating_expense', sa.BigInteger(), nullable=False),
    sa.Column('management_expense', sa.BigInteger(), nullable=False),
    sa.Column('other_expense', sa.BigInteger(), nullable=False),
    sa.Column('net_income', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['township_code'], ['division.code'], ),
    sa.ForeignKeyConstraint(['village_code'], ['division.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('village_code', 'year', 'quarter')
    )
    with op.batch_alter_table('collective_income', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collective_income_township_code'), ['township_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_collective_income_village_code'), ['village_code'], unique=False)

    op.create_table('cooperative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('township_code', sa.String(length=12), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('land_mu', sa.Float(), nullable=False),
    sa.Column('guaranteed_payment_per_mu', sa.Integer(), nullable=False),
    sa.Column('dividend_total', sa.BigInteger(), nullable=False),
    sa.Column('collective_income', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['township_code'], ['division.code'], ),
    sa.ForeignKeyConstraint(['village_code'], ['division.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', 'year')
    )
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperative_township_code'), ['township_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperative_village_code'), ['village_code'], unique=False)

    op.create_table('inspection_object',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('industry', sa.String(length=64), nullable=False),
    sa.Column('township_code', sa.String(length=12), nullable=False),
    sa.Column('risk_class', sa.String(length=1), nullable=False),
    sa.ForeignKeyConstraint(['township_code'], ['division.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('inspection_object', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_object_township_code'), ['township_code'], unique=False)

    op.create_table('inspection_task',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('lead_department', sa.String(length=64), nullable=False),
    sa.Column('departments', sa.String(length=400), nullable=False),
    sa.Column('is_joint', sa.Boolean(), nullable=False),
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('planned_start', sa.Date(), nullable=False),
    sa.Column('planned_end', sa.Date(), nullable=False),
    sa.Column('draw_seed', sa.String(length=64), nullable=True),
    sa.Column('directory_hash', sa.String(length=64), nullable=True),
    sa.Column('drawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['item_code'], ['inspection_item.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('inspection_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_task_year'), ['year'], unique=False)

    op.create_table('land_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('township_code', sa.String(length=12), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('new_area_mu', sa.Float(), nullable=False),
    sa.Column('total_area_mu', sa.Float(), nullable=False),
    sa.Column('rent_per_mu', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['township_code'], ['division.code'], ),
    sa.ForeignKeyConstraint(['village_code'], ['division.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('village_code', 'year')
    )
    with op.batch_alter_table('land_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_land_transfer_township_code'), ['township_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_land_transfer_village_code'), ['village_code'], unique=False)

    op.create_table('service_case',
    sa.Column('serial_no', sa.String(length=40), nullable=False),
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
    sa.ForeignKeyConstraint(['division_code'], ['division.code'], ),
    sa.ForeignKeyConstraint(['item_code'], ['service_item.code'], ),
    sa.ForeignKeyConstraint(['township_code'], ['division.code'], ),
    sa.PrimaryKeyConstraint('serial_no')
    )
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.create_index('ix_service_case_accepted', ['accepted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_case_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_case_finished_at'), ['finished_at'], unique=False)
        batch_op.create_index('ix_service_case_township_accepted', ['township_code', 'accepted_at'], unique=False)

    op.create_table('volunteer_team',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('parent_code', sa.String(length=32), nullable=True),
    sa.Column('township_code', sa.String(length=12), nullable=True),
    sa.Column('village_code', sa.String(length=12), nullable=True),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('founded_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['volunteer_team.code'], ),
    sa.ForeignKeyConstraint(['township_code'], ['division.code'], ),
    sa.ForeignKeyConstraint(['village_code'], ['division.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('volunteer_team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_team_township_code'), ['township_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_team_village_code'), ['village_code'], unique=False)

    op.create_table('inspection_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_code', sa.String(length=32), nullable=False),
    sa.Column('object_code', sa.String(length=32), nullable=False),
    sa.Column('township_code', sa.String(length=12), nullable=False),
    sa.Column('inspector_codes', sa.String(length=200), nullable=False),
    sa.Column('drawn_on', sa.Date(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=True),
    sa.Column('result_code', sa.String(length=8), nullable=True),
    sa.Column('disposal', sa.String(length=16), nullable=True),
    sa.Column('rectify_due', sa.Date(), nullable=True),
    sa.Column('rectified_on', sa.Date(), nullable=True),
    sa.Column('publish_due', sa.Date(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['object_code'], ['inspection_object.code'], ),
    sa.ForeignKeyConstraint(['task_code'], ['inspection_task.code'], ),
    sa.ForeignKeyConstraint(['township_code'], ['division.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_code', 'object_code')
    )
    with op.batch_alter_table('inspection_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_result_drawn_on'), ['drawn_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_result_object_code'), ['object_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_result_task_code'), ['task_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_result_township_code'), ['township_code'], unique=False)

    op.create_table('volunteer_activity',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('team_code', sa.String(length=32), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=True),
    sa.Column('township_code', sa.String(length=12), nullable=True),
    sa.Column('start_at', sa.DateTime(), nullable=False),
    sa.Column('end_at', sa.DateTime(), nullable=False),
    sa.Column('volunteers', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('beneficiaries', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['team_code'], ['volunteer_team.code'], ),
    sa.ForeignKeyConstraint(['township_code'], ['division.code'], ),
    sa.ForeignKeyConstraint(['village_code'], ['division.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('volunteer_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_activity_start_at'), ['start_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_activity_team_code'), ['team_code'], unique=False)
        batch_op.create_index('ix_volunteer_activity_township_start', ['township_code', 'start_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_activity_village_code'), ['village_code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('volunteer_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_activity_village_code'))
        batch_op.drop_index('ix_volunteer_activity_township_start')
        batch_op.drop_index(batch_op.f('ix_volunteer_activity_team_code'))
        batch_op.drop_index(batch_op.f('ix_volunteer_activity_start_at'))

    op.drop_table('volunteer_activity')
    with op.batch_alter_table('inspection_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_result_township_code'))
        batch_op.drop_index(batch_op.f('ix_inspection_result_task_code'))
        batch_op.drop_index(batch_op.f('ix_inspection_result_object_code'))
        batch_op.drop_index(batch_op.f('ix_inspection_result_drawn_on'))

    op.drop_table('inspection_result')
    with op.batch_alter_table('volunteer_team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_team_village_code'))
        batch_op.drop_index(batch_op.f('ix_volunteer_team_township_code'))

    op.drop_table('volunteer_team')
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_index('ix_service_case_township_accepted')
        batch_op.drop_index(batch_op.f('ix_service_case_finished_at'))
        batch_op.drop_index(batch_op.f('ix_service_case_division_code'))
        batch_op.drop_index('ix_service_case_accepted')

    op.drop_table('service_case')
    with op.batch_alter_table('land_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_land_transfer_village_code'))
        batch_op.drop_index(batch_op.f('ix_land_transfer_township_code'))

    op.drop_table('land_transfer')
    with op.batch_alter_table('inspection_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_task_year'))

    op.drop_table('inspection_task')
    with op.batch_alter_table('inspection_object', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_object_township_code'))

    op.drop_table('inspection_object')
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperative_village_code'))
        batch_op.drop_index(batch_op.f('ix_cooperative_township_code'))

    op.drop_table('cooperative')
    with op.batch_alter_table('collective_income', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collective_income_village_code'))
        batch_op.drop_index(batch_op.f('ix_collective_income_township_code'))

    op.drop_table('collective_income')
    op.drop_table('supervision_theme')
    op.drop_table('service_item')
    op.drop_table('inspector')
    op.drop_table('inspection_item')
    op.drop_table('import_log')
    with op.batch_alter_table('division', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_division_parent_code'))
        batch_op.drop_index(batch_op.f('ix_division_level'))

    op.drop_table('division')
