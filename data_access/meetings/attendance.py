"""Attendance of a held meeting (organiser or admin) and attendance rates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import NamedTuple

import jdatetime
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from data_access import audit
from data_access.clock import to_local
from data_access.errors import InvalidInput, PermissionDenied
from data_access.meetings.agenda import touch
from data_access.meetings.visibility import meeting_for_edit, visible
from data_access.models import utcnow
from data_access.models.meetings import ATTENDANCE, Meeting, MeetingAttendee
from data_access.permissions import Actor, can, require_active


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


class MonthAttendance(NamedTuple):
    year: int  # Jalali
    month: int  # Jalali, 1..12
    first_day: date  # the Gregorian date the Jalali month begins
    present: int
    recorded: int

    @property
    def rate(self) -> float | None:
        return self.present / self.recorded if self.recorded else None


HISTORY_MONTHS_MAX = 36


def attendance_by_month(session: Session, actor: Actor, user_id: int, months: int = 12,
                        now: datetime | None = None) -> list[MonthAttendance]:
    """A person's attendance per Jalali month over the last `months` months, counting
    the held meetings the actor may see. Anyone sees their own; leaders
    (view_department_meetings) anyone's. Months without a recorded meeting are left out.
    A person has at most a few hundred meetings a year, so they are bucketed here (the
    Jalali month is not a SQL function on either database)."""
    require_active(session, actor)
    if user_id != actor.id and not can(actor, "view_department_meetings"):
        raise PermissionDenied()
    months = max(1, min(months, HISTORY_MONTHS_MAX))
    since = (now or utcnow()) - timedelta(days=31 * months)
    rows = session.execute(
        select(Meeting.starts_at, MeetingAttendee.attendance)
        .join(Meeting, Meeting.id == MeetingAttendee.meeting_id)
        .where(MeetingAttendee.user_id == user_id, MeetingAttendee.attendance.is_not(None),
               Meeting.status.in_(("held", "approved")), Meeting.starts_at >= since,
               visible(session, actor))).tuples().all()
    buckets: dict[tuple[int, int], list[int]] = {}
    for starts_at, attendance in rows:
        day = jdatetime.date.fromgregorian(date=to_local(starts_at).date())
        counts = buckets.setdefault((day.year, day.month), [0, 0])
        counts[0] += attendance == "present"
        counts[1] += 1
    return [MonthAttendance(y, m, jdatetime.date(y, m, 1).togregorian(), present, recorded)
            for (y, m), (present, recorded) in sorted(buckets.items())]
