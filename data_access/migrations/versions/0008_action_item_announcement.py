""""You said, we did": an action item names the announcement that reported it done

Revision ID: 0008_action_item_announcement
Revises: 0007_meetings

One nullable link on action_items; the announcement finds its item through it (an
index), so the link reads both ways from one column. Batch mode: SQLite cannot add a
foreign key to a table in place; existing items are kept as they are.
"""

import sqlalchemy as sa
from alembic import op

revision = '0008_action_item_announcement'
down_revision = '0007_meetings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('announcement_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_action_items_announcement', ['announcement_id'],
                              unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_action_items_announcement_id_announcements'), 'announcements',
            ['announcement_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_action_items_announcement_id_announcements'), type_='foreignkey')
        batch_op.drop_index('ix_action_items_announcement')
        batch_op.drop_column('announcement_id')
