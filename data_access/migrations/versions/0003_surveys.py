"""pulse survey tables and action items

Revision ID: 0003_surveys
Revises: 0002_news

The answer, comment, pool and participation tables are WITHOUT ROWID on
SQLite so that their physical order is their (random or user) key, not the
order of arrival; see docs/anonymity.md.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_surveys"
down_revision = "0002_news"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_bank_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('driver', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text_fa', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind = 'likert5'", name=op.f('ck_survey_bank_items_kind')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_survey_bank_items_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_bank_items')),
    sa.UniqueConstraint('code', name=op.f('uq_survey_bank_items_code'))
    )
    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title_fa', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('intro_fa', sa.Text(), nullable=True),
    sa.Column('intro_en', sa.Text(), nullable=True),
    sa.Column('audience_all', sa.Boolean(), nullable=False),
    sa.Column('cadence', sa.String(length=16), nullable=False),
    sa.Column('first_opens_at', sa.DateTime(), nullable=False),
    sa.Column('first_closes_at', sa.DateTime(), nullable=False),
    sa.Column('repeat_until', sa.DateTime(), nullable=True),
    sa.Column('min_group_size', sa.Integer(), nullable=False),
    sa.Column('comment_threshold', sa.Integer(), nullable=False),
    sa.Column('stopped_at', sa.DateTime(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("cadence IN ('none', 'weekly', 'biweekly', 'monthly')", name=op.f('ck_surveys_cadence')),
    sa.CheckConstraint('comment_threshold >= min_group_size', name=op.f('ck_surveys_comment_threshold')),
    sa.CheckConstraint('first_closes_at > first_opens_at', name=op.f('ck_surveys_window')),
    sa.CheckConstraint('min_group_size >= 3', name=op.f('ck_surveys_min_group_size')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_surveys_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys'))
    )
    op.create_table('survey_audience',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_survey_audience_department_id_departments')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_audience_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'department_id', name=op.f('pk_survey_audience'))
    )
    op.create_table('survey_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('bank_code', sa.String(length=32), nullable=True),
    sa.Column('driver', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text_fa', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=True),
    sa.Column('options', sa.Text(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('likert5', 'enps', 'choice', 'comment')", name=op.f('ck_survey_items_kind')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_items_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_items')),
    sa.UniqueConstraint('survey_id', 'position', name=op.f('uq_survey_items_survey_id_position'))
    )
    op.create_table('survey_waves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('min_group_size', sa.Integer(), nullable=False),
    sa.Column('comment_threshold', sa.Integer(), nullable=False),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.Column('respondents', sa.Integer(), nullable=True),
    sa.Column('results_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_survey_waves_status')),
    sa.CheckConstraint('min_group_size >= 3', name=op.f('ck_survey_waves_min_group_size')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_waves_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_waves')),
    sa.UniqueConstraint('survey_id', 'number', name=op.f('uq_survey_waves_survey_id_number'))
    )
    with op.batch_alter_table('survey_waves', schema=None) as batch_op:
        batch_op.create_index('ix_survey_waves_status_closes_at', ['status', 'closes_at'], unique=False)

    op.create_table('action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_wave_id', sa.Integer(), nullable=True),
    sa.Column('source_driver', sa.String(length=32), nullable=True),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'done')", name=op.f('ck_action_items_status')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_action_items_created_by_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_action_items_owner_id_users')),
    sa.ForeignKeyConstraint(['source_department_id'], ['departments.id'], name=op.f('fk_action_items_source_department_id_departments')),
    sa.ForeignKeyConstraint(['source_wave_id'], ['survey_waves.id'], name=op.f('fk_action_items_source_wave_id_survey_waves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_items'))
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index('ix_action_items_owner_status', ['owner_id', 'status'], unique=False)
        batch_op.create_index('ix_action_items_source_wave', ['source_wave_id', 'source_department_id'], unique=False)

    op.create_table('survey_participation',
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_participation_user_id_users')),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_waves.id'], name=op.f('fk_survey_participation_wave_id_survey_waves')),
    sa.PrimaryKeyConstraint('wave_id', 'user_id', name=op.f('pk_survey_participation')),
    sqlite_with_rowid=False
    )
    op.create_table('survey_result_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('parent_department_id', sa.Integer(), nullable=True),
    sa.Column('respondents', sa.Integer(), nullable=False),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.Column('hidden', sa.String(length=16), nullable=True),
    sa.Column('participation_hidden', sa.String(length=16), nullable=True),
    sa.Column('comments_shown', sa.Boolean(), nullable=False),
    sa.CheckConstraint("hidden IN ('below_k', 'complementary')", name=op.f('ck_survey_result_groups_hidden')),
    sa.CheckConstraint("participation_hidden IN ('below_k', 'complementary')", name=op.f('ck_survey_result_groups_participation_hidden')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_survey_result_groups_department_id_departments')),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_waves.id'], name=op.f('fk_survey_result_groups_wave_id_survey_waves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_result_groups'))
    )
    with op.batch_alter_table('survey_result_groups', schema=None) as batch_op:
        batch_op.create_index('ix_survey_result_groups_wave_department', ['wave_id', 'department_id'], unique=True)

    op.create_table('survey_submission_pool',
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_waves.id'], name=op.f('fk_survey_submission_pool_wave_id_survey_waves')),
    sa.PrimaryKeyConstraint('wave_id', 'id', name=op.f('pk_survey_submission_pool')),
    sqlite_with_rowid=False
    )
    op.create_table('survey_wave_departments',
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.Column('respondents', sa.Integer(), nullable=True),
    sa.Column('report_department_id', sa.Integer(), nullable=True),
    sa.Column('comment_department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_survey_wave_departments_department_id_departments')),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_waves.id'], name=op.f('fk_survey_wave_departments_wave_id_survey_waves')),
    sa.PrimaryKeyConstraint('wave_id', 'department_id', name=op.f('pk_survey_wave_departments'))
    )
    op.create_table('survey_wave_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('survey_item_id', sa.Integer(), nullable=False),
    sa.Column('bank_code', sa.String(length=32), nullable=True),
    sa.Column('driver', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text_fa', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=True),
    sa.Column('options', sa.Text(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('likert5', 'enps', 'choice', 'comment')", name=op.f('ck_survey_wave_items_kind')),
    sa.ForeignKeyConstraint(['survey_item_id'], ['survey_items.id'], name=op.f('fk_survey_wave_items_survey_item_id_survey_items')),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_waves.id'], name=op.f('fk_survey_wave_items_wave_id_survey_waves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_wave_items')),
    sa.UniqueConstraint('wave_id', 'position', name=op.f('uq_survey_wave_items_wave_id_position'))
    )
    op.create_table('survey_answers',
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('wave_item_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_waves.id'], name=op.f('fk_survey_answers_wave_id_survey_waves')),
    sa.ForeignKeyConstraint(['wave_item_id'], ['survey_wave_items.id'], name=op.f('fk_survey_answers_wave_item_id_survey_wave_items')),
    sa.PrimaryKeyConstraint('wave_id', 'id', name=op.f('pk_survey_answers')),
    sqlite_with_rowid=False
    )
    op.create_table('survey_comments',
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('wave_item_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_waves.id'], name=op.f('fk_survey_comments_wave_id_survey_waves')),
    sa.ForeignKeyConstraint(['wave_item_id'], ['survey_wave_items.id'], name=op.f('fk_survey_comments_wave_item_id_survey_wave_items')),
    sa.PrimaryKeyConstraint('wave_id', 'id', name=op.f('pk_survey_comments')),
    sqlite_with_rowid=False
    )
    op.create_table('survey_result_counts',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('wave_item_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['survey_result_groups.id'], name=op.f('fk_survey_result_counts_group_id_survey_result_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wave_item_id'], ['survey_wave_items.id'], name=op.f('fk_survey_result_counts_wave_item_id_survey_wave_items')),
    sa.PrimaryKeyConstraint('group_id', 'wave_item_id', 'value', name=op.f('pk_survey_result_counts')),
    sqlite_with_rowid=False
    )
    op.create_table('survey_result_items',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('wave_item_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('hidden', sa.String(length=16), nullable=True),
    sa.CheckConstraint("hidden IN ('below_k', 'complementary')", name=op.f('ck_survey_result_items_hidden')),
    sa.ForeignKeyConstraint(['group_id'], ['survey_result_groups.id'], name=op.f('fk_survey_result_items_group_id_survey_result_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wave_item_id'], ['survey_wave_items.id'], name=op.f('fk_survey_result_items_wave_item_id_survey_wave_items')),
    sa.PrimaryKeyConstraint('group_id', 'wave_item_id', name=op.f('pk_survey_result_items'))
    )


def downgrade() -> None:
    op.drop_table('survey_result_items')
    op.drop_table('survey_result_counts')
    op.drop_table('survey_comments')
    op.drop_table('survey_answers')
    op.drop_table('survey_wave_items')
    op.drop_table('survey_wave_departments')
    op.drop_table('survey_submission_pool')
    with op.batch_alter_table('survey_result_groups', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_result_groups_wave_department')

    op.drop_table('survey_result_groups')
    op.drop_table('survey_participation')
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index('ix_action_items_source_wave')
        batch_op.drop_index('ix_action_items_owner_status')

    op.drop_table('action_items')
    with op.batch_alter_table('survey_waves', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_waves_status_closes_at')

    op.drop_table('survey_waves')
    op.drop_table('survey_items')
    op.drop_table('survey_audience')
    op.drop_table('surveys')
    op.drop_table('survey_bank_items')
