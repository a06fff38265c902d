"""Action items in one list per person, whatever created them (a survey result, a
meeting's decision or agenda item): creating one, moving it along, and who may own one.

A feature that creates items checks its own scope first (surveys.create_action_item:
the result must be shown to the creator), then calls `create` with its `source`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, case, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from data_access import audit, clock, departments
from data_access.errors import Conflict, InvalidInput, PermissionDenied
from data_access.models import Department, User, utcnow
from data_access.models.action_items import CLOSED, SOURCES, STATUSES, ActionItem
from data_access.models.meetings import Meeting, MeetingAttendee
from data_access.paging import Page, clamp, offset, paginate
from data_access.permissions import Actor, can, require_active
from data_access.text import clean_block, clean_line, search_key
from data_access.versioning import flush_or_conflict, load_for_write

__all__ = [
    "CLOSED", "DESCRIPTION_MAX", "DUE_MAX_YEARS", "EXPORT_MAX", "NOTE_MAX", "SOURCES", "STATUSES",
    "TEAM_PAGE_SIZE",
    "TEAM_SORTS", "TEAM_VIEWS", "TITLE_MAX", "MyActionItem", "OwnerChoice", "TeamActionItem",
    "ANNOUNCEABLE_MAX", "Announceable", "AnnouncedItem", "announce", "announceable",
    "for_announcement", "check_due_on", "create",
    "is_overdue", "latest_due_on", "may_own", "owned_by", "owner_choices", "set_status",
    "still_open", "team",
    "TeamPlan", "team_plans", "team_views",
]

TITLE_MAX, DESCRIPTION_MAX, NOTE_MAX = 200, 2000, 2000
# A due date further ahead is a typo (or 9999-12-31), not a plan; it would also sit
# outside what the Jalali calendar code formats.
DUE_MAX_YEARS = 5
OWNERS_PAGE_SIZE = 50


# --- Rules (pure) ---------------------------------------------------------------------

def latest_due_on(today: date) -> date:
    return today + timedelta(days=365 * DUE_MAX_YEARS + 1)


def check_due_on(due_on: date | None, today: date) -> date:
    """A due date from today (the day the item is created) up to DUE_MAX_YEARS ahead."""
    if due_on is None:
        raise InvalidInput("errors.required", field="due_on")
    if due_on < today:
        raise InvalidInput("surveys.errors.due_in_past", field="due_on")
    if due_on > latest_due_on(today):
        raise InvalidInput("actions.errors.due_too_far", field="due_on", years=DUE_MAX_YEARS)
    return due_on


def is_overdue(status: str, due_on: date, today: date) -> bool:
    """Neither done nor cancelled and its due day has passed (the day itself is
    still on time)."""
    return status not in CLOSED and due_on < today


def still_open():
    """SQL: the item is neither done nor cancelled."""
    return ActionItem.status.not_in(CLOSED)


# --- Writes ----------------------------------------------------------------------------

def create(session: Session, actor: Actor, *, title: str | None, description: str | None,
           owner_id: int | None, due_on: date | None, source: str,
           source_wave_id: int | None = None, source_driver: str | None = None,
           source_department_id: int | None = None, source_meeting_id: int | None = None,
           source_decision_id: int | None = None, source_agenda_item_id: int | None = None,
           now: datetime | None = None) -> int:
    """A new open item; the caller has checked what its source requires (a meeting
    item names its meeting, and the decision or agenda item it follows up)."""
    require_active(session, actor, "create_action_items")
    if source not in SOURCES:
        raise ValueError(f"unknown action item source {source!r}")
    now = now or utcnow()
    title = clean_line(title, "title", TITLE_MAX, required=True)
    description = clean_block(description, "description", DESCRIPTION_MAX)
    if owner_id is None:
        raise InvalidInput("errors.required", field="owner")
    due_on = check_due_on(due_on, clock.local_today(now))
    owner = session.get(User, owner_id)
    if owner is None or not owner.active:
        raise InvalidInput("actions.errors.owner_invalid", field="owner")
    item = ActionItem(title=title, description=description, owner_id=owner_id, due_on=due_on,
                      status="open", source=source, source_wave_id=source_wave_id,
                      source_driver=source_driver, source_department_id=source_department_id,
                      source_meeting_id=source_meeting_id, source_decision_id=source_decision_id,
                      source_agenda_item_id=source_agenda_item_id, created_by=actor.id,
                      created_at=now, updated_at=now)
    session.add(item)
    session.flush()
    audit.record(session, actor, "action_item.create", "action_item", item.id, title=title,
                 owner_id=owner_id, due_on=due_on.isoformat(), source=source,
                 wave_id=source_wave_id, driver=source_driver,
                 department_id=source_department_id, meeting_id=source_meeting_id,
                 decision_id=source_decision_id, agenda_item_id=source_agenda_item_id)
    return item.id


def set_status(session: Session, actor: Actor, item_id: int, status: str,
               expected_version: int | None, now: datetime | None = None,
               note: str | None = None) -> int:
    """The owner, or a leader with the item's department in scope, moves an item along
    (cancelling it too) and may say what was done, or why not (`note`; None keeps it).

    `expected_version` is the version the person saw: if someone changed the item
    meanwhile, their change is kept and this one refused (errors.edited_by_someone_else).
    Returns the item's version afterwards.
    """
    if status not in STATUSES:
        raise InvalidInput("actions.errors.status_unknown", field="status")
    cleaned_note = clean_block(note, "completion_note", NOTE_MAX) if note is not None else None
    require_active(session, actor)
    item = load_for_write(session, ActionItem, item_id, expected_version)
    if item.owner_id != actor.id:
        require_active(session, actor, "create_action_items")
        scope = _department_scope(session, actor)
        if scope is not None and item.source_department_id not in scope:
            raise PermissionDenied()
    note_changes = note is not None and cleaned_note != item.completion_note
    if item.status == status and not note_changes:
        return item.version
    now = now or utcnow()
    if item.status != status:
        audit.record(session, actor, "action_item.status", "action_item", item_id,
                     old=item.status, new=status)
        item.status = status
        item.done_at = now if status == "done" else None
    if note_changes:
        audit.record(session, actor, "action_item.note", "action_item", item_id)
        item.completion_note = cleaned_note
    item.updated_at = now
    flush_or_conflict(session)
    return item.version


# --- Reads -----------------------------------------------------------------------------

@dataclass(frozen=True)
class MyActionItem:
    id: int
    title: str
    description: str | None
    due_on: date
    status: str
    source: str
    source_driver: str | None
    version: int
    overdue: bool
    meeting_id: int | None = None  # the meeting it follows up, if any
    announcement_id: int | None = None  # "you said, we did": the announcement of it
    completion_note: str | None = None  # what was done, or why not


def owned_by(session: Session, actor: Actor, include_done: bool = False,
             now: datetime | None = None) -> list[MyActionItem]:
    """The actor's own action items: unfinished first, soonest due first."""
    require_active(session, actor)
    today = clock.local_today(now)
    query = select(ActionItem).where(ActionItem.owner_id == actor.id)
    if not include_done:
        query = query.where(still_open())
    query = query.order_by(case((ActionItem.status.in_(CLOSED), 1), else_=0),
                           ActionItem.due_on, ActionItem.id)
    return [MyActionItem(a.id, a.title, a.description, a.due_on, a.status, a.source,
                         a.source_driver, a.version, is_overdue(a.status, a.due_on, today),
                         a.source_meeting_id, a.announcement_id, a.completion_note)
            for a in session.scalars(query)]


