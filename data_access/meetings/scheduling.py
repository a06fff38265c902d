"""Scheduling a meeting (run_meetings) and editing it while planned (its organiser or an
admin): details, attendees, guests; and the meeting types admins add."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access import audit, departments
from data_access.errors import InvalidInput, PermissionDenied
from data_access.meetings.visibility import meeting_for_edit
from data_access.models import Department, User, utcnow
from data_access.models.meetings import (
    RECURRENCES,
    Meeting,
    MeetingAttendee,
    MeetingGuest,
    MeetingType,
)
from data_access.permissions import Actor, can, require_active
from data_access.text import clean_line, search_key
from data_access.versioning import flush_or_conflict

TITLE_MAX, PLACE_MAX, LINK_MAX, GUEST_MAX, TYPE_NAME_MAX = 200, 200, 500, 200, 100
DURATION_MIN, DURATION_MAX = 5, 12 * 60
ATTENDEES_MAX, GUESTS_MAX = 300, 50

# The built-in meeting types: code, Persian and English name.
BUILTIN_TYPES = (
    ("staff", "جلسه کارکنان", "Staff meeting"),
    ("management", "جلسه مدیران", "Management meeting"),
    ("department", "جلسه واحد", "Department meeting"),
    ("committee", "کمیسیون", "Committee"),
)


@dataclass
class MeetingInput:
    title: str | None
    type_id: int | None
    starts_at: datetime | None
    duration_minutes: int | None
    department_id: int | None
    place: str | None = None
    online_link: str | None = None
    confidential: bool = False
    recurrence: str = "none"
    attendee_ids: Sequence[int] = field(default_factory=list)
    guests: Sequence[str] = field(default_factory=list)


class MeetingTypeChoice(NamedTuple):
    id: int
    code: str | None
    name_fa: str
    name_en: str | None

    def label(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_fa


# --- Meeting types -----------------------------------------------------------------------

def ensure_builtin_types(session: Session) -> None:
    """The built-in types exist (idempotent; init-db and the tests call it)."""
    have = set(session.scalars(select(MeetingType.code).where(MeetingType.code.is_not(None))))
    for code, name_fa, name_en in BUILTIN_TYPES:
        if code not in have:
            session.add(MeetingType(code=code, name_fa=name_fa, name_en=name_en,
                                    name_key=search_key(name_fa), active=True))
    session.flush()


def meeting_types(session: Session, actor: Actor) -> list[MeetingTypeChoice]:
    require_active(session, actor)
    return [MeetingTypeChoice(*row) for row in session.execute(
        select(MeetingType.id, MeetingType.code, MeetingType.name_fa, MeetingType.name_en)
        .where(MeetingType.active.is_(True)).order_by(MeetingType.id)).tuples()]


def add_meeting_type(session: Session, actor: Actor, name_fa: str | None,
                     name_en: str | None) -> int:
    """An admin adds a type with its Persian (required) and English name."""
    require_active(session, actor, "manage_meeting_types")
    name_fa = clean_line(name_fa, "name_fa", TYPE_NAME_MAX, required=True)
    name_en = clean_line(name_en, "name_en", TYPE_NAME_MAX)
    key = search_key(name_fa)
    if session.scalar(select(MeetingType.id).where(MeetingType.name_key == key)) is not None:
        raise InvalidInput("meetings.errors.type_exists", field="name_fa")
    row = MeetingType(name_fa=name_fa, name_en=name_en, name_key=key, active=True)
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise InvalidInput("meetings.errors.type_exists", field="name_fa") from None
    audit.record(session, actor, "meeting_type.add", "meeting_type", row.id, name_fa=name_fa)
    return row.id


# --- People to invite ----------------------------------------------------------------------

class PersonChoice(NamedTuple):
    id: int
    name: str


def people_choices(session: Session, actor: Actor, search: str = "",
                   include: Sequence[int] = (), limit: int = 50) -> list[PersonChoice]:
    """Active people whose name matches `search` (Persian letter forms, digits and
    invisible marks normalised), by name, at most `limit`; plus the people in `include`
    (those already chosen), so a picker keeps showing them."""
    require_active(session, actor, "run_meetings")
    key = search_key(search or "")
    condition = User.active.is_(True)
    if key:
        condition = condition & User.name_key.contains(key, autoescape=True)
    found = session.execute(select(User.id, User.display_name).where(condition)
                            .order_by(User.display_name, User.id).limit(limit)).tuples().all()
    chosen = [int(i) for i in include if int(i) not in {row[0] for row in found}]
    if chosen:
        found += session.execute(select(User.id, User.display_name)
                                 .where(User.id.in_(chosen))).tuples().all()
    return [PersonChoice(*row) for row in found]


# --- Validation ----------------------------------------------------------------------------

class _Checked(NamedTuple):
    title: str
    type_id: int
    starts_at: datetime
    duration_minutes: int
    department_id: int
    place: str | None
    online_link: str | None
    confidential: bool
    recurrence: str
    attendee_ids: list[int]
    guests: list[str]


def _check(session: Session, actor: Actor, data: MeetingInput) -> _Checked:
    title = clean_line(data.title, "title", TITLE_MAX, required=True,
                       required_key="meetings.errors.title_required")
    if data.type_id is None or not session.scalar(
            select(MeetingType.active).where(MeetingType.id == data.type_id)):
        raise InvalidInput("meetings.errors.type_invalid", field="type")
    if data.starts_at is None:
        raise InvalidInput("errors.required", field="starts_at")
    if data.starts_at.tzinfo is None:
        raise ValueError("starts_at must be an aware instant")
    duration = data.duration_minutes
    if duration is None or not DURATION_MIN <= duration <= DURATION_MAX:
        raise InvalidInput("meetings.errors.duration_range", field="duration",
                           min=DURATION_MIN, max=DURATION_MAX)
    place = clean_line(data.place, "place", PLACE_MAX)
    link = clean_line(data.online_link, "online_link", LINK_MAX)
    if link is not None and (not link.startswith(("https://", "http://")) or " " in link):
        raise InvalidInput("meetings.errors.link_invalid", field="online_link")
    if data.recurrence not in RECURRENCES:
        raise InvalidInput("meetings.errors.recurrence_invalid", field="recurrence")
    department_id = data.department_id
    if department_id is None or not session.scalar(
            select(Department.active).where(Department.id == department_id)):
        raise InvalidInput("meetings.errors.department_invalid", field="department")
    if not can(actor, "manage_all_meetings") and department_id not in departments.subtree_ids(
            session, actor.department_id):
        raise PermissionDenied()
    attendee_ids = [int(i) for i in data.attendee_ids]
    if len(set(attendee_ids)) != len(attendee_ids):
        raise InvalidInput("meetings.errors.duplicate_attendee", field="attendees")
    if len(attendee_ids) > ATTENDEES_MAX:
        raise InvalidInput("meetings.errors.too_many_attendees", field="attendees",
                           max=ATTENDEES_MAX)
    if attendee_ids:
        active = set(session.scalars(select(User.id).where(User.id.in_(attendee_ids),
                                                           User.active.is_(True))))
        if active != set(attendee_ids):
            raise InvalidInput("meetings.errors.attendee_inactive", field="attendees")
    guests = [clean_line(g, "guests", GUEST_MAX, exportable=True) for g in data.guests]
    guests = [g for g in guests if g]
    if len({search_key(g) for g in guests}) != len(guests):
        raise InvalidInput("meetings.errors.duplicate_attendee", field="guests")
    if len(guests) > GUESTS_MAX:
        raise InvalidInput("meetings.errors.too_many_guests", field="guests", max=GUESTS_MAX)
    return _Checked(title, data.type_id, data.starts_at, duration, department_id, place,
                    link, bool(data.confidential), data.recurrence, attendee_ids, guests)


def _set_people(session: Session, meeting_id: int, organiser_id: int, checked: _Checked) -> None:
    session.execute(delete(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id))
    session.execute(delete(MeetingGuest).where(MeetingGuest.meeting_id == meeting_id))
    people = list(checked.attendee_ids)
    if organiser_id not in people:  # the organiser attends their own meeting
        people.insert(0, organiser_id)
    session.add_all(MeetingAttendee(meeting_id=meeting_id, user_id=u) for u in people)
    session.add_all(MeetingGuest(meeting_id=meeting_id, name=g) for g in checked.guests)


# --- Writes --------------------------------------------------------------------------------

def schedule(session: Session, actor: Actor, data: MeetingInput,
             now: datetime | None = None) -> int:
    """A new planned meeting, organised by the actor; returns its id."""
    require_active(session, actor, "run_meetings")
    checked = _check(session, actor, data)
    now = now or utcnow()
    meeting = Meeting(
        title=checked.title, title_key=search_key(checked.title), type_id=checked.type_id,
        starts_at=checked.starts_at, duration_minutes=checked.duration_minutes,
        place=checked.place, online_link=checked.online_link, organiser_id=actor.id,
        department_id=checked.department_id, confidential=checked.confidential,
        status="planned", recurrence=checked.recurrence, created_by=actor.id,
        created_at=now, updated_at=now)
    session.add(meeting)
    session.flush()
    _set_people(session, meeting.id, actor.id, checked)
    session.flush()
    audit.record(session, actor, "meeting.schedule", "meeting", meeting.id,
                 confidential=checked.confidential)
    return meeting.id


def update_details(session: Session, actor: Actor, meeting_id: int, expected_version: int | None,
                   data: MeetingInput, now: datetime | None = None) -> int:
    """The organiser (or an admin) edits a planned meeting; returns its new version."""
    meeting = meeting_for_edit(session, actor, meeting_id, expected_version, "edit_details")
    checked = _check(session, actor, data)
    meeting.title, meeting.title_key = checked.title, search_key(checked.title)
    meeting.type_id, meeting.starts_at = checked.type_id, checked.starts_at
    meeting.duration_minutes, meeting.place = checked.duration_minutes, checked.place
    meeting.online_link, meeting.department_id = checked.online_link, checked.department_id
    meeting.confidential, meeting.recurrence = checked.confidential, checked.recurrence
    meeting.updated_at = now or utcnow()
    flush_or_conflict(session)
    _set_people(session, meeting.id, meeting.organiser_id, checked)
    session.flush()
    audit.record(session, actor, "meeting.update", "meeting", meeting.id)
    return meeting.version
