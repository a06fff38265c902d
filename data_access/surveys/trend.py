"""Driver scores and eNPS of one group across the closed waves of a survey."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.models.surveys import SurveyWave, SurveyWaveDepartment
from data_access.permissions import Actor
from data_access.surveys.bank import DRIVERS, ENPS_DRIVER
from data_access.surveys.rules import driver_score, summarise_enps, summarise_likert
from data_access.surveys.scope import (
    _DEFAULT,
    HiddenReason,
    _group_asked,
    _group_cells,
    _groups,
    _scope,
    _wave_items,
    audience_view,
)


@dataclass(frozen=True)
class TrendPoint:
    wave_id: int
    number: int
    closes_at: datetime
    measure: str  # a driver, or 'enps'
    value: float | None  # driver score 0–100, or eNPS −100..100
    hidden: HiddenReason


def survey_trend(session: Session, actor: Actor, survey_id: int,
                 department_id: int | None = _DEFAULT) -> list[TrendPoint]:
    """Driver scores and eNPS of one department (or everyone) across the closed waves
    of a survey; same items every wave, so the points compare like with like."""
    scope = _scope(session, actor)
    waves = session.execute(select(SurveyWave.id, SurveyWave.number, SurveyWave.closes_at)
                            .where(SurveyWave.survey_id == survey_id,
                                   SurveyWave.status == "closed")
                            .order_by(SurveyWave.number)).all()
    views = {w.id: (True, True) for w in waves}
    if scope is not None and waves:
        audiences: dict[int, set[int]] = {w.id: set() for w in waves}
        for wave_id, dept in session.execute(
                select(SurveyWaveDepartment.wave_id, SurveyWaveDepartment.department_id)
                .where(SurveyWaveDepartment.wave_id.in_(list(audiences)))).tuples():
            audiences[wave_id].add(dept)
        views = {wave_id: audience_view(scope, audience)
                 for wave_id, audience in audiences.items()}
    waves = [w for w in waves if views[w.id][0]]
    department_id = _group_asked(actor, scope, any(views[w.id][1] for w in waves),
                                 department_id)
    if department_id is None:  # only the waves whose whole audience the viewer may see
        waves = [w for w in waves if views[w.id][1]]
    if not waves:
        return []
    wave_ids = [w.id for w in waves]
    groups = {g.wave_id: g for g in _groups(session, wave_ids, [department_id])}
    cells = _group_cells(session, [g.id for g in groups.values()])
    items = _wave_items(session, wave_ids)
    points: list[TrendPoint] = []
    for wave in waves:
        group = groups.get(wave.id)
        measures = [d for d in DRIVERS if any(i.driver == d and i.kind == "likert5"
                                              for i, _ in items[wave.id])]
        if any(i.kind == "enps" for i, _ in items[wave.id]):
            measures.append(ENPS_DRIVER)
        for measure in measures:
            members = [i for i, _ in items[wave.id] if i.driver == measure
                       and i.kind in ("likert5", "enps")]
            found = [cells.get((group.id, i.id)) if group else None for i in members]
            hidden = (group.hidden if group else "below_k") or next(
                (c[1] for c in found if c and c[1]), None)
            if hidden or any(c is None for c in found):
                points.append(TrendPoint(wave.id, wave.number, wave.closes_at, measure, None,
                                         hidden or "below_k"))
                continue
            if measure == ENPS_DRIVER:
                summary = summarise_enps(found[0][2])
                value = summary.enps if summary else None
            else:
                scores = [s.score for s in (summarise_likert(c[2]) for c in found) if s]
                value = driver_score(scores)
            points.append(TrendPoint(wave.id, wave.number, wave.closes_at, measure, value, None))
    return points