class OwnerChoice(NamedTuple):
    id: int
    name: str


def _department_scope(session: Session, actor: Actor) -> set[int] | None:
    """Departments whose items the actor leads; None: all of them."""
    if can(actor, "view_all_results"):
        return None
    return departments.subtree_ids(session, actor.department_id)


def _owners(session: Session, actor: Actor, department_id: int | None) -> ColumnElement[bool]:
    """SQL: who may own an item for a department: any active person (an employee too:
    the one closest to a problem often fixes it). Only whoever may create items asks,
    and a leader limited to a subtree only for a department inside it."""
    require_active(session, actor, "create_action_items")
    scope = _department_scope(session, actor)
    if scope is not None and department_id is not None and department_id not in scope:
        raise PermissionDenied()
    return User.active.is_(True)


def _near(session: Session, actor: Actor, department_id: int | None) -> ColumnElement[bool]:
    """SQL: the people of the department's subtree (None: the actor's own, or for those
    who see everything, no one in particular): listed first among the owners."""
    if department_id is None:
        if _department_scope(session, actor) is None:
            return false()
        department_id = actor.department_id
    return User.department_id.in_(sorted(departments.subtree_ids(session, department_id)))


def owner_choices(session: Session, actor: Actor, department_id: int | None = None,
                  search: str = "", page: int = 1,
                  size: int = OWNERS_PAGE_SIZE) -> Page[OwnerChoice]:
    """People who may own an item for a department: the actor first, then the
    department's own people, then everyone else active, by name; one page at a time
    (a municipality has tens of thousands), optionally those whose name matches
    `search`."""
    condition = _owners(session, actor, department_id)
    key = search_key(search or "")
    if key:
        condition = condition & User.name_key.contains(key, autoescape=True)
    total = session.scalar(select(func.count()).select_from(User).where(condition)) or 0
    page = clamp(page, total, size)
    near = _near(session, actor, department_id)
    rows = session.execute(
        select(User.id, User.display_name).where(condition)
        .order_by(case((User.id == actor.id, 0), (near, 1), else_=2), User.display_name,
                  User.id)
        .offset(offset(page, size)).limit(size)).tuples().all()
    return paginate([OwnerChoice(*row) for row in rows], total, page, size)


