"""Attendance of a held meeting (organiser or admin) and attendance rates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from data_access import audit
from data_access.errors import InvalidInput
from data_access.meetings.agenda import touch
from data_access.meetings.visibility import meeting_for_edit, visible
from data_access.models.meetings import ATTENDANCE, Meeting, MeetingAttendee
from data_access.permissions import Actor, require_active


def record_attendance(session: Session, actor: Actor, meeting_id: int,
                      expected_version: int | None, attendance: Mapping[int, str | None],
                      now: datetime | None = None) -> int:
    """Present, absent or excused (None: not recorded yet) per attendee; returns the
    meeting's new version."""
    meeting = meeting_for_edit(session, actor, meeting_id, expected_version,
                               "record_attendance")
    rows = {row.user_id: row for row in session.scalars(
        select(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id))}
    for user_id, value in attendance.items():
        if user_id not in rows:
            raise InvalidInput("meetings.errors.not_an_attendee", field="attendance")
        if value is not None and value not in ATTENDANCE:
            raise InvalidInput("meetings.errors.attendance_invalid", field="attendance")
    for user_id, value in attendance.items():
        rows[user_id].attendance = value
    audit.record(session, actor, "meeting.attendance", "meeting", meeting_id,
                 present=sum(v == "present" for v in attendance.values()))
    return touch(session, meeting, now)


class AttendanceRate(NamedTuple):
    present: int
    recorded: int

    @property
    def rate(self) -> float | None:
        return self.present / self.recorded if self.recorded else None


def _rate(session: Session, *conditions) -> AttendanceRate:
    present, recorded = session.execute(
        select(func.coalesce(func.sum(case((MeetingAttendee.attendance == "present", 1),
                                           else_=0)), 0),
               func.count(MeetingAttendee.attendance))
        .join(Meeting, Meeting.id == MeetingAttendee.meeting_id)
        .where(Meeting.status.in_(("held", "approved")), *conditions)).one()
    return AttendanceRate(int(present), int(recorded))


def meeting_attendance_rate(session: Session, actor: Actor, meeting_id: int) -> AttendanceRate:
    """Present of those recorded, for one meeting the actor may see."""
    require_active(session, actor)
    return _rate(session, Meeting.id == meeting_id, visible(session, actor))


def person_attendance_rate(session: Session, actor: Actor, user_id: int,
                           since: datetime | None = None) -> AttendanceRate:
    """A person's attendance over the meetings the actor may see (since an instant)."""
    require_active(session, actor)
    conditions = [MeetingAttendee.user_id == user_id, visible(session, actor)]
    if since is not None:
        conditions.append(Meeting.starts_at >= since)
    return _rate(session, *conditions)
