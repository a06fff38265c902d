"""Action items in one list per person, whatever created them (survey results now,
meetings later). Status changes go through the rule of their source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from data_access.errors import InvalidInput
from data_access.models.surveys import ActionItem
from data_access.permissions import Actor, require_active

# A due date further ahead is a typo (or 9999-12-31), not a plan; it would also sit
# outside what the Jalali calendar code formats.
DUE_MAX_YEARS = 5


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


@dataclass(frozen=True)
class MyActionItem:
    id: int
    title: str
    description: str | None
    due_on: date
    status: str
    source: str
    source_driver: str | None


def owned_by(session: Session, actor: Actor, include_done: bool = False) -> list[MyActionItem]:
    """The actor's own action items: unfinished first, soonest due first."""
    require_active(session, actor)
    query = select(ActionItem).where(ActionItem.owner_id == actor.id)
    if not include_done:
        query = query.where(ActionItem.status != "done")
    query = query.order_by(case((ActionItem.status == "done", 1), else_=0),
                           ActionItem.due_on, ActionItem.id)
    return [MyActionItem(a.id, a.title, a.description, a.due_on, a.status, a.source,
                         a.source_driver) for a in session.scalars(query)]
