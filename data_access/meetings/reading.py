"""Reading meetings: the list of meetings the reader may see, and one meeting with its
agenda, people, decisions and action items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from data_access import action_items, clock
from data_access.meetings import rules
from data_access.meetings.visibility import attends, may_edit, visible, visible_meeting
from data_access.models import Department, User
from data_access.models.action_items import ActionItem
from data_access.models.meetings import (
    AgendaItem,
    Decision,
    Meeting,
    MeetingAttendee,
    MeetingGuest,
    MeetingType,
)
from data_access.paging import Page, clamp, offset, paginate
from data_access.permissions import Actor, require_active
from data_access.text import search_key

PAGE_SIZE = 20
SEARCH_MAX = 200


@dataclass(frozen=True)
class MeetingRow:
    id: int
    title: str
    type_fa: str
    type_en: str | None
    starts_at: datetime
    duration_minutes: int
    department_id: int
    organiser: str
    status: str
    confidential: bool


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def meetings(session: Session, actor: Actor, *, mine: bool = False, status: str | None = None,
             search: str | None = None, page: int = 1,
             size: int = PAGE_SIZE) -> Page[MeetingRow]:
    """Meetings the actor may see, newest first; `mine`: those they organise or attend."""
    require_active(session, actor)
    conditions = [visible(session, actor)]
    if mine:
        conditions = [(Meeting.organiser_id == actor.id) | attends(actor)]
    if status:
        conditions.append(Meeting.status == status)
    for term in search_key((search or "")[:SEARCH_MAX]).split()[:8]:
        conditions.append(Meeting.title_key.like(_like(term), escape="\\"))
    total = session.scalar(select(func.count()).select_from(Meeting).where(*conditions)) or 0
    page = clamp(page, total, size)
    rows = session.execute(
        select(Meeting.id, Meeting.title, MeetingType.name_fa, MeetingType.name_en,
               Meeting.starts_at, Meeting.duration_minutes, Meeting.department_id,
               User.display_name, Meeting.status, Meeting.confidential)
        .join(MeetingType, MeetingType.id == Meeting.type_id)
        .join(User, User.id == Meeting.organiser_id)
        .where(*conditions).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .offset(offset(page, size)).limit(size)).tuples().all()
    return paginate([MeetingRow(*row) for row in rows], total, page, size)


def meeting_count(session: Session, actor: Actor, status: str | None = None) -> int:
    """How many meetings the actor may see (confidential ones only if they may)."""
    require_active(session, actor)
    conditions = [visible(session, actor)]
    if status:
        conditions.append(Meeting.status == status)
    return session.scalar(select(func.count()).select_from(Meeting).where(*conditions)) or 0


@dataclass(frozen=True)
class AttendeeView:
    user_id: int
    name: str
    attendance: str | None
    sign_off: str | None
    sign_off_note: str | None
    signed_at: datetime | None


@dataclass(frozen=True)
class AgendaView:
    id: int
    position: int
    title: str
    presenter_id: int | None
    presenter: str | None
    minutes_allotted: int
    notes: str | None
    done: bool
    follow_up: bool  # carried over from the previous meeting


@dataclass(frozen=True)
class DecisionView:
    id: int
    number: str
    year: int
    sequence: int
    text: str
    agenda_item_id: int | None
    responsible_department_id: int | None
    status: str
    superseded_by: str | None  # the register number of the newer decision
    version: int


@dataclass(frozen=True)
class ActionView:
    id: int
    title: str
    owner: str
    due_on: date
    status: str
    decision_id: int | None
    agenda_item_id: int | None
    overdue: bool


@dataclass(frozen=True)
class MeetingDetail:
    id: int
    title: str
    type_id: int
    type_fa: str
    type_en: str | None
    starts_at: datetime
    duration_minutes: int
    place: str | None
    online_link: str | None
    organiser_id: int
    organiser: str
    department_id: int
    department_fa: str
    department_en: str | None
    confidential: bool
    status: str
    recurrence: str
    previous_id: int | None
    approved_at: datetime | None
    version: int
    agenda: list[AgendaView]
    attendees: list[AttendeeView]
    guests: list[str]
    decisions: list[DecisionView]
    action_items: list[ActionView]
    may_edit: bool
    actions: frozenset[str]  # what the reader may do now (rules.ACTIONS)

    @property
    def agenda_minutes(self) -> int:
        return sum(item.minutes_allotted for item in self.agenda)

    @property
    def over_time(self) -> bool:
        return rules.over_time([i.minutes_allotted for i in self.agenda], self.duration_minutes)

    def attendee(self, user_id: int) -> AttendeeView | None:
        return next((a for a in self.attendees if a.user_id == user_id), None)


def meeting_detail(session: Session, actor: Actor, meeting_id: int,
                   now: datetime | None = None) -> MeetingDetail:
    """One meeting the actor may see; NotFound otherwise."""
    m = visible_meeting(session, actor, meeting_id)
    kind = session.get(MeetingType, m.type_id)
    department = session.get(Department, m.department_id)
    organiser = session.get(User, m.organiser_id)
    presenter = aliased(User)
    agenda = [AgendaView(i.id, i.position, i.title, i.presenter_id, name, i.minutes_allotted,
                         i.notes, i.done, i.follow_up)
              for i, name in session.execute(
                  select(AgendaItem, presenter.display_name)
                  .outerjoin(presenter, presenter.id == AgendaItem.presenter_id)
                  .where(AgendaItem.meeting_id == m.id)
                  .order_by(AgendaItem.position, AgendaItem.id)).tuples()]
    attendees = [AttendeeView(a.user_id, name, a.attendance, a.sign_off, a.sign_off_note,
                              a.signed_at)
                 for a, name in session.execute(
                     select(MeetingAttendee, User.display_name)
                     .join(User, User.id == MeetingAttendee.user_id)
                     .where(MeetingAttendee.meeting_id == m.id)
                     .order_by(User.display_name, User.id)).tuples()]
    guests = list(session.scalars(select(MeetingGuest.name).where(
        MeetingGuest.meeting_id == m.id).order_by(MeetingGuest.id)))
    newer = aliased(Decision)
    decisions = [DecisionView(d.id, rules.register_number(d.year, d.sequence), d.year,
                              d.sequence, d.text, d.agenda_item_id,
                              d.responsible_department_id, d.status,
                              None if ny is None else rules.register_number(ny, ns), d.version)
                 for d, ny, ns in session.execute(
                     select(Decision, newer.year, newer.sequence)
                     .outerjoin(newer, newer.id == Decision.superseded_by_id)
                     .where(Decision.meeting_id == m.id)
                     .order_by(Decision.year, Decision.sequence)).tuples()]
    today = clock.local_today(now)
    actions = [ActionView(a.id, a.title, name, a.due_on, a.status, a.source_decision_id,
                          a.source_agenda_item_id,
                          action_items.is_overdue(a.status, a.due_on, today))
               for a, name in session.execute(
                   select(ActionItem, User.display_name)
                   .join(User, User.id == ActionItem.owner_id)
                   .where(ActionItem.source_meeting_id == m.id)
                   .order_by(ActionItem.due_on, ActionItem.id)).tuples()]
    editor = may_edit(actor, m)
    me = next((a for a in attendees if a.user_id == actor.id), None)
    allowed = {a for a in rules.ACTIONS if rules.allowed(a, m.status)}
    if not editor:
        allowed &= {"sign_off"}
    if "sign_off" in allowed and (me is None or me.attendance != "present"):
        allowed.discard("sign_off")
    return MeetingDetail(
        m.id, m.title, m.type_id, kind.name_fa, kind.name_en, m.starts_at, m.duration_minutes,
        m.place, m.online_link, m.organiser_id, organiser.display_name, m.department_id,
        department.name, department.name_en, m.confidential, m.status, m.recurrence,
        m.previous_id, m.approved_at, m.version, agenda, attendees, guests, decisions,
        actions, editor, frozenset(allowed))
