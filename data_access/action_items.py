"""Action items in one list per person, whatever created them (survey results now,
meetings later). Status changes go through the rule of their source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from data_access.models.surveys import ActionItem
from data_access.permissions import Actor, require_active


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
