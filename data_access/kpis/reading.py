"""One way to read any KPI, built-in or custom: a series, the cards of a period, the
departments compared, and the department x KPI status matrix, always in the
viewer's scope.

Scope: view_kpis and an active account; pr and admin (view_all_kpis) see any
department, a manager only their own subtree: `scope_department` narrows anything
else to their own department silently (a shared URL for another subtree shows the
manager's own figures, never the other's and never an error).

Values: built-ins from `builtin.compute_many`; custom KPIs from their reported
values, summed and counted in SQL, made for a department's subtree by the KPI's
aggregation (sum: the sum; mean and last: the mean of the departments' values) and
for a quarter from monthly values by the same aggregation over its months (last:
the latest month with a value). A quarterly KPI read by months shows its value at
the quarter's last month. Each read costs a fixed number of queries, whatever the
number of departments (tests/data/test_kpi_reading.py counts them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from data_access.departments import descendants, parent_map
from data_access.errors import NotFound
from data_access.kpis import builtin
from data_access.kpis.catalogue import KpiInfo, reporting_ids, to_info
from data_access.kpis.periods import Period, periods_between
from data_access.kpis.rules import status
from data_access.models import Department
from data_access.models.kpis import KpiDefinition, KpiValue
from data_access.permissions import Actor, can, require_active

__all__ = [
    "Card", "DepartmentValue", "KpiInfo", "MatrixCell", "Point", "cards", "compare_departments",
    "scope_department", "series", "status_matrix",
]


@dataclass(frozen=True)
class Point:
    period: Period
    value: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class Card:
    kpi: KpiInfo
    period: Period
    value: float | None
    previous: float | None
    change: float | None  # value - previous
    status: str | None  # on_track | at_risk | off_track | None
    suppressed: bool
    sparkline: list[Point] = field(default_factory=list)


@dataclass(frozen=True)
class DepartmentValue:
    department_id: int
    name_fa: str
    name_en: str | None
    value: float | None
    suppressed: bool
    status: str | None


@dataclass(frozen=True)
class MatrixCell:
    department_id: int
    code: str
    value: float | None
    status: str | None
    suppressed: bool


# --- Scope ------------------------------------------------------------------------------

def _roots(parents: dict[int, int | None]) -> list[int]:
    return sorted(d for d, p in parents.items() if p is None)


def _scope(session: Session, actor: Actor, requested_id: int | None
           ) -> tuple[int, dict[int, int | None]]:
    require_active(session, actor, "view_kpis")
    parents = parent_map(session)
    if can(actor, "view_all_kpis"):
        if requested_id in parents:
            return requested_id, parents  # type: ignore[return-value]
        roots = _roots(parents)
        return (roots[0] if roots else actor.department_id), parents
    own = actor.department_id
    if requested_id is not None and requested_id in descendants(parents, [own]):
        return requested_id, parents
    return own, parents


def scope_department(session: Session, actor: Actor, requested_id: int | None) -> int:
    """The department a KPI view shows: the one asked for when the viewer may see it;
    otherwise the root (pr, admin) or the viewer's own department (a manager)."""
    return _scope(session, actor, requested_id)[0]


# --- Definitions ------------------------------------------------------------------------

def _definitions(session: Session, *, code: str | None = None, group: str | None = None
                 ) -> list[KpiInfo]:
    """Active definitions (or the one `code`, active or not), built-ins first in
    BUILTIN_ORDER, then custom KPIs by id (as catalogue.list_kpis orders them)."""
    query = select(KpiDefinition)
    if code is not None:
        query = query.where(KpiDefinition.code == code)
    else:
        query = query.where(KpiDefinition.active.is_(True))
    if group is not None:
        query = query.where(KpiDefinition.group == group)
    rows = list(session.scalars(query))
    order = {c: i for i, c in enumerate(builtin.BUILTIN_ORDER)}
    rows.sort(key=lambda r: (r.source != "builtin", order.get(r.code, len(order)), r.id))
    reporting = reporting_ids(session, [r.id for r in rows if r.source == "custom"])
    return [to_info(r, reporting.get(r.id, ())) for r in rows]


