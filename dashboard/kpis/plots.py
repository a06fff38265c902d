"""The KPI figures the page shows, built once per viewer, filter and language.

Building and localising a Plotly figure costs more than the cached reads behind it,
so figures are cached too, through dashboard/cache.py like every read (keyed by the
viewer and the "kpis" generation, dropped by the same invalidations, cleared by
`cache.clear_all()` in the bench's cold runs). The cache holds the figure's plain
dict: a Figure rebuilt from its own, already valid dict needs no validation.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.cache import ViewerKey, actor_of, cached, viewer_key
from dashboard.kpis import figures, reads
from dashboard.kpis.reads import GROUP, Stamp
from dashboard.kpis.viewer import format_kpi_value, kpi_name
from data_access import kpis
from data_access.kpis import Period
from data_access.permissions import Actor


def _figure(plain: dict) -> go.Figure:
    return go.Figure(plain, _validate=False)  # built and validated once, when cached


def measure(kpi: kpis.KpiInfo, lang: str) -> figures.Measure:
    return figures.Measure(kpi_name(kpi, lang), kpi.unit, kpi.decimals, kpi.direction,
                           kpi.target, kpi.amber, kpi.red)


@cached(GROUP, ttl=300, max_entries=500)
def _trend(key: ViewerKey, stamp: Stamp, code: str, department_id: int, first: str,
           last: str, lang: str) -> dict:
    kpi = reads.kpi(actor_of(key), code)
    points = reads._series(key, stamp, code, department_id, first, last)
    rows = [(p.period, None if p.suppressed else p.value) for p in points]
    statuses = [kpis.status(v, kpi.direction, kpi.amber, kpi.red) for _, v in rows]
    return figures.trend(rows, measure(kpi, lang), lang, statuses=statuses).to_dict()


def trend(actor: Actor, code: str, department_id: int, first: Period, last: Period,
          lang: str) -> go.Figure:
    return _figure(_trend(viewer_key(actor), reads.stamp(), code, department_id,
                          first.key, last.key, lang))


def department_label(row: kpis.DepartmentValue, lang: str) -> str:
    return (row.name_en or row.name_fa) if lang == "en" else row.name_fa


@cached(GROUP, ttl=300, max_entries=500)
def _compare(key: ViewerKey, stamp: Stamp, code: str, parent_id: int, period: str,
             lang: str) -> dict:
    kpi = reads.kpi(actor_of(key), code)
    values = reads._compare(key, stamp, code, parent_id, period)
    bars = [figures.Bar(department_label(v, lang), v.value, v.status, v.suppressed)
            for v in values]
    return figures.compare(bars, measure(kpi, lang), lang).to_dict()


def compare(actor: Actor, code: str, parent_id: int, period: Period, lang: str) -> go.Figure:
    return _figure(_compare(viewer_key(actor), reads.stamp(), code, parent_id, period.key,
                            lang))


@cached(GROUP, ttl=300, max_entries=500)
def _matrix(key: ViewerKey, stamp: Stamp, parent_id: int, period: str, group: str | None,
            lang: str) -> dict:
    actor = actor_of(key)
    cells = reads._matrix(key, stamp, parent_id, period, group)
    known = {k.code: k for k in reads.kpi_list(actor, include_inactive=True)}
    order = [code for code in known if any(c.code == code for c in cells)]
    departments: dict[int, str] = {}
    for cell in cells:
        departments.setdefault(cell.department_id,
                               reads.department_name(cell.department_id, lang))
    shown = [figures.Cell(
        kpi_name(known[c.code], lang), departments[c.department_id],
        "" if c.value is None else format_kpi_value(c.value, known[c.code].unit,
                                                    known[c.code].decimals, lang),
        None if c.suppressed else c.status, c.suppressed) for c in cells if c.code in known]
    return figures.status_heatmap(shown, [kpi_name(known[c], lang) for c in order],
                                  list(departments.values()), lang).to_dict()


def matrix(actor: Actor, parent_id: int, period: Period, group: str | None,
           lang: str) -> go.Figure:
    return _figure(_matrix(viewer_key(actor), reads.stamp(), parent_id, period.key, group,
                           lang))
