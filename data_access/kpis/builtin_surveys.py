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


def survey_figures(session: Session, codes: Iterable[str], tops: Iterable[int],
                   periods: Sequence[Period]) -> dict[str, dict[tuple[int, str], Figure]]:
    """Survey KPIs (`codes`) of each unit's department: the latest closed wave of the
    period (a wave belongs to the month it closed in) whose audience holds the
    department and that asks the measure, read from that wave's stored group of the
    department exactly as the results page reads it. A department reported under
    another (rolled up) or a hidden group is suppressed, as on the results page; a
    department no wave of the period asked has no value. The waves, their items and
    groups are read once for all the codes."""
    codes = [c for c in codes if c in SURVEY_MEASURES]
    result: dict[str, dict[tuple[int, str], Figure]] = {code: {} for code in codes}
    first = local_midnight(min(p.start for p in periods))
    last = local_midnight(max(p.end for p in periods))
    tops = sorted(tops)
    waves = session.execute(
        select(SurveyWave.id, SurveyWave.closes_at, SurveyWaveDepartment.department_id)
        .join(SurveyWaveDepartment, SurveyWaveDepartment.wave_id == SurveyWave.id)
        .where(SurveyWave.status == "closed", SurveyWave.closes_at >= first,
               SurveyWave.closes_at < last,
               SurveyWaveDepartment.department_id.in_(tops))).all()
    if not waves or not codes:
        return result
    wave_ids = sorted({w.id for w in waves})
    items = _wave_items(session, wave_ids)
    closes = {w.id: w.closes_at for w in waves}
    month_of = {w: Period.containing(clock.to_local(at).date(), "month")
                for w, at in closes.items()}
    in_audience: dict[int, set[int]] = {}
    for w in waves:
        in_audience.setdefault(w.department_id, set()).add(w.id)
    chosen: dict[str, dict[tuple[int, str], int]] = {}
    for code in codes:
        asks = _asking(items, SURVEY_MEASURES[code])
        chosen[code] = {}
        for unit in tops:
            for period in periods:
                candidates = [w for w in in_audience.get(unit, ()) if w in asks
                              and month_of[w] in period.months()]
                if candidates:
                    chosen[code][(unit, period.key)] = max(candidates,
                                                           key=lambda w: (closes[w], w))
    used = sorted({w for by_code in chosen.values() for w in by_code.values()})
    if not used:
        return result
    groups = {(g.wave_id, g.department_id): g for g in _groups(session, used, tops)}
    cells = _group_cells(session, [g.id for g in groups.values()])
    for code, by_unit in chosen.items():
        for (unit, key), wave_id in by_unit.items():
            result[code][(unit, key)] = _group_value(
                SURVEY_MEASURES[code], groups.get((wave_id, unit)), cells, items[wave_id])
    return result


def _asking(items, measure: str | None) -> set[int]:
    """The waves that ask the measure (every wave for participation)."""
    if measure is None:
        return set(items)
    kind = "enps" if measure == ENPS_DRIVER else "likert5"
    return {w for w, found in items.items()
            if any(i.kind == kind and (kind == "enps" or i.driver == measure)
                   for i, _ in found)}


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