def may_own(session: Session, actor: Actor, owner_id: int, department_id: int | None) -> bool:
    """Whether `owner_id` is among `owner_choices` for the department (on any page)."""
    condition = _owners(session, actor, department_id)
    return session.scalar(select(User.id).where(condition, User.id == owner_id)) is not None


# --- Team views --------------------------------------------------------------------------

# "managed": items of the leader's department subtree (every department for those who see
# every result); "organised": items of the meetings the actor organised.
TEAM_VIEWS = ("managed", "organised")
TEAM_SORTS = ("due_on", "status", "owner", "title")
TEAM_PAGE_SIZE = 50
EXPORT_MAX = 10_000


@dataclass(frozen=True)
class TeamActionItem:
    id: int
    title: str
    owner: str
    department_fa: str | None
    department_en: str | None
    due_on: date
    status: str
    source: str
    source_driver: str | None
    meeting_id: int | None
    meeting_title: str | None
    overdue: bool
    done_at: datetime | None


def team_views(actor: Actor) -> list[str]:
    """The team views the actor's role offers: leading a subtree comes with
    create_action_items, organising meetings with run_meetings."""
    views = []
    if can(actor, "create_action_items"):
        views.append("managed")
    if can(actor, "run_meetings"):
        views.append("organised")
    return views


_Invited = aliased(MeetingAttendee)


def _meeting_visible(actor: Actor) -> ColumnElement[bool]:
    """SQL on ActionItem: no meeting, a meeting that is not confidential, or a
    confidential one the actor organised or attends (admins: every one)."""
    if can(actor, "manage_all_meetings"):
        return true()
    hidden = (select(Meeting.id).where(
        Meeting.id == ActionItem.source_meeting_id, Meeting.confidential.is_(True),
        Meeting.organiser_id != actor.id,
        ~select(_Invited.meeting_id).where(_Invited.meeting_id == Meeting.id,
                                           _Invited.user_id == actor.id).exists())
        .correlate(ActionItem).exists())
    return ~hidden


