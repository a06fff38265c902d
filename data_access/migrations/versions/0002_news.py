"""internal news tables

Revision ID: 0002_news
Revises: 0001_core
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0002_news"
down_revision = "0001_core"
branch_labels = None
depends_on = None

# The built-in categories (data_access.news.BUILTIN_CATEGORIES holds the same rows).
BUILTIN_CATEGORIES = [
    ("news", "خبر", "News"),
    ("event", "رویداد و مناسبت", "Event or occasion"),
    ("hr", "منابع انسانی", "Human resources"),
    ("urgent", "فوری و بحران", "Urgent or crisis"),
]


def upgrade() -> None:
    categories = op.create_table(
        "news_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_categories")),
        sa.UniqueConstraint("code", name=op.f("uq_news_categories_code")),
        sa.UniqueConstraint("name_key", name=op.f("uq_news_categories_name_key")),
    )
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("ack_required", sa.Boolean(), nullable=False),
        sa.Column("comments_enabled", sa.Boolean(), nullable=False),
        sa.Column("audience_all", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("publish_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("priority IN ('normal', 'important', 'urgent')",
                           name=op.f("ck_announcements_priority")),
        sa.CheckConstraint("status IN ('draft', 'live', 'archived')",
                           name=op.f("ck_announcements_status")),
        sa.ForeignKeyConstraint(["category_id"], ["news_categories.id"],
                                name=op.f("fk_announcements_category_id_news_categories")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_announcements_created_by_users")),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"],
                                name=op.f("fk_announcements_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    op.create_index("ix_announcements_category_id", "announcements", ["category_id"])
    op.create_index("ix_announcements_feed", "announcements", ["status", "pinned", "publish_at"])
    op.create_index("ix_announcements_everyone", "announcements",
                    ["audience_all", "status", "publish_at"])
    op.create_index("ix_announcements_urgent", "announcements",
                    ["priority", "status", "publish_at"])
    op.create_index("ix_announcements_events", "announcements", ["event_date"])
    op.create_index("ix_announcements_publish_at", "announcements", ["publish_at"])

    op.create_table(
        "announcement_audience",
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcements.id"], ondelete="CASCADE",
                                name=op.f("fk_announcement_audience_announcement_id_announcements")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_announcement_audience_department_id_departments")),
        sa.PrimaryKeyConstraint("announcement_id", "department_id",
                                name=op.f("pk_announcement_audience")),
    )
    op.create_index("ix_announcement_audience_department", "announcement_audience",
                    ["department_id", "announcement_id"])

    op.create_table(
        "announcement_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('cover', 'attachment')",
                           name=op.f("ck_announcement_files_kind")),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcements.id"], ondelete="CASCADE",
                                name=op.f("fk_announcement_files_announcement_id_announcements")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_files")),
    )
    op.create_index("ix_announcement_files_item", "announcement_files",
                    ["announcement_id", "kind"])

    op.create_table(
        "announcement_receipts",
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcements.id"], ondelete="CASCADE",
                                name=op.f("fk_announcement_receipts_announcement_id_announcements")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_announcement_receipts_user_id_users")),
        sa.PrimaryKeyConstraint("announcement_id", "user_id",
                                name=op.f("pk_announcement_receipts")),
    )
    op.create_index("ix_announcement_receipts_user", "announcement_receipts",
                    ["user_id", "announcement_id"])

    op.create_table(
        "announcement_reach",
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.Column("acknowledgements", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcements.id"], ondelete="CASCADE",
                                name=op.f("fk_announcement_reach_announcement_id_announcements")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_announcement_reach_department_id_departments")),
        sa.PrimaryKeyConstraint("announcement_id", "department_id",
                                name=op.f("pk_announcement_reach")),
    )
    op.create_index("ix_announcement_reach_department", "announcement_reach",
                    ["department_id", "announcement_id"])

    op.create_table(
        "announcement_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_by", sa.Integer(), nullable=True),
        sa.Column("hidden_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcements.id"], ondelete="CASCADE",
                                name=op.f("fk_announcement_comments_announcement_id_announcements")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_announcement_comments_author_id_users")),
        sa.ForeignKeyConstraint(["hidden_by"], ["users.id"],
                                name=op.f("fk_announcement_comments_hidden_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_comments")),
    )
    op.create_index("ix_announcement_comments_item", "announcement_comments",
                    ["announcement_id", "created_at"])

    now = datetime.now(timezone.utc).replace(tzinfo=None)  # stored as naive UTC
    op.bulk_insert(categories, [
        {"code": code, "name": name, "name_en": name_en, "name_key": name, "active": True,
         "created_at": now}
        for code, name, name_en in BUILTIN_CATEGORIES
    ])


def downgrade() -> None:
    op.drop_index("ix_announcement_comments_item", table_name="announcement_comments")
    op.drop_table("announcement_comments")
    op.drop_index("ix_announcement_reach_department", table_name="announcement_reach")
    op.drop_table("announcement_reach")
    op.drop_index("ix_announcement_receipts_user", table_name="announcement_receipts")
    op.drop_table("announcement_receipts")
    op.drop_index("ix_announcement_files_item", table_name="announcement_files")
    op.drop_table("announcement_files")
    op.drop_index("ix_announcement_audience_department", table_name="announcement_audience")
    op.drop_table("announcement_audience")
    op.drop_index("ix_announcements_publish_at", table_name="announcements")
    op.drop_index("ix_announcements_events", table_name="announcements")
    op.drop_index("ix_announcements_urgent", table_name="announcements")
    op.drop_index("ix_announcements_everyone", table_name="announcements")
    op.drop_index("ix_announcements_feed", table_name="announcements")
    op.drop_index("ix_announcements_category_id", table_name="announcements")
    op.drop_table("announcements")
    op.drop_table("news_categories")
