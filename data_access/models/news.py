"""Tables of internal news (announcements, audience, files, receipts, comments).

An announcement's stored `status` is only draft, live or archived. Whether a
live item is *scheduled*, *published* or *expired* follows from the clock
(`publish_at`, `expires_at`), so no background job has to flip states and
every replica agrees at every instant.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, UTCDateTime, utcnow

STATUSES = ("draft", "live", "archived")
PRIORITIES = ("normal", "important", "urgent")
FILE_KINDS = ("cover", "attachment")


class NewsCategory(Base):
    """Built-in categories carry a `code` (news, event, hr, urgent); admins add more."""

    __tablename__ = "news_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    # Normalised Persian name, so «اخبار كاركنان» and «اخبار کارکنان» cannot both exist.
    name_key: Mapped[str] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Announcement(Base):
    __tablename__ = "announcements"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint(f"priority IN {PRIORITIES!r}", name="priority"),
        # The reader's feed: live items by pin then newest, read backwards off this index.
        Index("ix_announcements_feed", "status", "pinned", "publish_at"),
        # Items for everyone are unioned with department-targeted ones in the feed.
        Index("ix_announcements_everyone", "audience_all", "status", "publish_at"),
        Index("ix_announcements_urgent", "priority", "status", "publish_at"),
        Index("ix_announcements_events", "event_date"),
        Index("ix_announcements_publish_at", "publish_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # search_key(title) + newline + search_key(body): Arabic and Persian letter
    # forms, digits and zero-width marks match however they were typed.
    search_text: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int] = mapped_column(ForeignKey("news_categories.id"), index=True)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    ack_required: Mapped[bool] = mapped_column(Boolean, default=False)
    comments_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # True: everyone; False: the departments in announcement_audience and their subtrees.
    audience_all: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    event_date: Mapped[date | None] = mapped_column(Date)  # Gregorian; shown as Jalali
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic locking: every ORM update says "WHERE version = <the one I read>".
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class AnnouncementAudience(Base):
    """One row per targeted department (sub-departments are included when reading)."""

    __tablename__ = "announcement_audience"
    __table_args__ = (
        # Feed lookups go from the reader's department chain to announcements.
        Index("ix_announcement_audience_department", "department_id", "announcement_id"),
    )

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)


class AnnouncementFile(Base):
    """Cover image or attachment bytes, in the database so every replica serves them."""

    __tablename__ = "announcement_files"
    __table_args__ = (
        CheckConstraint(f"kind IN {FILE_KINDS!r}", name="kind"),
        Index("ix_announcement_files_item", "announcement_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnnouncementReceipt(Base):
    """What one reader did with one item: read it, acknowledged it, dismissed its banner.

    One row per (item, reader) rather than three tables: reach counts reads and
    acknowledgements in a single GROUP BY, and the banner needs one lookup.
    """

    __tablename__ = "announcement_receipts"
    __table_args__ = (
        Index("ix_announcement_receipts_user", "user_id", "announcement_id"),
    )

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AnnouncementReach(Base):
    """Reads and acknowledgements per item and reader's department, counted as they happen.

    Trends over a year at scale L would otherwise scan tens of millions of
    receipts; these rows number items x departments. A reader is counted once
    (on the first read or acknowledgement), in the department they were in
    then, and only if the item was addressed to them.
    """

    __tablename__ = "announcement_reach"
    __table_args__ = (
        Index("ix_announcement_reach_department", "department_id", "announcement_id"),
    )

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)
    reads: Mapped[int] = mapped_column(Integer, default=0)
    acknowledgements: Mapped[int] = mapped_column(Integer, default=0)


class AnnouncementComment(Base):
    __tablename__ = "announcement_comments"
    __table_args__ = (
        Index("ix_announcement_comments_item", "announcement_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