def _team_condition(session: Session, actor: Actor, view: str) -> ColumnElement[bool]:
    if view not in TEAM_VIEWS:
        raise InvalidInput("actions.errors.view_unknown", field="view")
    if view == "managed":
        require_active(session, actor, "create_action_items")
        scope = _department_scope(session, actor)
        in_scope = true() if scope is None else or_(
            ActionItem.source_department_id.in_(sorted(scope)),
            User.department_id.in_(sorted(scope)))
    else:
        require_active(session, actor, "run_meetings")
        in_scope = (select(Meeting.id).where(Meeting.id == ActionItem.source_meeting_id,
                                             Meeting.organiser_id == actor.id)
                    .correlate(ActionItem).exists())
    return in_scope & _meeting_visible(actor)


def team(session: Session, actor: Actor, view: str, *, status: str | None = None,
         overdue_only: bool = False, search: str = "", sort: str = "due_on",
         descending: bool = False, page: int = 1, size: int = TEAM_PAGE_SIZE,
         now: datetime | None = None) -> Page[TeamActionItem]:
    """The items a leader follows up (`view` in TEAM_VIEWS), one page at a time:
    filtered by status, overdue only, and a search in titles and owners' names;
    sorted by `sort` (TEAM_SORTS). A confidential meeting's items appear only to its
    organiser and attendees (and admins)."""
    if status is not None and status not in STATUSES:
        raise InvalidInput("actions.errors.status_unknown", field="status")
    if sort not in TEAM_SORTS:
        raise InvalidInput("actions.errors.sort_unknown", field="sort")
    size = max(1, min(size, EXPORT_MAX))
    today = clock.local_today(now)
    condition = _team_condition(session, actor, view)
    if status is not None:
        condition = condition & (ActionItem.status == status)
    if overdue_only:
        condition = condition & still_open() & (ActionItem.due_on < today)
    words = clean_line(search, "search", 200) if search else None
    if words:
        condition = condition & or_(ActionItem.title.contains(words, autoescape=True),
                                    User.name_key.contains(search_key(words), autoescape=True))
    base = (select(ActionItem.id).join(User, User.id == ActionItem.owner_id)
            .where(condition))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    page = clamp(page, total, size)
    order = {"due_on": ActionItem.due_on, "status": ActionItem.status,
             "owner": User.display_name, "title": ActionItem.title}[sort]
    rows = session.execute(
        select(ActionItem.id, ActionItem.title, User.display_name, Department.name,
               Department.name_en, ActionItem.due_on, ActionItem.status, ActionItem.source,
               ActionItem.source_driver, ActionItem.source_meeting_id, Meeting.title,
               ActionItem.done_at)
        .join(User, User.id == ActionItem.owner_id)
        .outerjoin(Department, Department.id == ActionItem.source_department_id)
        .outerjoin(Meeting, Meeting.id == ActionItem.source_meeting_id)
        .where(condition)
        .order_by(order.desc() if descending else order, ActionItem.due_on, ActionItem.id)
        .offset(offset(page, size)).limit(size)).tuples().all()
    items = [TeamActionItem(*row[:11], overdue=is_overdue(row[6], row[5], today),
                            done_at=row[11]) for row in rows]
    return paginate(items, total, page, size)



# --- Our plans: what came of the surveys, for everyone ----------------------------------

@dataclass(frozen=True)
class TeamPlan:
    """An item made from survey results for the viewer's department, a department above
    it or the whole organisation: what is being done about what they said."""

    id: int
    title: str
    description: str | None
    owner: str
    department_fa: str | None  # None: the whole audience of the survey
    department_en: str | None
    source_driver: str | None
    due_on: date
    status: str
    completion_note: str | None
    announcement_id: int | None
    overdue: bool


