"""per-wave survey keys; answers and comments may belong to the whole audience

Revision ID: 0004_wave_keys
Revises: 0003_surveys

`survey_waves.key_id` names a wave's key file outside the database (see
data_access/surveys/sealing.py). Answers and comments get a NULL reporting department
when they belong to the wave's whole audience: no department, a root
included, ever holds fewer than k respondents under its own label.
The answer and comment tables stay WITHOUT ROWID on SQLite.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_wave_keys"
down_revision = "0003_surveys"
branch_labels = None
depends_on = None

_NO_ROWID = {"sqlite_with_rowid": False}


def upgrade() -> None:
    with op.batch_alter_table("survey_waves", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=32), nullable=True))
    for table in ("survey_answers", "survey_comments"):
        with op.batch_alter_table(table, schema=None, table_kwargs=_NO_ROWID) as batch_op:
            batch_op.alter_column("department_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Rows of the whole audience have no department to go back to: they are
    # dropped rather than given a department they do not belong to.
    for table in ("survey_answers", "survey_comments"):
        op.execute(sa.text(f"DELETE FROM {table} WHERE department_id IS NULL"))
        with op.batch_alter_table(table, schema=None, table_kwargs=_NO_ROWID) as batch_op:
            batch_op.alter_column("department_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("survey_waves", schema=None) as batch_op:
        batch_op.drop_column("key_id")
