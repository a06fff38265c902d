"""action items can be cancelled and carry a completion note

Revision ID: 0009_action_item_cancel_note
Revises: 0008_action_item_announcement

The status check gains 'cancelled'; `completion_note` says what was done (or why
not). Batch mode rebuilds the table on SQLite (a check constraint cannot change in
place); every row is kept. Downgrading reopens cancelled items rather than lose them.
"""

import sqlalchemy as sa
from alembic import op

revision = '0009_action_item_cancel_note'
down_revision = '0008_action_item_announcement'
branch_labels = None
depends_on = None

OLD = "status IN ('open', 'in_progress', 'done')"
NEW = "status IN ('open', 'in_progress', 'done', 'cancelled')"


def upgrade() -> None:
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completion_note', sa.Text(), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_action_items_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_action_items_status'), NEW)


def downgrade() -> None:
    op.execute(sa.text("UPDATE action_items SET status = 'open' WHERE status = 'cancelled'"))
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_action_items_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_action_items_status'), OLD)
        batch_op.drop_column('completion_note')
