"""Department × driver scores for a department and its sub-departments."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from data_access.permissions import Actor
from data_access.surveys.bank import DRIVERS
from data_access.surveys.rules import driver_score, summarise_likert
from data_access.surveys.scope import (
    _DEFAULT,
    DepartmentRef,
    HiddenReason,
    _department_refs,
    _group_cells,
    _groups,
    _wave_items,
    _wave_scope,
    whole_audience,
)


@dataclass(frozen=True)
class HeatCell:
    driver: str
    score: float | None
    favorable_pct: float | None
    hidden: HiddenReason


@dataclass(frozen=True)
class HeatRow:
    department: DepartmentRef
    depth: int  # 0 for the focus department, 1 for its sub-departments
    reported_under: DepartmentRef | None
    hidden: HiddenReason
    respondents: int | None
    cells: dict[str, HeatCell]


def heatmap(session: Session, actor: Actor, wave_id: int,
            focus_department_id: int | None = _DEFAULT) -> list[HeatRow]:
    """Department × driver scores for a department and its sub-departments.

    Suppression was decided over the whole tree when the wave closed, so this
    view hides exactly what every other view hides.
    """
    view = _wave_scope(session, actor, wave_id)
    focus = view.department(actor, focus_department_id)
    if view.wave.status != "closed":
        return []
    snapshot = view.snapshot
    roots = sorted(d for d, p in snapshot.parent_of.items() if p is None)
    if focus is None and len(roots) == 1:
        focus = roots[0]
    if focus is None:
        rows = [(d, 0) for d in roots]
    elif focus not in snapshot.parent_of:
        return []
    else:
        children = sorted(d for d, p in snapshot.parent_of.items() if p == focus)
        rows = [(focus, 0)] + [(d, 1) for d in children]
    rows = [(d, depth) for d, depth in rows if view.allows(d)]
    labels = [d for d, _ in rows if snapshot.report.get(d) == d]
    groups = {g.department_id: g for g in _groups(session, [wave_id], labels)}
    cells = _group_cells(session, [g.id for g in groups.values()])
    items = [item for item, _ in _wave_items(session, [wave_id])[wave_id]
             if item.kind == "likert5" and item.driver in DRIVERS]
    refs = _department_refs(session, [d for d, _ in rows] + [
        snapshot.report[d] for d, _ in rows if snapshot.report.get(d)])
    heat: list[HeatRow] = []
    for dept, depth in rows:
        group = groups.get(dept)
        if group is None:
            target = snapshot.report.get(dept)
            heat.append(HeatRow(refs[dept], depth, refs.get(target) if target else whole_audience(),
                                "below_k", None, {}))
            continue
        row_cells: dict[str, HeatCell] = {}
        for driver in DRIVERS:
            members = [item for item in items if item.driver == driver]
            if not members:
                continue
            found = [cells.get((group.id, item.id)) for item in members]
            hidden = group.hidden or next((c[1] for c in found if c and c[1]), None)
            if hidden or any(c is None for c in found):
                row_cells[driver] = HeatCell(driver, None, None, hidden or "below_k")
                continue
            summaries = [summarise_likert(c[2]) for c in found]
            pooled: dict[int, int] = {}
            for c in found:
                for value, count in c[2].items():
                    pooled[value] = pooled.get(value, 0) + count
            summary = summarise_likert(pooled)
            row_cells[driver] = HeatCell(
                driver, driver_score([s.score for s in summaries if s]),
                summary.favorable_pct if summary else None, None)
        heat.append(HeatRow(refs[dept], depth, None, group.hidden,
                            None if group.hidden else group.respondents, row_cells))
    return heat


