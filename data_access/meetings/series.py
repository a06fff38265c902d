"""Recurring series: the next meeting is created from the previous one (weekly,
biweekly or monthly by the Jalali calendar), with its unfinished agenda items and
open action items carried into the agenda as follow-ups."""

from __future__ import annotations

from datetime import datetime, timedelta

import jdatetime
from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import action_items, audit, clock
from data_access.errors import Conflict, InvalidInput, PermissionDenied
from data_access.meetings.agenda import ITEM_TITLE_MAX
from data_access.meetings.visibility import may_edit, visible_meeting
from data_access.models import User, utcnow
from data_access.models.action_items import ActionItem
from data_access.models.meetings import AgendaItem, Meeting, MeetingAttendee, MeetingGuest
from data_access.permissions import Actor, require_active


def next_start(starts_at: datetime, recurrence: str) -> datetime:
    """When the next meeting of a series starts: same local time, a week or two later,
    or the same Jalali day of the next Jalali month (the month's last day if shorter)."""
    if recurrence == "weekly":
        return starts_at + timedelta(days=7)
    if recurrence == "biweekly":
        return starts_at + timedelta(days=14)
    if recurrence != "monthly":
        raise InvalidInput("meetings.errors.not_a_series")
    local = clock.to_local(starts_at)
    j = jdatetime.date.fromgregorian(date=local.date())
    year, month = (j.year + 1, 1) if j.month == 12 else (j.year, j.month + 1)
    day = j.day
    while day > 28:
        try:
            jdatetime.date(year, month, day)
            break
        except ValueError:
            day -= 1
    target = jdatetime.date(year, month, day).togregorian()
    return datetime.combine(target, local.timetz().replace(tzinfo=None),
                            tzinfo=clock.display_zone()).astimezone(starts_at.tzinfo)


def create_next(session: Session, actor: Actor, meeting_id: int,
                now: datetime | None = None) -> int:
    """The next meeting of the series, planned, with follow-ups; returns its id."""
    require_active(session, actor, "run_meetings")
    previous = visible_meeting(session, actor, meeting_id)
    if not may_edit(actor, previous):
        raise PermissionDenied()
    if previous.status not in ("held", "approved"):
        raise Conflict("meetings.errors.not_now", status=previous.status)
    if session.scalar(select(Meeting.id).where(Meeting.previous_id == previous.id)):
        raise Conflict("meetings.errors.next_exists")
    now = now or utcnow()
    meeting = Meeting(
        title=previous.title, title_key=previous.title_key, type_id=previous.type_id,
        starts_at=next_start(previous.starts_at, previous.recurrence),
        duration_minutes=previous.duration_minutes, place=previous.place,
        online_link=previous.online_link, organiser_id=previous.organiser_id,
        department_id=previous.department_id, confidential=previous.confidential,
        status="planned", recurrence=previous.recurrence, previous_id=previous.id,
        created_by=actor.id, created_at=now, updated_at=now)
    session.add(meeting)
    session.flush()
    people = session.scalars(
        select(MeetingAttendee.user_id).join(User, User.id == MeetingAttendee.user_id)
        .where(MeetingAttendee.meeting_id == previous.id, User.active.is_(True)))
    session.add_all(MeetingAttendee(meeting_id=meeting.id, user_id=u) for u in people)
    session.add_all(MeetingGuest(meeting_id=meeting.id, name=name) for name in session.scalars(
        select(MeetingGuest.name).where(MeetingGuest.meeting_id == previous.id)
        .order_by(MeetingGuest.id)))
    position = 0
    for item in session.scalars(select(AgendaItem).where(
            AgendaItem.meeting_id == previous.id, AgendaItem.done.is_(False))
            .order_by(AgendaItem.position, AgendaItem.id)):
        position += 1
        session.add(AgendaItem(meeting_id=meeting.id, position=position, title=item.title,
                               presenter_id=item.presenter_id,
                               minutes_allotted=item.minutes_allotted,
                               carried_from_id=item.id, follow_up=True))
    for title in session.scalars(
            select(ActionItem.title).where(
                ActionItem.source_meeting_id == previous.id, action_items.still_open())
            .order_by(ActionItem.due_on, ActionItem.id)):
        position += 1
        session.add(AgendaItem(meeting_id=meeting.id, position=position,
                               title=title[:ITEM_TITLE_MAX], minutes_allotted=0,
                               follow_up=True))
    session.flush()
    audit.record(session, actor, "meeting.next_in_series", "meeting", meeting.id,
                 previous_id=previous.id)
    return meeting.id
