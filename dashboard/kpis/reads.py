"""Cached KPI reads, through the one viewer cache (dashboard/cache.py): keyed by the
database, the viewer (role and department change what a KPI read returns) and a stamp:
the "kpis" generation, which this session's own KPI writes move (`after_write`), and
the KPI data version (`kpis.data_version`, read once per run), which every KPI write
moves in any session, process or replica (another manager's entry, an import): a value
written elsewhere shows at the next page run, not when a cache expires.

Built-in KPIs are computed from the other features' data, which changes without a KPI
write: their reads live a few minutes (TTL), long enough for a warm page, short enough
for a new survey wave or notice to show the same morning.
"""

from __future__ import annotations

from dashboard.cache import (
    ViewerKey,
    actor_of,
    cached,
    database_key,
    for_this_run,
    generation,
    invalidate,
    viewer_key,
)
from dashboard.ui import department_of, read
from data_access import departments, kpis
from data_access.kpis import Period
from data_access.permissions import Actor

GROUP = "kpis"
Stamp = tuple[int, str]  # (this session's generation, the KPI data version)


def after_write() -> None:
    """A definition or value changed: every viewer's KPI reads are stale."""
    invalidate(GROUP)


@for_this_run  # one small query per run, whichever KPI read asks first
def _data_version(database: str) -> str:
    return read(kpis.data_version)


def stamp() -> Stamp:
    """What every cached KPI read is keyed by besides the viewer and its arguments."""
    return generation(GROUP), _data_version(database_key())


def department_name(department_id: int, lang: str) -> str:
    node = department_of(department_id)
    return node.label(lang) if node else str(department_id)


@cached(GROUP, ttl=600)
def _scope(key: ViewerKey, stamp: Stamp, requested: int | None) -> int:
    return read(kpis.scope_department, actor_of(key), requested)


def scope_department(actor: Actor, requested: int | None) -> int:
    """The department a view shows (data_access decides: never outside the viewer's
    scope)."""
    return _scope(viewer_key(actor), stamp(), requested)


@cached(GROUP, ttl=600)
def _subtree(key: ViewerKey, stamp: Stamp) -> frozenset[int]:
    top = read(kpis.scope_department, actor_of(key), None)
    return frozenset(read(departments.subtree_ids, top))


def scope_subtree(actor: Actor) -> frozenset[int]:
    """Every department the viewer may pick: the subtree of their default scope."""
    return _subtree(viewer_key(actor), stamp())


@cached(GROUP, ttl=300)
def _kpis(key: ViewerKey, stamp: Stamp, include_inactive: bool) -> list[kpis.KpiInfo]:
    return read(kpis.list_kpis, actor_of(key), include_inactive=include_inactive)


def kpi_list(actor: Actor, include_inactive: bool = False) -> list[kpis.KpiInfo]:
    return _kpis(viewer_key(actor), stamp(), include_inactive)


def kpi(actor: Actor, code: str) -> kpis.KpiInfo | None:
    return next((k for k in kpi_list(actor, include_inactive=True) if k.code == code), None)


@cached(GROUP, ttl=300, max_entries=1000)
def _cards(key: ViewerKey, stamp: Stamp, department_id: int, period: str,
           group: str | None) -> list[kpis.Card]:
    return read(kpis.cards, actor_of(key), department_id, Period.parse(period), group=group)


def cards(actor: Actor, department_id: int, period: Period,
          group: str | None = None) -> list[kpis.Card]:
    return _cards(viewer_key(actor), stamp(), department_id, period.key, group)


@cached(GROUP, ttl=300, max_entries=1000)
def _series(key: ViewerKey, stamp: Stamp, code: str, department_id: int, first: str,
            last: str) -> list[kpis.Point]:
    return read(kpis.series, actor_of(key), code, department_id, Period.parse(first),
                Period.parse(last))


def series(actor: Actor, code: str, department_id: int, first: Period,
           last: Period) -> list[kpis.Point]:
    return _series(viewer_key(actor), stamp(), code, department_id, first.key,
                   last.key)


@cached(GROUP, ttl=300, max_entries=1000)
def _compare(key: ViewerKey, stamp: Stamp, code: str, parent_id: int,
             period: str) -> list[kpis.DepartmentValue]:
    return read(kpis.compare_departments, actor_of(key), code, parent_id, Period.parse(period))


def compare(actor: Actor, code: str, parent_id: int, period: Period) -> list[kpis.DepartmentValue]:
    return _compare(viewer_key(actor), stamp(), code, parent_id, period.key)


@cached(GROUP, ttl=300, max_entries=1000)
def _matrix(key: ViewerKey, stamp: Stamp, parent_id: int, period: str,
            group: str | None) -> list[kpis.MatrixCell]:
    return read(kpis.status_matrix, actor_of(key), parent_id, Period.parse(period), group=group)


def matrix(actor: Actor, parent_id: int, period: Period,
           group: str | None = None) -> list[kpis.MatrixCell]:
    return _matrix(viewer_key(actor), stamp(), parent_id, period.key, group)


@cached(GROUP, ttl=60, max_entries=500)
def _sheet(key: ViewerKey, stamp: Stamp, code: str, period: str) -> list:
    return read(kpis.entry_sheet, actor_of(key), code, period)


def entry_sheet(actor: Actor, code: str, period: Period) -> list:
    return _sheet(viewer_key(actor), stamp(), code, period.key)


@cached(GROUP, ttl=60, max_entries=500)
def _history(key: ViewerKey, stamp: Stamp, code: str, department_id: int | None) -> list:
    return read(kpis.value_history, actor_of(key), code, department_id)


def history(actor: Actor, code: str, department_id: int | None = None) -> list:
    return _history(viewer_key(actor), stamp(), code, department_id)
