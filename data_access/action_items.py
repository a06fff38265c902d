"""Action items in one list per person, whatever created them (a survey result, a
meeting's decision or agenda item): creating one, moving it along, and who may own one.

A feature that creates items checks its own scope first (surveys.create_action_item:
the result must be shown to the creator), then calls `create` with its `source`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session

from data_access import audit, clock, departments
from data_access.errors import InvalidInput, PermissionDenied
from data_access.models import User, utcnow
from data_access.models.action_items import SOURCES, STATUSES, ActionItem
from data_access.paging import Page, clamp, offset, paginate
from data_access.permissions import CAPABILITIES, Actor, can, require_active
from data_access.text import clean_block, clean_line, search_key
from data_access.versioning import flush_or_conflict, load_for_write

__all__ = [
    "DESCRIPTION_MAX", "DUE_MAX_YEARS", "SOURCES", "STATUSES", "TITLE_MAX", "MyActionItem",
    "OwnerChoice", "check_due_on", "create", "is_overdue", "latest_due_on", "may_own",
    "owned_by", "owner_choices", "set_status",
]

TITLE_MAX, DESCRIPTION_MAX = 200, 2000
# A due date further ahead is a typo (or 9999-12-31), not a plan; it would also sit
# outside what the Jalali calendar code formats.
DUE_MAX_YEARS = 5
OWNERS_PAGE_SIZE = 50
# Who may own an item: whoever may create them (a capability, not a list of roles).
OWNER_CAPABILITY = "create_action_items"


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
    """Not done and its due day has passed (the day itself is still on time)."""
    return status != "done" and due_on < today


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
               expected_version: int | None, now: datetime | None = None) -> int:
    """The owner, or a leader with the item's department in scope, moves an item along.

    `expected_version` is the version the person saw: if someone changed the item
    meanwhile, their change is kept and this one refused (errors.edited_by_someone_else).
    Returns the item's version afterwards.
    """
    if status not in STATUSES:
        raise InvalidInput("actions.errors.status_unknown", field="status")
    require_active(session, actor)
    item = load_for_write(session, ActionItem, item_id, expected_version)
    if item.owner_id != actor.id:
        require_active(session, actor, "create_action_items")
        scope = _department_scope(session, actor)
        if scope is not None and item.source_department_id not in scope:
            raise PermissionDenied()
    if item.status == status:
        return item.version
    now = now or utcnow()
    audit.record(session, actor, "action_item.status", "action_item", item_id,
                 old=item.status, new=status)
    item.status = status
    item.updated_at = now
    item.done_at = now if status == "done" else None
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


def owned_by(session: Session, actor: Actor, include_done: bool = False,
             now: datetime | None = None) -> list[MyActionItem]:
    """The actor's own action items: unfinished first, soonest due first."""
    require_active(session, actor)
    today = clock.local_today(now)
    query = select(ActionItem).where(ActionItem.owner_id == actor.id)
    if not include_done:
        query = query.where(ActionItem.status != "done")
    query = query.order_by(case((ActionItem.status == "done", 1), else_=0),
                           ActionItem.due_on, ActionItem.id)
    return [MyActionItem(a.id, a.title, a.description, a.due_on, a.status, a.source,
                         a.source_driver, a.version, is_overdue(a.status, a.due_on, today))
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
    """SQL: who may own an item for a department (None: the actor's whole scope):
    active people who may lead items there, and the actor."""
    require_active(session, actor, "create_action_items")
    scope = _department_scope(session, actor)
    if scope is not None:
        # A leader limited to a subtree chooses among people of that subtree only.
        if department_id is not None and department_id not in scope:
            raise PermissionDenied()
        department_id = actor.department_id if department_id is None else department_id
    leaders = User.role.in_(sorted(CAPABILITIES[OWNER_CAPABILITY]))
    if department_id is not None:
        leaders = leaders & User.department_id.in_(
            sorted(departments.subtree_ids(session, department_id)))
    return User.active.is_(True) & or_(leaders, User.id == actor.id)


def owner_choices(session: Session, actor: Actor, department_id: int | None = None,
                  search: str = "", page: int = 1,
                  size: int = OWNERS_PAGE_SIZE) -> Page[OwnerChoice]:
    """People who may own an item for a department, the actor first, then by name;
    one page at a time (a large department has thousands), optionally those whose
    name matches `search`."""
    condition = _owners(session, actor, department_id)
    key = search_key(search or "")
    if key:
        condition = condition & User.name_key.contains(key, autoescape=True)
    total = session.scalar(select(func.count()).select_from(User).where(condition)) or 0
    page = clamp(page, total, size)
    rows = session.execute(
        select(User.id, User.display_name).where(condition)
        .order_by(case((User.id == actor.id, 0), else_=1), User.display_name, User.id)
        .offset(offset(page, size)).limit(size)).tuples().all()
    return paginate([OwnerChoice(*row) for row in rows], total, page, size)


def may_own(session: Session, actor: Actor, owner_id: int, department_id: int | None) -> bool:
    """Whether `owner_id` is among `owner_choices` for the department (on any page)."""
    condition = _owners(session, actor, department_id)
    return session.scalar(select(User.id).where(condition, User.id == owner_id)) is not None
