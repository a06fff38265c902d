"""meeting records: types, meetings, attendees, guests, agenda, numbered decisions

Revision ID: 0007_meetings
Revises: 0006_action_items

Action items get nullable links to the meeting, decision or agenda item they follow
up; existing items are kept as they are (batch mode: SQLite cannot add a foreign key
to a table in place, and no table references action_items).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0007_meetings'
down_revision = '0006_action_items'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('decision_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('next', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_decision_counters'))
    )
    op.create_table('meeting_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('name_fa', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=True),
    sa.Column('name_key', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_types')),
    sa.UniqueConstraint('code', name=op.f('uq_meeting_types_code')),
    sa.UniqueConstraint('name_key', name=op.f('uq_meeting_types_name_key'))
    )
    # The built-in types (data_access.meetings.scheduling.BUILTIN_TYPES), so that a new
    # installation can schedule a meeting at once.
    op.bulk_insert(sa.table('meeting_types', sa.column('code'), sa.column('name_fa'),
                            sa.column('name_en'), sa.column('name_key'), sa.column('active'),
                            sa.column('created_at', sa.DateTime())), [
        {'code': code, 'name_fa': fa, 'name_en': en, 'name_key': fa, 'active': True,
         'created_at': datetime.now(UTC).replace(tzinfo=None)}
        for code, fa, en in (('staff', 'جلسه کارکنان', 'Staff meeting'),
                             ('management', 'جلسه مدیران', 'Management meeting'),
                             ('department', 'جلسه واحد', 'Department meeting'),
                             ('committee', 'کمیسیون', 'Committee'))])
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_key', sa.String(length=200), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('online_link', sa.String(length=500), nullable=True),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('recurrence', sa.String(length=16), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("recurrence IN ('none', 'weekly', 'biweekly', 'monthly')", name=op.f('ck_meetings_recurrence')),
    sa.CheckConstraint("status IN ('planned', 'held', 'approved', 'cancelled')", name=op.f('ck_meetings_status')),
    sa.CheckConstraint('duration_minutes > 0', name=op.f('ck_meetings_duration')),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_meetings_approved_by_users')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_meetings_created_by_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_meetings_department_id_departments')),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], name=op.f('fk_meetings_organiser_id_users')),
    sa.ForeignKeyConstraint(['previous_id'], ['meetings.id'], name=op.f('fk_meetings_previous_id_meetings')),
    sa.ForeignKeyConstraint(['type_id'], ['meeting_types.id'], name=op.f('fk_meetings_type_id_meeting_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_department_starts', ['department_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_meetings_organiser_starts', ['organiser_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_previous_id'), ['previous_id'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('presenter_id', sa.Integer(), nullable=True),
    sa.Column('minutes_allotted', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('carried_from_id', sa.Integer(), nullable=True),
    sa.Column('follow_up', sa.Boolean(), nullable=False),
    sa.CheckConstraint('minutes_allotted >= 0', name=op.f('ck_agenda_items_minutes_allotted')),
    sa.ForeignKeyConstraint(['carried_from_id'], ['agenda_items.id'], name=op.f('fk_agenda_items_carried_from_id_agenda_items')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['presenter_id'], ['users.id'], name=op.f('fk_agenda_items_presenter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index('ix_agenda_items_meeting_position', ['meeting_id', 'position'], unique=False)

    op.create_table('meeting_attendees',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('attendance', sa.String(length=16), nullable=True),
    sa.Column('sign_off', sa.String(length=16), nullable=True),
    sa.Column('sign_off_note', sa.Text(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("attendance IN ('present', 'absent', 'excused')", name=op.f('ck_meeting_attendees_attendance')),
    sa.CheckConstraint("sign_off IN ('confirmed', 'objection')", name=op.f('ck_meeting_attendees_sign_off')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_attendees_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_attendees_user_id_users')),
    sa.PrimaryKeyConstraint('meeting_id', 'user_id', name=op.f('pk_meeting_attendees'))
    )
    with op.batch_alter_table('meeting_attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendees_user_id'), ['user_id'], unique=False)

    op.create_table('meeting_guests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_guests_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_guests'))
    )
    with op.batch_alter_table('meeting_guests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_guests_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_key', sa.Text(), nullable=False),
    sa.Column('responsible_department_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('in_force', 'implemented', 'superseded')", name=op.f('ck_decisions_status')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_decisions_agenda_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_decisions_created_by_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_decisions_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['responsible_department_id'], ['departments.id'], name=op.f('fk_decisions_responsible_department_id_departments')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['decisions.id'], name=op.f('fk_decisions_superseded_by_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('year', 'sequence', name='uq_decisions_number')
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_meeting_id'), ['meeting_id'], unique=False)

    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_meeting_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source_decision_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source_agenda_item_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_action_items_source_meeting', ['source_meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_items_source_meeting_id_meetings'), 'meetings', ['source_meeting_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_action_items_source_decision_id_decisions'), 'decisions', ['source_decision_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_action_items_source_agenda_item_id_agenda_items'), 'agenda_items', ['source_agenda_item_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_action_items_source_agenda_item_id_agenda_items'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_action_items_source_decision_id_decisions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_action_items_source_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_index('ix_action_items_source_meeting')
        batch_op.drop_column('source_agenda_item_id')
        batch_op.drop_column('source_decision_id')
        batch_op.drop_column('source_meeting_id')

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_meeting_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('meeting_guests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_guests_meeting_id'))

    op.drop_table('meeting_guests')
    with op.batch_alter_table('meeting_attendees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendees_user_id'))

    op.drop_table('meeting_attendees')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index('ix_agenda_items_meeting_position')

    op.drop_table('agenda_items')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_previous_id'))
        batch_op.drop_index('ix_meetings_organiser_starts')
        batch_op.drop_index('ix_meetings_department_starts')

    op.drop_table('meetings')
    op.drop_table('meeting_types')
    op.drop_table('decision_counters')
