"""The agenda of a planned meeting: ordered items with a presenter and minutes allotted;
added, edited, moved and removed by the organiser (or an admin)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from data_access import audit
from data_access.errors import InvalidInput, NotFound
from data_access.meetings.visibility import meeting_for_edit
from data_access.models import User, utcnow
from data_access.models.action_items import ActionItem
from data_access.models.meetings import AgendaItem, Decision, Meeting, MeetingAttendee
from data_access.permissions import Actor
from data_access.text import clean_line
from data_access.versioning import flush_or_conflict

ITEM_TITLE_MAX = 200
MINUTES_ALLOTTED_MAX = 600
ITEMS_MAX = 100


def touch(session: Session, meeting: Meeting, now: datetime | None) -> int:
    """Every change to a meeting's parts is a change of the meeting: its version moves,
    so two people editing the same meeting cannot overwrite each other."""
    meeting.updated_at = now or utcnow()
    flush_or_conflict(session)
    return meeting.version


def _agenda_item(session: Session, meeting_id: int, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting_id:
        raise NotFound()
    return item


def _check(session: Session, meeting: Meeting, title: str | None, presenter_id: int | None,
           minutes_allotted: int | None) -> tuple[str, int | None, int]:
    title = clean_line(title, "title", ITEM_TITLE_MAX, required=True,
                       required_key="meetings.errors.title_required")
    if presenter_id is not None:
        # A presenter is one of the meeting's attendees, with an active account.
        ok = session.scalar(select(User.id).join(
            MeetingAttendee, MeetingAttendee.user_id == User.id).where(
            MeetingAttendee.meeting_id == meeting.id, User.id == presenter_id,
            User.active.is_(True)))
        if ok is None:
            raise InvalidInput("meetings.errors.presenter_invalid", field="presenter")
    minutes = 0 if minutes_allotted is None else minutes_allotted
    if not 0 <= minutes <= MINUTES_ALLOTTED_MAX:
        raise InvalidInput("meetings.errors.minutes_allotted_range", field="minutes_allotted",
                           max=MINUTES_ALLOTTED_MAX)
    return title, presenter_id, minutes


def add_item(session: Session, actor: Actor, meeting_id: int, expected_version: int | None,
             title: str | None, presenter_id: int | None = None,
             minutes_allotted: int | None = None, now: datetime | None = None) -> int:
    """A new item at the end of the agenda; returns the meeting's new version."""
    meeting = meeting_for_edit(session, actor, meeting_id, expected_version, "edit_agenda")
    title, presenter_id, minutes = _check(session, meeting, title, presenter_id,
                                          minutes_allotted)
    count, last = session.execute(select(func.count(), func.max(AgendaItem.position)).where(
        AgendaItem.meeting_id == meeting_id)).one()
    if count >= ITEMS_MAX:
        raise InvalidInput("meetings.errors.too_many_items", max=ITEMS_MAX)
    session.add(AgendaItem(meeting_id=meeting_id, position=(last or 0) + 1, title=title,
                           presenter_id=presenter_id, minutes_allotted=minutes,
                           follow_up=False))
    audit.record(session, actor, "meeting.agenda_add", "meeting", meeting_id, title=title)
    return touch(session, meeting, now)


def update_item(session: Session, actor: Actor, meeting_id: int, expected_version: int | None,
                item_id: int, title: str | None, presenter_id: int | None = None,
                minutes_allotted: int | None = None, now: datetime | None = None) -> int:
    meeting = meeting_for_edit(session, actor, meeting_id, expected_version, "edit_agenda")
    item = _agenda_item(session, meeting_id, item_id)
    item.title, item.presenter_id, item.minutes_allotted = _check(
        session, meeting, title, presenter_id, minutes_allotted)
    return touch(session, meeting, now)


def remove_item(session: Session, actor: Actor, meeting_id: int, expected_version: int | None,
                item_id: int, now: datetime | None = None) -> int:
    meeting = meeting_for_edit(session, actor, meeting_id, expected_version, "edit_agenda")
    item = _agenda_item(session, meeting_id, item_id)
    linked = session.scalar(select(func.count()).select_from(ActionItem).where(
        ActionItem.source_agenda_item_id == item.id)) or session.scalar(
        select(func.count()).select_from(Decision).where(Decision.agenda_item_id == item.id))
    if linked:
        raise InvalidInput("meetings.errors.item_in_use")
    session.execute(update(AgendaItem).where(AgendaItem.carried_from_id == item.id)
                    .values(carried_from_id=None))
    session.execute(delete(AgendaItem).where(AgendaItem.id == item.id))
    audit.record(session, actor, "meeting.agenda_remove", "meeting", meeting_id,
                 title=item.title)
    return touch(session, meeting, now)


def move_item(session: Session, actor: Actor, meeting_id: int, expected_version: int | None,
              item_id: int, steps: int, now: datetime | None = None) -> int:
    """Move an item up (negative `steps`) or down the agenda; positions stay 1..n."""
    meeting = meeting_for_edit(session, actor, meeting_id, expected_version, "edit_agenda")
    items = list(session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
                                 .order_by(AgendaItem.position, AgendaItem.id)))
    index = next((i for i, it in enumerate(items) if it.id == item_id), None)
    if index is None:
        raise NotFound()
    moved = items.pop(index)
    items.insert(max(0, min(len(items), index + steps)), moved)
    for position, item in enumerate(items, start=1):
        item.position = position
    return touch(session, meeting, now)
