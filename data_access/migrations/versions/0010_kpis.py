"""KPIs: definitions (built-in and custom), reported values and their history

Revision ID: 0010_kpis
Revises: 0009_action_item_cancel_note

New tables only; nothing existing changes. Built-in definition rows are created by
`kpis.ensure_builtins` (init-db), not here, so their defaults live in one place.
"""

import sqlalchemy as sa
from alembic import op

revision = '0010_kpis'
down_revision = '0009_action_item_cancel_note'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kpi_definitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('name_fa', sa.String(length=120), nullable=True),
    sa.Column('name_en', sa.String(length=120), nullable=True),
    sa.Column('description_fa', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('decimals', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('amber', sa.Float(), nullable=True),
    sa.Column('red', sa.Float(), nullable=True),
    sa.Column('frequency', sa.String(length=8), nullable=False),
    sa.Column('aggregation', sa.String(length=8), nullable=False),
    sa.Column('kpi_group', sa.String(length=24), nullable=False),
    sa.Column('entered_by', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("aggregation IN ('sum', 'mean', 'last')", name=op.f('ck_kpi_definitions_aggregation')),
    sa.CheckConstraint("direction IN ('higher', 'lower')", name=op.f('ck_kpi_definitions_direction')),
    sa.CheckConstraint("entered_by IN ('managers', 'pr')", name=op.f('ck_kpi_definitions_entered_by')),
    sa.CheckConstraint("frequency IN ('month', 'quarter')", name=op.f('ck_kpi_definitions_frequency')),
    sa.CheckConstraint("source IN ('builtin', 'custom')", name=op.f('ck_kpi_definitions_source')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_kpi_definitions_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_definitions')),
    sa.UniqueConstraint('code', name=op.f('uq_kpi_definitions_code'))
    )
    op.create_table('kpi_reporting_departments',
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_kpi_reporting_departments_department_id_departments')),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpi_definitions.id'], name=op.f('fk_kpi_reporting_departments_kpi_id_kpi_definitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('kpi_id', 'department_id', name=op.f('pk_kpi_reporting_departments'))
    )
    op.create_table('kpi_value_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('old_value', sa.Float(), nullable=True),
    sa.Column('new_value', sa.Float(), nullable=True),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('via', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['users.id'], name=op.f('fk_kpi_value_changes_changed_by_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_kpi_value_changes_department_id_departments')),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpi_definitions.id'], name=op.f('fk_kpi_value_changes_kpi_id_kpi_definitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_value_changes'))
    )
    with op.batch_alter_table('kpi_value_changes', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_value_changes_kpi', ['kpi_id', 'department_id', 'period'], unique=False)

    op.create_table('kpi_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_kpi_values_department_id_departments')),
    sa.ForeignKeyConstraint(['entered_by'], ['users.id'], name=op.f('fk_kpi_values_entered_by_users')),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpi_definitions.id'], name=op.f('fk_kpi_values_kpi_id_kpi_definitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_values')),
    sa.UniqueConstraint('kpi_id', 'department_id', 'period', name='uq_kpi_values_period')
    )
    with op.batch_alter_table('kpi_values', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_values_kpi_period', ['kpi_id', 'period'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('kpi_values', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_values_kpi_period')

    op.drop_table('kpi_values')
    with op.batch_alter_table('kpi_value_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_value_changes_kpi')

    op.drop_table('kpi_value_changes')
    op.drop_table('kpi_reporting_departments')
    op.drop_table('kpi_definitions')
