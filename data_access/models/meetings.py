"""Meeting records: types, meetings, attendees, guests, agenda items (with their
minutes), numbered decisions and the counter that numbers them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, UTCDateTime, utcnow

MEETING_STATUSES = ("planned", "held", "approved", "cancelled")
RECURRENCES = ("none", "weekly", "biweekly", "monthly")
ATTENDANCE = ("present", "absent", "excused")
SIGN_OFFS = ("confirmed", "objection")
DECISION_STATUSES = ("in_force", "implemented", "superseded")
BUILTIN_TYPES = ("staff", "management", "department", "committee")


class MeetingType(Base):
    """A kind of meeting: the built-in ones have a `code`, admins add more (fa and en)."""

    __tablename__ = "meeting_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    name_fa: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Meeting(Base):
    """One meeting. `starts_at` is a UTC instant (shown in Jalali); `version` is the
    optimistic-concurrency counter every edit of the meeting, its agenda and its
    minutes goes through (data_access/versioning.py)."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(f"status IN {MEETING_STATUSES!r}", name="status"),
        CheckConstraint(f"recurrence IN {RECURRENCES!r}", name="recurrence"),
        CheckConstraint("duration_minutes > 0", name="duration"),
        Index("ix_meetings_department_starts", "department_id", "starts_at"),
        Index("ix_meetings_organiser_starts", "organiser_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    title_key: Mapped[str] = mapped_column(String(200))  # search_key(title)
    type_id: Mapped[int] = mapped_column(ForeignKey("meeting_types.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(200))
    online_link: Mapped[str | None] = mapped_column(String(500))
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    recurrence: Mapped[str] = mapped_column(String(16), default="none")
    # The meeting this one follows in a series (its unfinished items are carried over).
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class MeetingAttendee(Base):
    """An invited user: attendance once held, and their own sign-off once approved."""

    __tablename__ = "meeting_attendees"
    __table_args__ = (
        CheckConstraint(f"attendance IN {ATTENDANCE!r}", name="attendance"),
        CheckConstraint(f"sign_off IN {SIGN_OFFS!r}", name="sign_off"),
    )

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    attendance: Mapped[str | None] = mapped_column(String(16))
    sign_off: Mapped[str | None] = mapped_column(String(16))
    sign_off_note: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MeetingGuest(Base):
    """Someone without an account, by name."""

    __tablename__ = "meeting_guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class AgendaItem(Base):
    """An item on the agenda, in `position` order; `notes` are its minutes (Markdown)."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        CheckConstraint("minutes_allotted >= 0", name="minutes_allotted"),
        Index("ix_agenda_items_meeting_position", "meeting_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    minutes_allotted: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    # A follow-up carried over from an unfinished item of the previous meeting.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    # Carried over from the previous meeting of a series: an unfinished item (then
    # carried_from_id names it) or an action item that was still open.
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)


class Decision(Base):
    """A numbered decision: `year` (Jalali) and `sequence` are gapless and unique."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(f"status IN {DECISION_STATUSES!r}", name="status"),
        UniqueConstraint("year", "sequence", name="uq_decisions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    text_key: Mapped[str] = mapped_column(Text)  # search_key(text)
    responsible_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    status: Mapped[str] = mapped_column(String(16), default="in_force")
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class DecisionCounter(Base):
    """The next decision sequence of a Jalali year; bumped inside the saving transaction."""

    __tablename__ = "decision_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    next: Mapped[int] = mapped_column(Integer, default=1)
