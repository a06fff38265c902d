"""pulse survey tables and action items

Revision ID: 0003_surveys
Revises: 0002_news
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0003_surveys"
down_revision = "0002_news"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
