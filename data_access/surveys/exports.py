"""Every figure of a closed wave a viewer may see, one row each, for the exports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from data_access import departments
from data_access.permissions import Actor
from data_access.surveys import scope
from data_access.surveys.results import _driver_results, _item_result, _participation
from data_access.surveys.scope import DepartmentRef, HiddenReason


@dataclass(frozen=True)
class ExportRow:
    department: DepartmentRef
    measure: str  # 'participation', 'driver', 'enps' or 'item'
    code: str  # driver name, bank code or item position
    text_fa: str
    text_en: str | None
    n: int | None = None
    invited: int | None = None
    participation: float | None = None
    favorable_pct: float | None = None
    neutral_pct: float | None = None
    unfavorable_pct: float | None = None
    mean: float | None = None
    score: float | None = None
    enps: float | None = None
    promoters_pct: float | None = None
    passives_pct: float | None = None
    detractors_pct: float | None = None
    hidden: HiddenReason = None
    reported_under: DepartmentRef | None = None


def export_rows(session: Session, actor: Actor, wave_id: int) -> list[ExportRow]:
    """Every figure of a closed wave the actor may see, one row each, hidden
    ones with their reason and no number: the same decisions as the page."""
    view = scope._wave_scope(session, actor, wave_id)
    if view.wave.status != "closed":
        return []
    snapshot = view.snapshot
    ordered = [d for d in departments.top_down(snapshot.parent_of, by_id=True) if view.allows(d)]
    wanted = ([None] if view.whole_audience else []) + ordered
    groups = {g.department_id: g for g in scope._groups(session, [wave_id], wanted)}
    cells = scope._group_cells(session, [groups[d].id for d in wanted if d in groups])
    items = scope._wave_items(session, [wave_id])[wave_id]
    refs = scope._department_refs(session, list(ordered) + [
        t for t in snapshot.report.values() if t is not None])
    org = groups.get(None)
    org_cells = {item.id: cells[(org.id, item.id)] for item, _ in items
                 if org and (org.id, item.id) in cells}
    rows: list[ExportRow] = []
    for dept in wanted:
        ref = scope.whole_audience() if dept is None else refs[dept]
        group = groups.get(dept)
        if group is None:
            target = snapshot.report.get(dept)
            rows.append(ExportRow(ref, "participation", "participation", "", None,
                                  hidden="below_k", reported_under=refs.get(target)))
            continue
        part = _participation(group)
        rows.append(ExportRow(ref, "participation", "participation", "", None,
                              n=part.respondents, invited=part.invited,
                              participation=part.rate, hidden=part.hidden))
        own = {item.id: cells[(group.id, item.id)] for item, _ in items
               if (group.id, item.id) in cells}
        results = [_item_result(item, sid, own.get(item.id), org_cells.get(item.id),
                                group.hidden) for item, sid in items if item.kind != "comment"]
        for driver in _driver_results(results, own, org_cells, group.hidden):
            s = driver.summary
            rows.append(ExportRow(ref, "driver", driver.driver, "", None, n=driver.n,
                                  favorable_pct=s.favorable_pct if s else None,
                                  neutral_pct=s.neutral_pct if s else None,
                                  unfavorable_pct=s.unfavorable_pct if s else None,
                                  mean=s.mean if s else None, score=driver.score,
                                  hidden=driver.hidden))
        for result in results:
            item = result.item
            code = item.driver if item.kind == "enps" else f"Q{item.position}"
            likert, enps = result.likert, result.enps
            rows.append(ExportRow(
                ref, "enps" if item.kind == "enps" else "item", code or f"Q{item.position}",
                item.text_fa, item.text_en, n=result.n,
                favorable_pct=likert.favorable_pct if likert else None,
                neutral_pct=likert.neutral_pct if likert else None,
                unfavorable_pct=likert.unfavorable_pct if likert else None,
                mean=likert.mean if likert else None, score=likert.score if likert else None,
                enps=enps.enps if enps else None,
                promoters_pct=enps.promoters_pct if enps else None,
                passives_pct=enps.passives_pct if enps else None,
                detractors_pct=enps.detractors_pct if enps else None, hidden=result.hidden))
    return rows


