"""action items get a version column for optimistic concurrency

Revision ID: 0006_action_items
Revises: 0005_signin

The table itself is unchanged (its model moved to models/action_items.py);
every existing item starts at version 1, nothing is rewritten or dropped.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_action_items"
down_revision = "0005_signin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("action_items", sa.Column("version", sa.Integer(), nullable=False,
                                            server_default="1"))


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        # Native DROP COLUMN: batch mode would recreate a table other rows reference.
        op.execute("ALTER TABLE action_items DROP COLUMN version")
    else:
        op.drop_column("action_items", "version")