def team_plans(session: Session, actor: Actor, page: int = 1, size: int = TEAM_PAGE_SIZE,
               now: datetime | None = None) -> Page[TeamPlan]:
    """Survey-made items for the actor's own groups (their department, every department
    above it, the whole organisation), unfinished first, soonest due first, one page at
    a time. Such an item exists only for a group whose results were shown, so it tells
    nothing the results did not."""
    require_active(session, actor)
    today = clock.local_today(now)
    groups = departments.chain(session, actor.department_id)
    condition = (ActionItem.source == "survey") & or_(
        ActionItem.source_department_id.is_(None),
        ActionItem.source_department_id.in_(groups))
    total = session.scalar(select(func.count()).select_from(ActionItem).where(condition)) or 0
    page = clamp(page, total, size)
    rows = session.execute(
        select(ActionItem.id, ActionItem.title, ActionItem.description, User.display_name,
               Department.name, Department.name_en, ActionItem.source_driver,
               ActionItem.due_on, ActionItem.status, ActionItem.completion_note,
               ActionItem.announcement_id)
        .join(User, User.id == ActionItem.owner_id)
        .outerjoin(Department, Department.id == ActionItem.source_department_id)
        .where(condition)
        .order_by(case((ActionItem.status.in_(CLOSED), 1), else_=0), ActionItem.due_on,
                  ActionItem.id)
        .offset(offset(page, size)).limit(size)).tuples().all()
    items = [TeamPlan(*row, overdue=is_overdue(row[8], row[7], today)) for row in rows]
    return paginate(items, total, page, size)


# --- "You said, we did": announcing a done survey item --------------------------------

ANNOUNCEABLE_MAX = 20


@dataclass(frozen=True)
class Announceable:
    id: int
    title: str
    description: str | None
    source_driver: str | None
    department_fa: str | None
    department_en: str | None
    done_at: datetime | None
    version: int


def announceable(session: Session, actor: Actor,
                 limit: int = ANNOUNCEABLE_MAX) -> list[Announceable]:
    """Done items from survey results not yet announced, most recently done first
    (for those who publish news)."""
    require_active(session, actor, "publish_news")
    rows = session.execute(
        select(ActionItem.id, ActionItem.title, ActionItem.description, ActionItem.source_driver,
               Department.name, Department.name_en, ActionItem.done_at, ActionItem.version)
        .outerjoin(Department, Department.id == ActionItem.source_department_id)
        .where(ActionItem.source == "survey", ActionItem.status == "done",
               ActionItem.announcement_id.is_(None))
        .order_by(ActionItem.done_at.desc(), ActionItem.id.desc()).limit(limit)).tuples().all()
    return [Announceable(*row) for row in rows]


def announce(session: Session, actor: Actor, item_id: int, expected_version: int | None,
             data, now: datetime | None = None) -> int:
    """Publish `data` (a news.AnnouncementInput, prefilled from the item and edited by the
    publisher) through the news feature, and link the item to it. Only a done item from
    survey results, once: a second click hears that it is already announced, and nothing
    is published twice (the item's version is checked in the same transaction).
    Returns the announcement's id."""
    from data_access import news  # the news feature's public API; news never imports this

    require_active(session, actor, "publish_news")
    current = session.get(ActionItem, item_id, populate_existing=True)
    if current is not None and current.announcement_id is not None:
        raise Conflict("actions.errors.already_announced")  # before "changed elsewhere"
    item = load_for_write(session, ActionItem, item_id, expected_version)
    if item.source != "survey" or item.status != "done":
        raise InvalidInput("actions.errors.not_announceable")
    saved = news.publish(session, actor, data, now=now)
    item.announcement_id = saved.id
    item.updated_at = now or utcnow()
    flush_or_conflict(session)
    audit.record(session, actor, "action_item.announce", "action_item", item_id,
                 announcement_id=saved.id)
    return saved.id


@dataclass(frozen=True)
class AnnouncedItem:
    id: int
    title: str
    source_driver: str | None
    done_at: datetime | None


def for_announcement(session: Session, actor: Actor,
                     announcement_id: int) -> AnnouncedItem | None:
    """The action item an announcement reported done, if any (the other way of the
    link); its title is in the announcement already, so every reader may see it."""
    require_active(session, actor)
    row = session.execute(
        select(ActionItem.id, ActionItem.title, ActionItem.source_driver, ActionItem.done_at)
        .where(ActionItem.announcement_id == announcement_id)
        .order_by(ActionItem.id).limit(1)).tuples().first()
    return AnnouncedItem(*row) if row else None
