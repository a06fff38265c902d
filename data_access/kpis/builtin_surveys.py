"""Survey KPIs (participation, belonging, satisfaction, eNPS) of built-in KPIs: read
from the closed waves' stored pre-aggregates, hidden exactly where the results page
(`surveys.results.group_results`) hides them. Never counts answers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import clock
from data_access.kpis.periods import Period
from data_access.models.surveys import SurveyWave, SurveyWaveDepartment
from data_access.surveys.bank import ENPS_DRIVER
from data_access.surveys.rules import (
    driver_score,
    participation_rate,
    summarise_enps,
    summarise_likert,
)
from data_access.surveys.scope import _group_cells, _groups, _wave_items

__all__ = ["SURVEY_MEASURES", "local_midnight", "survey_figures"]


def local_midnight(day: date) -> datetime:
    """The UTC instant of local midnight at the start of `day`."""
    return datetime.combine(day, time(0), tzinfo=clock.display_zone()).astimezone(UTC)


SURVEY_MEASURES = {"participation": None, "belonging": "belonging",
                   "satisfaction": "satisfaction", "enps": ENPS_DRIVER}
Figure = tuple[float | None, bool]  # (value, suppressed)
NO_VALUE: Figure = (None, False)
SUPPRESSED: Figure = (None, True)


def survey_figures(session: Session, code: str, tops: Iterable[int],
                   periods: Sequence[Period]) -> dict[tuple[int, str], Figure]:
    """A survey KPI of each unit's department: the latest closed wave of the period
    (a wave belongs to the month it closed in) whose audience holds the department
    and that asks the measure, read from that wave's stored group of the department
    exactly as the results page reads it. A department reported under another
    (rolled up) or a hidden group is suppressed, as on the results page; a
    department no wave of the period asked has no value."""
    first = local_midnight(min(p.start for p in periods))
    last = local_midnight(max(p.end for p in periods))
    tops = sorted(tops)
    waves = session.execute(
        select(SurveyWave.id, SurveyWave.closes_at, SurveyWaveDepartment.department_id)
        .join(SurveyWaveDepartment, SurveyWaveDepartment.wave_id == SurveyWave.id)
        .where(SurveyWave.status == "closed", SurveyWave.closes_at >= first,
               SurveyWave.closes_at < last,
               SurveyWaveDepartment.department_id.in_(tops))).all()
    result: dict[tuple[int, str], Figure] = {}
    if not waves:
        return result
    wave_ids = sorted({w.id for w in waves})
    items = _wave_items(session, wave_ids)
    measure = SURVEY_MEASURES[code]
    if measure is not None:
        kind = "enps" if measure == ENPS_DRIVER else "likert5"
        asks = {w for w, found in items.items()
                if any(i.kind == kind and (kind == "enps" or i.driver == measure)
                       for i, _ in found)}
    else:
        asks = set(wave_ids)
    closes = {w.id: w.closes_at for w in waves}
    month_of = {w: Period.containing(clock.to_local(at).date(), "month")
                for w, at in closes.items()}
    in_audience: dict[int, set[int]] = {}
    for w in waves:
        in_audience.setdefault(w.department_id, set()).add(w.id)
    chosen: dict[tuple[int, str], int] = {}
    for unit in tops:
        for period in periods:
            candidates = [w for w in in_audience.get(unit, ()) if w in asks
                          and month_of[w] in period.months()]
            if candidates:
                chosen[(unit, period.key)] = max(candidates, key=lambda w: (closes[w], w))
    if not chosen:
        return result
    used = sorted(set(chosen.values()))
    groups = {(g.wave_id, g.department_id): g for g in _groups(session, used, tops)}
    cells = _group_cells(session, [g.id for g in groups.values()])
    for (unit, key), wave_id in chosen.items():
        group = groups.get((wave_id, unit))
        result[(unit, key)] = _group_value(measure, group, cells, items[wave_id])
    return result


def _group_value(measure: str | None, group, cells, items) -> Figure:
    """One stored group's figure, hidden exactly where results.group_results hides it."""
    if group is None:  # rolled up into another label: the results page shows no figure
        return SUPPRESSED
    if measure is None:
        if group.participation_hidden:
            return SUPPRESSED
        rate = participation_rate(min(group.respondents, group.invited), group.invited)
        return NO_VALUE if rate is None else (100 * rate, False)
    if measure == ENPS_DRIVER:  # the results page's eNPS: the wave's eNPS question
        members = [item for item, _ in items if item.kind == "enps"][:1]
    else:
        members = [item for item, _ in items if item.driver == measure
                   and item.kind == "likert5"]
    found = [cells.get((group.id, item.id)) for item in members]
    if group.hidden or any(c is None or c[1] for c in found):
        return SUPPRESSED
    if measure == ENPS_DRIVER:
        summary = summarise_enps(found[0][2])
        return NO_VALUE if summary is None else (summary.enps, False)
    scores = [s.score for s in (summarise_likert(c[2]) for c in found) if s]
    score = driver_score(scores)
    return NO_VALUE if score is None else (score, False)