def _kpi(session: Session, code: str) -> KpiInfo:
    found = _definitions(session, code=code)
    if not found:
        raise NotFound()
    return found[0]


# --- Values -----------------------------------------------------------------------------

Values = dict[tuple[int, str], builtin.Value]


def _values(session: Session, kpis: Sequence[KpiInfo], units: dict[int, frozenset[int]],
            periods: Sequence[Period], now: datetime | None = None) -> dict[str, Values]:
    """Every KPI for every unit (a department's subtree; units are disjoint) and period:
    built-ins through builtin.compute_many, custom KPIs in one grouped read."""
    found = builtin.compute_many(session, [k.code for k in kpis if k.source == "builtin"],
                                 units, periods, now)
    custom = [k for k in kpis if k.source != "builtin"]
    if custom:
        found.update(_custom(session, custom, units, periods))
    return found


def _sources(kpi: KpiInfo, period: Period) -> tuple[Period, ...]:
    """The reported periods a period's value is made from: itself, a quarter's months
    for a monthly KPI, and for a quarterly KPI read by months its quarter at the
    quarter's last month (nothing at the other two)."""
    if period.kind == kpi.frequency:
        return (period,)
    if kpi.frequency == "month":
        return period.months()
    return (period.quarter(),) if period.number % 3 == 0 else ()


def _aggregate(values: Sequence[float], aggregation: str) -> float | None:
    if not values:
        return None
    if aggregation == "sum":
        return float(sum(values))
    if aggregation == "last":
        return values[-1]
    return sum(values) / len(values)


def _custom(session: Session, kpis: Sequence[KpiInfo], units: dict[int, frozenset[int]],
            periods: Sequence[Period]) -> dict[str, Values]:
    """Custom KPIs: summed and counted per KPI, period and unit in SQL (a CASE maps each
    department to its unit), then made into each unit's value by the KPI's
    aggregation (sum: the sum; mean and last: the mean over the departments), and a
    quarter from its months by the aggregation over the months with a value."""
    keys = sorted({s.key for kpi in kpis for p in periods for s in _sources(kpi, p)})
    totals: dict[tuple[int, str, int], tuple[float, int]] = {}
    if keys and units:
        # One unit (cards, a series) needs no CASE; the whole tree, no list of departments.
        single = next(iter(units)) if len(units) == 1 else None
        grouping = [KpiValue.kpi_id, KpiValue.period]
        if single is None:
            grouping.append(case(*[(KpiValue.department_id.in_(sorted(depts)), literal(unit))
                                   for unit, depts in units.items()], else_=None).label("unit"))
        query = select(*grouping, func.sum(KpiValue.value), func.count(KpiValue.value)) \
            .where(KpiValue.kpi_id.in_([k.id for k in kpis]), KpiValue.period.in_(keys))
        within = builtin.departments_counted(session, units)
        if within is not None:
            query = query.where(KpiValue.department_id.in_(within))
        for row in session.execute(query.group_by(*grouping)).tuples():
            kpi_id, key, *unit, total, count = row
            totals[(kpi_id, key, unit[0] if unit else single)] = (float(total), int(count))
    result: dict[str, Values] = {}
    for kpi in kpis:
        values: Values = {}
        for unit in units:
            for period in periods:
                per_source = []
                for source in _sources(kpi, period):
                    total, count = totals.get((kpi.id, source.key, unit), (0.0, 0))
                    if count:
                        per_source.append(total if kpi.aggregation == "sum" else total / count)
                values[(unit, period.key)] = builtin.Value(
                    _aggregate(per_source, kpi.aggregation))
        result[kpi.code] = values
    return result


