"""The KPI catalogue: every definition (built-in and custom) as a frozen `KpiInfo`.

Reading the catalogue needs `view_kpis`; a KPI is named in URLs, import files and
calls by its `code`. Built-ins come first (in `builtin.BUILTIN_ORDER` when that
module is present), custom KPIs after them by id.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.errors import NotFound
from data_access.models.kpis import (
    KpiDefinition,
    KpiReportingDepartment,
    KpiValue,
    KpiValueChange,
)
from data_access.permissions import Actor, require_active

__all__ = ["KpiInfo", "data_version", "get_kpi", "list_kpis"]


@dataclass(frozen=True)
class KpiInfo:
    id: int
    code: str
    source: str  # builtin | custom
    name_fa: str | None  # built-ins are named by the locale files (kpis.builtin.<code>.name)
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

    @property
    def custom(self) -> bool:
        return self.source == "custom"

    def name(self, locale: str) -> str | None:
        """A custom KPI's own name in `locale` (Persian when it has no English one)."""
        return self.name_en if locale == "en" and self.name_en else self.name_fa


def builtin_order() -> tuple[str, ...]:
    """`builtin.BUILTIN_ORDER` when the built-in KPIs module is present, else ()."""
    try:
        module = importlib.import_module("data_access.kpis.builtin")
    except ModuleNotFoundError as error:
        if error.name != "data_access.kpis.builtin":
            raise
        return ()
    return tuple(getattr(module, "BUILTIN_ORDER", ()))


def reporting_ids(session: Session, kpi_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Each KPI's reporting departments, sorted by id."""
    found: dict[int, list[int]] = defaultdict(list)
    ids = list(kpi_ids)
    if not ids:
        return {}
    for kpi_id, dept_id in session.execute(
            select(KpiReportingDepartment.kpi_id, KpiReportingDepartment.department_id)
            .where(KpiReportingDepartment.kpi_id.in_(ids))
            .order_by(KpiReportingDepartment.department_id)).tuples():
        found[kpi_id].append(dept_id)
    return {kpi_id: tuple(found.get(kpi_id, ())) for kpi_id in ids}


def to_info(row: KpiDefinition, departments: tuple[int, ...]) -> KpiInfo:
    return KpiInfo(
        id=row.id, code=row.code, source=row.source, name_fa=row.name_fa, name_en=row.name_en,
        description_fa=row.description_fa, description_en=row.description_en, unit=row.unit,
        decimals=row.decimals, direction=row.direction, target=row.target, amber=row.amber,
        red=row.red, frequency=row.frequency, aggregation=row.aggregation, group=row.group,
        entered_by=row.entered_by, active=row.active, reporting_department_ids=departments,
        version=row.version)


def definition(session: Session, code: str, *, for_update: bool = False) -> KpiDefinition:
    """The definition row with this code, or NotFound."""
    row = session.scalar(select(KpiDefinition).where(KpiDefinition.code == str(code or ""))
                         .execution_options(populate_existing=for_update))
    if row is None:
        raise NotFound()
    return row


def info_of(session: Session, row: KpiDefinition) -> KpiInfo:
    return to_info(row, reporting_ids(session, [row.id]).get(row.id, ()))


def list_kpis(session: Session, actor: Actor, *, group: str | None = None,
              include_inactive: bool = False) -> list[KpiInfo]:
    """Every KPI the page can show: built-ins first, then custom KPIs by id."""
    require_active(session, actor, "view_kpis")
    query = select(KpiDefinition)
    if group is not None:
        query = query.where(KpiDefinition.group == group)
    if not include_inactive:
        query = query.where(KpiDefinition.active.is_(True))
    rows = list(session.scalars(query.order_by(KpiDefinition.id)))
    order = {code: index for index, code in enumerate(builtin_order())}
    rows.sort(key=lambda r: (r.source != "builtin", order.get(r.code, len(order)), r.id))
    departments = reporting_ids(session, [r.id for r in rows])
    return [to_info(r, departments.get(r.id, ())) for r in rows]


def get_kpi(session: Session, actor: Actor, code: str) -> KpiInfo:
    """One KPI by its code (inactive ones too), or NotFound."""
    require_active(session, actor, "view_kpis")
    return info_of(session, definition(session, code))


def data_version(session: Session) -> str:
    """Changes with every KPI write, in any process or replica: a definition added (the
    count and newest id) or changed (every update moves its version), a value entered
    (the newest id), corrected or removed (each leaves a history row). Cached KPI reads
    are keyed by it, so a value written elsewhere (another session, an import) shows at
    the next page run, not when a cache expires. One statement of index look-ups (and
    a sum over the few definitions); no permission needed: it says nothing but "changed".
    """
    d = KpiDefinition
    newest_value = select(func.max(KpiValue.id)).scalar_subquery()
    newest_change = select(func.max(KpiValueChange.id)).scalar_subquery()
    row = session.execute(select(func.count(d.id), func.max(d.id), func.sum(d.version),
                                 newest_value, newest_change)).one()
    return ":".join("0" if part is None else str(part) for part in row)
