"""What a person's meetings ask of them, for the home page and the sidebar: their next
meetings, minutes approved and waiting for their sign-off, and recent approvals of
meetings they were invited to. Only meetings they organise or attend, so a confidential
meeting appears only to its own people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from data_access.meetings.visibility import attends
from data_access.models import utcnow
from data_access.models.meetings import Meeting, MeetingAttendee
from data_access.permissions import Actor, require_active

UPCOMING_MAX = 5
NOTICE_DAYS = 14  # an approval stays on the home page this long (a sign-off until given)
NOTICES_MAX = 10


@dataclass(frozen=True)
class UpcomingMeeting:
    id: int
    title: str
    starts_at: datetime
    duration_minutes: int
    place: str | None
    confidential: bool


@dataclass(frozen=True)
class ApprovalNotice:
    id: int
    title: str
    starts_at: datetime
    approved_at: datetime
    awaiting_sign_off: bool  # present, approved, not yet confirmed or objected


def upcoming(session: Session, actor: Actor, limit: int = UPCOMING_MAX,
             now: datetime | None = None) -> list[UpcomingMeeting]:
    """Planned meetings the actor organises or attends that have not started, soonest
    first."""
    require_active(session, actor)
    now = now or utcnow()
    rows = session.execute(
        select(Meeting.id, Meeting.title, Meeting.starts_at, Meeting.duration_minutes,
               Meeting.place, Meeting.confidential)
        .where((Meeting.organiser_id == actor.id) | attends(actor),
               Meeting.status == "planned", Meeting.starts_at >= now)
        .order_by(Meeting.starts_at, Meeting.id).limit(limit)).tuples().all()
    return [UpcomingMeeting(*row) for row in rows]


def _awaiting():
    """SQL on the reader's MeetingAttendee row: present, and not yet signed."""
    return (MeetingAttendee.attendance == "present") & MeetingAttendee.sign_off.is_(None)


def _invited_to_approved(actor: Actor):
    """SQL on Meeting: approved minutes of a meeting someone else organised (the
    organiser approved them; they are not asked to sign as well)."""
    return (Meeting.status == "approved") & (Meeting.organiser_id != actor.id)


def approval_notices(session: Session, actor: Actor, now: datetime | None = None,
                     limit: int = NOTICES_MAX) -> list[ApprovalNotice]:
    """Approved minutes of meetings the actor was invited to (not their own): those
    awaiting their sign-off first (however old), then approvals of the last
    NOTICE_DAYS days."""
    require_active(session, actor)
    since = (now or utcnow()) - timedelta(days=NOTICE_DAYS)
    awaiting = _awaiting()
    rows = session.execute(
        select(Meeting.id, Meeting.title, Meeting.starts_at, Meeting.approved_at, awaiting)
        .join(MeetingAttendee, (MeetingAttendee.meeting_id == Meeting.id)
              & (MeetingAttendee.user_id == actor.id))
        .where(_invited_to_approved(actor), or_(awaiting, Meeting.approved_at >= since))
        .order_by(awaiting.desc(), Meeting.approved_at.desc(), Meeting.id.desc())
        .limit(limit)).tuples().all()
    return [ApprovalNotice(i, title, starts, approved, bool(waiting))
            for i, title, starts, approved, waiting in rows]


def awaiting_sign_off_count(session: Session, actor: Actor) -> int:
    """How many approved minutes wait for the actor's sign-off (for the sidebar)."""
    require_active(session, actor)
    return session.scalar(
        select(func.count()).select_from(Meeting)
        .join(MeetingAttendee, (MeetingAttendee.meeting_id == Meeting.id)
              & (MeetingAttendee.user_id == actor.id))
        .where(_invited_to_approved(actor), _awaiting())) or 0
