"""sign-in throttle per (name, client) and per name; the per-user counter goes

Revision ID: 0005_signin
Revises: 0004_wave_keys

Lockout moves from two columns of `users` (which only existing accounts had,
so the answers told which names exist) to its own table keyed by hashes.
SQLite drops the two plain columns with its native ALTER TABLE DROP COLUMN:
batch mode would recreate `users`, which every other table references.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_signin"
down_revision = "0004_wave_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_throttle',
    sa.Column('name_key', sa.String(length=64), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started', sa.DateTime(), nullable=True),
    sa.Column('last_failure_at', sa.DateTime(), nullable=True),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('strikes', sa.Integer(), nullable=False),
    sa.Column('in_flight', sa.Integer(), nullable=False),
    sa.Column('in_flight_since', sa.DateTime(), nullable=True),
    sa.Column('trusted_until', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name_key', 'client_key', name=op.f('pk_sign_in_throttle'))
    )
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_updated_at'), ['updated_at'],
                              unique=False)
    for column in ("failed_attempts", "locked_until"):
        if op.get_context().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE users DROP COLUMN {column}")
        else:
            op.drop_column("users", column)


def downgrade() -> None:
    # Every account starts unlocked, as after an admin's reset.
    op.add_column("users", sa.Column("failed_attempts", sa.Integer(), nullable=False,
                                     server_default="0"))
    op.add_column("users", sa.Column("locked_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_updated_at'))
    op.drop_table('sign_in_throttle')