def _status(kpi: KpiInfo, value: builtin.Value) -> str | None:
    if value.suppressed:
        return None
    return status(value.value, kpi.direction, kpi.amber, kpi.red)  # type: ignore[arg-type]


# --- Reads ------------------------------------------------------------------------------

def series(session: Session, actor: Actor, code: str, department_id: int | None,
           first: Period, last: Period) -> list[Point]:
    """The KPI of a department's subtree for first..last (months or quarters)."""
    department, parents = _scope(session, actor, department_id)
    kpi = _kpi(session, code)
    periods = list(periods_between(first, last))
    units = {department: frozenset(descendants(parents, [department]))}
    values = _values(session, [kpi], units, periods)[kpi.code]
    return [Point(p, values[(department, p.key)].value, values[(department, p.key)].suppressed)
            for p in periods]


def cards(session: Session, actor: Actor, department_id: int | None, period: Period, *,
          group: str | None = None, spark: int = 12) -> list[Card]:
    """One card per active KPI (of `group`) for a department's subtree and a period:
    value, the previous period's, the change, the status and a sparkline."""
    department, parents = _scope(session, actor, department_id)
    units = {department: frozenset(descendants(parents, [department]))}
    periods = list(periods_between(period.shift(-max(spark, 2) + 1), period))
    found = []
    definitions = _definitions(session, group=group)
    every = _values(session, definitions, units, periods)
    for kpi in definitions:
        values = every[kpi.code]
        points = [Point(p, values[(department, p.key)].value,
                        values[(department, p.key)].suppressed) for p in periods]
        current, previous = values[(department, period.key)], \
            values[(department, period.previous().key)]
        change = None
        if current.value is not None and previous.value is not None:
            change = current.value - previous.value
        found.append(Card(kpi, period, current.value, previous.value, change,
                          _status(kpi, current), current.suppressed, points[-spark:]))
    return found


def _children(session: Session, actor: Actor, parent_id: int | None
              ) -> tuple[list[tuple[int, str, str | None]], dict[int, frozenset[int]]]:
    parent, parents = _scope(session, actor, parent_id)
    kids = sorted(d for d, p in parents.items() if p == parent) or [parent]
    names = {row.id: (row.name, row.name_en) for row in session.execute(
        select(Department.id, Department.name, Department.name_en)
        .where(Department.id.in_(kids)))}
    units = {d: frozenset(descendants(parents, [d])) for d in kids}
    return [(d, *names[d]) for d in kids], units


def compare_departments(session: Session, actor: Actor, code: str, parent_id: int | None,
                        period: Period) -> list[DepartmentValue]:
    """Each child subtree of the parent (in scope) for one period, best value first
    (by the KPI's direction); suppressed and empty ones last."""
    kpi = _kpi(session, code)
    children, units = _children(session, actor, parent_id)
    values = _values(session, [kpi], units, [period])[kpi.code]
    rows = [DepartmentValue(d, name, name_en, values[(d, period.key)].value,
                            values[(d, period.key)].suppressed,
                            _status(kpi, values[(d, period.key)]))
            for d, name, name_en in children]
    sign = -1 if kpi.direction == "higher" else 1
    rows.sort(key=lambda r: (r.value is None, sign * (r.value or 0), r.name_fa))
    return rows


def status_matrix(session: Session, actor: Actor, parent_id: int | None, period: Period, *,
                  group: str | None = None) -> list[MatrixCell]:
    """Department (each child subtree of the parent) x active KPI, for one period."""
    children, units = _children(session, actor, parent_id)
    cells = []
    definitions = _definitions(session, group=group)
    every = _values(session, definitions, units, [period])
    for kpi in definitions:
        values = every[kpi.code]
        cells += [MatrixCell(d, kpi.code, values[(d, period.key)].value,
                             _status(kpi, values[(d, period.key)]),
                             values[(d, period.key)].suppressed) for d, _, _ in children]
    return cells
