"""One way to read any KPI, built-in or custom: a series, the cards of a period, the
departments compared, and the department x KPI status matrix, always in the
viewer's scope.

Scope: view_kpis and an active account; pr and admin (view_all_kpis) see any
department, a manager only their own subtree: `scope_department` narrows anything
else to their own department silently (a shared URL for another subtree shows the
manager's own figures, never the other's and never an error).

Values: built-ins from `builtin.compute`; custom KPIs from their reported values,
made for a department's subtree by the KPI's aggregation (sum: the sum; mean and
last: the mean of the departments' values) and for a quarter from monthly values
by the same aggregation over its months (last: the latest month with a value).
A quarterly KPI read by months shows its value at the quarter's last month.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.departments import descendants, parent_map
from data_access.errors import NotFound
from data_access.kpis import builtin
from data_access.kpis.periods import Period, periods_between
from data_access.kpis.rules import status
from data_access.models import Department
from data_access.models.kpis import KpiDefinition, KpiReportingDepartment, KpiValue
from data_access.permissions import Actor, can, require_active

try:  # the catalogue (kpi-custom) owns KpiInfo; until it lands, the same fields here
    from data_access.kpis.catalogue import KpiInfo
except ImportError:  # pragma: no cover - removed once catalogue.py is merged
    @dataclass(frozen=True)
    class KpiInfo:  # type: ignore[no-redef]
        id: int
        code: str
        source: str
        name_fa: str | None
        name_en: str | None
        description_fa: str | None
        description_en: str | None
        unit: str
        decimals: int
        direction: str
        target: float | None
        amber: float | None
        red: float | None
        frequency: str
        aggregation: str
        group: str
        entered_by: str
        active: bool
        reporting_department_ids: tuple[int, ...]
        version: int

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

def _info(row: KpiDefinition, reporting: tuple[int, ...]) -> KpiInfo:
    return KpiInfo(
        id=row.id, code=row.code, source=row.source, name_fa=row.name_fa, name_en=row.name_en,
        description_fa=row.description_fa, description_en=row.description_en, unit=row.unit,
        decimals=row.decimals, direction=row.direction, target=row.target, amber=row.amber,
        red=row.red, frequency=row.frequency, aggregation=row.aggregation, group=row.group,
        entered_by=row.entered_by, active=row.active, reporting_department_ids=reporting,
        version=row.version)


def _definitions(session: Session, *, code: str | None = None, group: str | None = None
                 ) -> list[KpiInfo]:
    """Active definitions (or the one `code`), built-ins first in BUILTIN_ORDER."""
    query = select(KpiDefinition)
    if code is not None:
        query = query.where(KpiDefinition.code == code)
    else:
        query = query.where(KpiDefinition.active.is_(True))
    if group is not None:
        query = query.where(KpiDefinition.group == group)
    rows = list(session.scalars(query))
    reporting: dict[int, list[int]] = {}
    custom = [r.id for r in rows if r.source == "custom"]
    if custom:
        for kpi_id, dept in session.execute(
                select(KpiReportingDepartment.kpi_id, KpiReportingDepartment.department_id)
                .where(KpiReportingDepartment.kpi_id.in_(custom))).tuples():
            reporting.setdefault(kpi_id, []).append(dept)
    order = {c: i for i, c in enumerate(builtin.BUILTIN_ORDER)}
    rows.sort(key=lambda r: (r.source != "builtin", order.get(r.code, 99), r.id))
    return [_info(r, tuple(sorted(reporting.get(r.id, ())))) for r in rows]


def _kpi(session: Session, code: str) -> KpiInfo:
    found = _definitions(session, code=code)
    if not found:
        raise NotFound()
    return found[0]


# --- Values -----------------------------------------------------------------------------

Values = dict[tuple[int, str], builtin.Value]


def _values(session: Session, kpi: KpiInfo, units: dict[int, frozenset[int]],
            periods: Sequence[Period], now: datetime | None = None) -> Values:
    """The KPI for every unit (a department's subtree) and period."""
    if kpi.source == "builtin":
        return builtin.compute(session, kpi.code, units, periods, now=now)
    return _custom(session, kpi, units, periods)


def _aggregate(values: list[float], aggregation: str) -> float | None:
    if not values:
        return None
    if aggregation == "sum":
        return float(sum(values))
    return sum(values) / len(values)


def _reported(session: Session, kpi_id: int, department_ids: Iterable[int],
              keys: Sequence[str]) -> list[tuple[int, str, float]]:
    """(department, period key, value) of one KPI; a direct read of kpi_values (the
    same rows `values.reported_values` returns)."""
    departments = sorted(set(department_ids))
    rows: list[tuple[int, str, float]] = []
    for start in range(0, len(departments), 900):
        rows += session.execute(
            select(KpiValue.department_id, KpiValue.period, KpiValue.value)
            .where(KpiValue.kpi_id == kpi_id, KpiValue.period.in_(sorted(set(keys))),
                   KpiValue.department_id.in_(departments[start:start + 900]))).tuples().all()
    return rows


def _custom(session: Session, kpi: KpiInfo, units: dict[int, frozenset[int]],
            periods: Sequence[Period]) -> Values:
    own = {p: (p,) if p.kind == kpi.frequency else
           (p.months() if kpi.frequency == "month" else ()) for p in periods}
    if kpi.frequency == "quarter":  # read by months: the quarter's value at its last month
        for p in periods:
            if p.kind == "month" and p.number % 3 == 0:
                own[p] = (p.quarter(),)
    keys = [q.key for sources in own.values() for q in sources]
    members = set().union(*units.values()) if units else set()
    by_key: dict[tuple[str, int], float] = {}
    for dept, key, value in _reported(session, kpi.id, members, keys):
        by_key[(key, dept)] = value
    result: Values = {}
    for unit, depts in units.items():
        for period in periods:
            per_source = []
            for source in own[period]:
                found = [by_key[(source.key, d)] for d in depts if (source.key, d) in by_key]
                per_source.append(_aggregate(found, kpi.aggregation))
            present = [v for v in per_source if v is not None]
            if not present:
                value = None
            elif kpi.aggregation == "last":
                value = present[-1]
            else:
                value = _aggregate(present, kpi.aggregation)
            result[(unit, period.key)] = builtin.Value(value)
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
    values = _values(session, kpi, units, periods)
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
    for kpi in _definitions(session, group=group):
        values = _values(session, kpi, units, periods)
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
    values = _values(session, kpi, units, [period])
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
    for kpi in _definitions(session, group=group):
        values = _values(session, kpi, units, [period])
        cells += [MatrixCell(d, kpi.code, values[(d, period.key)].value,
                             _status(kpi, values[(d, period.key)]),
                             values[(d, period.key)].suppressed) for d, _, _ in children]
    return cells
