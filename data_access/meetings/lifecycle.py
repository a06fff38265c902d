"""Moving a meeting along its life cycle (rules.py): held, approved, reopened,
cancelled. Only its organiser or an admin; every step is audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from data_access import audit
from data_access.errors import Conflict, InvalidInput
from data_access.meetings import rules
from data_access.meetings.visibility import meeting_for_edit
from data_access.models import utcnow
from data_access.models.meetings import Meeting, MeetingAttendee
from data_access.permissions import Actor
from data_access.versioning import CHANGED_ELSEWHERE, flush_or_conflict


def _move(session: Session, actor: Actor, meeting_id: int, expected_version: int | None,
          action: str, now: datetime | None, check=None) -> Meeting:
    """Checks first (`check(meeting)` too), then changes: a refusal leaves it as it was."""
    meeting = meeting_for_edit(session, actor, meeting_id, expected_version, action)
    if check is not None:
        check(meeting)
    now = now or utcnow()
    old = meeting.status
    meeting.status = rules.transition(action, old)
    meeting.updated_at = now
    audit.record(session, actor, f"meeting.{action}", "meeting", meeting_id, old=old,
                 new=meeting.status)
    return meeting


def hold(session: Session, actor: Actor, meeting_id: int, expected_version: int | None,
         now: datetime | None = None) -> int:
    """The meeting took place: attendance and minutes open. Not before it starts."""
    now = now or utcnow()

    def started(meeting: Meeting) -> None:
        if meeting.starts_at > now:
            raise InvalidInput("meetings.errors.not_started")

    meeting = _move(session, actor, meeting_id, expected_version, "hold", now, started)
    flush_or_conflict(session)
    return meeting.version


def cancel(session: Session, actor: Actor, meeting_id: int, expected_version: int | None,
           now: datetime | None = None) -> int:
    meeting = _move(session, actor, meeting_id, expected_version, "cancel", now)
    flush_or_conflict(session)
    return meeting.version


def approve(session: Session, actor: Actor, meeting_id: int, expected_version: int | None,
            now: datetime | None = None) -> int:
    """The minutes are final: read-only, and present attendees may sign off.
    Every attendee's attendance must be recorded first."""
    now = now or utcnow()

    def attendance_recorded(meeting: Meeting) -> None:
        missing = session.scalar(select(func.count()).select_from(MeetingAttendee).where(
            MeetingAttendee.meeting_id == meeting.id, MeetingAttendee.attendance.is_(None)))
        if missing:
            raise InvalidInput("meetings.errors.attendance_incomplete", count=missing)

    meeting = _move(session, actor, meeting_id, expected_version, "approve", now,
                    attendance_recorded)
    meeting.approved_at, meeting.approved_by = now, actor.id
    try:
        flush_or_conflict(session)
    except Conflict as error:
        # Two clicks at once: the other one approved it; say so rather than "changed".
        status = session.scalar(select(Meeting.status).where(Meeting.id == meeting_id)
                                .execution_options(populate_existing=True))
        if error.key == CHANGED_ELSEWHERE and status == "approved":
            raise Conflict("meetings.errors.already_approved") from None
        raise
    return meeting.version


def reopen(session: Session, actor: Actor, meeting_id: int, expected_version: int | None,
           now: datetime | None = None) -> int:
    """The organiser takes approved minutes back to "held" (audited); the sign-offs
    given so far no longer apply and are cleared."""
    meeting = _move(session, actor, meeting_id, expected_version, "reopen", now)
    meeting.approved_at = meeting.approved_by = None
    flush_or_conflict(session)
    session.execute(update(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id)
                    .values(sign_off=None, sign_off_note=None, signed_at=None))
    return meeting.version
