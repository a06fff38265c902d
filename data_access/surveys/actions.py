"""Action items that answer a survey result: created through the generic
data_access.action_items once the survey's own scope rules allow it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import action_items
from data_access.errors import InvalidInput
from data_access.models import User
from data_access.models.action_items import ActionItem
from data_access.permissions import Actor, require_active
from data_access.surveys.results import group_results
from data_access.surveys.scope import DepartmentRef, _department_refs, _wave_scope, whole_audience


@dataclass(frozen=True)
class ActionItemRow:
    id: int
    title: str
    description: str | None
    owner: str
    due_on: date
    status: str
    driver: str | None
    department: DepartmentRef
    created_at: datetime
    version: int = 1


def create_action_item(session: Session, actor: Actor, wave_id: int, driver: str,
                       department_id: int | None, title: str, owner_id: int | None,
                       due_on: date | None, description: str | None = None,
                       now: datetime | None = None) -> int:
    """An action that answers a driver's result, for a group whose result is shown."""
    require_active(session, actor, "create_action_items")
    view = _wave_scope(session, actor, wave_id)
    department_id = view.department(actor, department_id)
    results = group_results(session, actor, wave_id, department_id)
    if results.wave.status != "closed":
        raise InvalidInput("surveys.errors.not_closed", field="driver")
    result = next((d for d in results.drivers if d.driver == driver), None)
    if result is None:
        raise InvalidInput("surveys.errors.driver_unknown", field="driver")
    if result.hidden:
        raise InvalidInput("surveys.errors.result_hidden", field="driver")
    # Anyone active may own it (action_items.may_own); a leader limited to a subtree
    # asks only for a group inside it.
    if owner_id is not None and view.departments is not None \
            and not action_items.may_own(session, actor, owner_id, department_id):
        raise InvalidInput("surveys.errors.owner_invalid", field="owner")
    return action_items.create(
        session, actor, title=title, description=description, owner_id=owner_id,
        due_on=due_on, source="survey", source_wave_id=wave_id, source_driver=driver,
        source_department_id=department_id, now=now)


def survey_action_items(session: Session, actor: Actor, wave_id: int) -> list[ActionItemRow]:
    """Actions created from a wave's results, for the groups the actor may see."""
    view = _wave_scope(session, actor, wave_id)
    owner = User.__table__.alias("owner")
    rows = session.execute(
        select(ActionItem, owner.c.display_name)
        .join(owner, owner.c.id == ActionItem.owner_id)
        .where(ActionItem.source_wave_id == wave_id)
        .order_by(ActionItem.due_on, ActionItem.id)).all()
    refs = _department_refs(session, [a.source_department_id for a, _ in rows
                                      if a.source_department_id])
    found = []
    for action, owner_name in rows:
        dept = action.source_department_id
        if not view.allows(dept):
            continue
        found.append(ActionItemRow(action.id, action.title, action.description, owner_name,
                                   action.due_on, action.status, action.source_driver,
                                   refs.get(dept, whole_audience()) if dept else whole_audience(),
                                   action.created_at, action.version))
    return found
