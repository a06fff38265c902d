"""The action-items table: follow-ups with an owner and a due date, whatever
created them (a survey result, a meeting)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, UTCDateTime, utcnow

STATUSES = ("open", "in_progress", "done", "cancelled")
CLOSED = ("done", "cancelled")  # finished either way: never overdue, listed last
# Where an item came from; a feature that creates items adds its own source here.
SOURCES = ("survey", "meeting")


class ActionItem(Base):
    """A follow-up with an owner and a due date.

    `source` says where it came from; a survey item also names the wave,
    driver and department it answers. `version` is the optimistic-concurrency
    counter (data_access/versioning.py).
    """

    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        Index("ix_action_items_owner_status", "owner_id", "status"),
        Index("ix_action_items_source_wave", "source_wave_id", "source_department_id"),
        Index("ix_action_items_source_meeting", "source_meeting_id"),
        Index("ix_action_items_announcement", "announcement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column(Date)  # Gregorian; shown in Jalali
    status: Mapped[str] = mapped_column(String(16), default="open")
    source: Mapped[str] = mapped_column(String(16))
    source_wave_id: Mapped[int | None] = mapped_column(ForeignKey("survey_waves.id"))
    source_driver: Mapped[str | None] = mapped_column(String(32))
    source_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    # A meeting item also names the meeting and the decision or agenda item it follows up.
    source_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    source_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    source_agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    # "You said, we did": the announcement that reported this (survey) item done.
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completion_note: Mapped[str | None] = mapped_column(Text)  # what was done, or why not
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}
