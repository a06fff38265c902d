"""Defining custom KPIs and changing any KPI's settings (define_kpis: pr and admin).

A custom KPI gets a generated code ("c<id>"); its names are cleaned one-line text
(Persian required, English optional), its thresholds consistent with its direction
(`rules.check_thresholds`), and its reporting departments existing, active ones.
A built-in KPI's definition is fixed but for its target, thresholds and whether it
is shown. Every write is audited and checks the version the person saw.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access import audit
from data_access.errors import Conflict, InvalidInput
from data_access.kpis.catalogue import KpiInfo, definition, info_of, reporting_ids
from data_access.kpis.rules import DIRECTIONS, check_thresholds
from data_access.kpis.values import parse_number
from data_access.models import Department, utcnow
from data_access.models.kpis import (
    AGGREGATIONS,
    ENTERED_BY,
    FREQUENCIES,
    KpiDefinition,
    KpiReportingDepartment,
    KpiValue,
)
from data_access.permissions import Actor, require_active
from data_access.text import clean_block, clean_line
from data_access.versioning import CHANGED_ELSEWHERE, flush_or_conflict

__all__ = ["DESCRIPTION_MAX", "NAME_MAX", "UNITS", "define_kpi", "update_kpi"]

NAME_MAX = 120  # the column's length
DESCRIPTION_MAX = 2_000
DECIMALS_MAX = 4
NUMBER_MAX = 1e12
REPORTING_MAX = 2_000
UNITS = ("percent", "count", "score", "days", "hours", "number")
_GROUP = re.compile(r"^[a-z][a-z0-9_]{0,23}$")
# What may change on a built-in KPI: what people set, never what it measures.
BUILTIN_FIELDS = frozenset({"target", "amber", "red", "active"})
FIELDS = frozenset({"name_fa", "name_en", "description_fa", "description_en", "unit", "decimals",
                    "direction", "target", "amber", "red", "frequency", "aggregation", "group",
                    "entered_by", "active", "reporting_department_ids"})
DEFAULTS: dict[str, Any] = {"name_en": None, "description_fa": None, "description_en": None,
                            "unit": "number", "decimals": 0, "direction": "higher",
                            "target": None, "amber": None, "red": None, "frequency": "month",
                            "aggregation": "mean", "group": "custom", "entered_by": "managers",
                            "active": True}


def _choice(value: Any, allowed: Iterable[str], key: str, field: str) -> str:
    if value not in tuple(allowed):
        raise InvalidInput(key, field=field)
    return value


def _threshold(value: Any, field: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = parse_number(value, field)
    if abs(number) > NUMBER_MAX:
        raise InvalidInput("kpis.error.number", field=field)
    return number


def _decimals(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value) or int(value) != value \
            or not 0 <= int(value) <= DECIMALS_MAX:
        raise InvalidInput("kpis.error.decimals", field="decimals", max=DECIMALS_MAX)
    return int(value)


def _reporting(session: Session, ids: Any, keep: Iterable[int] = ()) -> tuple[int, ...]:
    """Distinct, existing, active departments; at least one. Those in `keep` (already
    reporting) may have been deactivated since: a form sends them back unchanged."""
    try:
        chosen = sorted({int(i) for i in (ids or ())})
    except (TypeError, ValueError):
        raise InvalidInput("kpis.error.department_unknown", field="reporting_department_ids") \
            from None
    if not chosen:
        raise InvalidInput("kpis.error.no_departments", field="reporting_department_ids")
    if len(chosen) > REPORTING_MAX:
        raise InvalidInput("kpis.error.too_many_departments", field="reporting_department_ids",
                           max=REPORTING_MAX)
    kept = set(keep)
    active = set(session.scalars(select(Department.id).where(
        Department.id.in_(chosen), Department.active.is_(True) | Department.id.in_(kept))))
    if missing := [i for i in chosen if i not in active]:
        raise InvalidInput("kpis.error.department_unknown", field="reporting_department_ids",
                           count=len(missing))
    return tuple(chosen)


def _clean(session: Session, fields: dict[str, Any], reporting: Iterable[int] = ()
           ) -> dict[str, Any]:
    """Each given field checked and normalised (only those given)."""
    unknown = set(fields) - FIELDS
    if unknown:
        raise InvalidInput("kpis.error.unknown_field", field=sorted(unknown)[0])
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "name_fa":
            out[name] = clean_line(value, name, NAME_MAX, required=True, exportable=True)
        elif name == "name_en":
            out[name] = clean_line(value, name, NAME_MAX, exportable=True)
        elif name in ("description_fa", "description_en"):
            out[name] = clean_block(value, name, DESCRIPTION_MAX)
        elif name == "unit":
            out[name] = _choice(value, UNITS, "kpis.error.unit", name)
        elif name == "decimals":
            out[name] = _decimals(value)
        elif name == "direction":
            out[name] = _choice(value, DIRECTIONS, "kpis.error.direction", name)
        elif name in ("target", "amber", "red"):
            out[name] = _threshold(value, name)
        elif name == "frequency":
            out[name] = _choice(value, FREQUENCIES, "kpis.error.frequency", name)
        elif name == "aggregation":
            out[name] = _choice(value, AGGREGATIONS, "kpis.error.aggregation", name)
        elif name == "group":
            if not isinstance(value, str) or not _GROUP.match(value):
                raise InvalidInput("kpis.error.group", field=name)
            out[name] = value
        elif name == "entered_by":
            out[name] = _choice(value, ENTERED_BY, "kpis.error.entered_by", name)
        elif name == "active":
            if not isinstance(value, bool):
                raise InvalidInput("kpis.error.active", field=name)
            out[name] = value
        elif name == "reporting_department_ids":
            out[name] = _reporting(session, value, reporting)
    return out


def _check_thresholds(direction: str, target, amber, red) -> None:
    reason = check_thresholds(direction, target, amber, red)  # type: ignore[arg-type]
    if reason:
        raise InvalidInput(reason, field="amber" if reason.endswith("pair") else "target")


def define_kpi(session: Session, actor: Actor, **fields: Any) -> KpiInfo:
    """A new custom KPI. Required: name_fa and reporting_department_ids; every other
    field has a default (monthly, higher is better, mean over departments, no target)."""
    require_active(session, actor, "define_kpis")
    given = {**DEFAULTS, **fields}
    given.setdefault("name_fa", None)
    given.setdefault("reporting_department_ids", ())
    clean = _clean(session, given)
    _check_thresholds(clean["direction"], clean["target"], clean["amber"], clean["red"])
    departments = clean.pop("reporting_department_ids")
    row = KpiDefinition(code=f"new-{uuid.uuid4().hex[:16]}", source="custom",
                        created_by=actor.id if actor.id > 0 else None, **clean)
    session.add(row)
    session.flush()
    # The code is the id ("c12"): short to type in an import file, never reused. Set
    # without the ORM so that a new definition starts at version 1.
    code = f"c{row.id}"
    session.execute(update(KpiDefinition.__table__).where(KpiDefinition.__table__.c.id == row.id)
                    .values(code=code))
    session.refresh(row)
    session.execute(insert(KpiReportingDepartment),
                    [{"kpi_id": row.id, "department_id": d} for d in departments])
    audit.record(session, actor, "kpi.define", "kpi", row.id, code=code, name_fa=row.name_fa)
    return info_of(session, row)


def update_kpi(session: Session, actor: Actor, code: str, expected_version: int,
               **fields: Any) -> KpiInfo:
    """Change the given fields of a KPI (built-ins: target, amber, red, active only)."""
    require_active(session, actor, "define_kpis")
    row = definition(session, code, for_update=True)
    if expected_version is None or row.version != expected_version:
        raise Conflict(CHANGED_ELSEWHERE)
    if row.source == "builtin" and (bad := sorted(set(fields) - BUILTIN_FIELDS)):
        raise InvalidInput("kpis.error.builtin_field", field=bad[0])
    current_departments = reporting_ids(session, [row.id]).get(row.id, ())
    clean = _clean(session, fields, current_departments)
    after = {k: clean.get(k, getattr(row, k)) for k in ("direction", "target", "amber", "red")}
    _check_thresholds(after["direction"], after["target"], after["amber"], after["red"])
    changes: dict[str, list] = {}
    for name, value in clean.items():
        before = current_departments if name == "reporting_department_ids" \
            else getattr(row, name)
        if value != before:
            changes[name] = [list(before) if isinstance(before, tuple) else before,
                             list(value) if isinstance(value, tuple) else value]
    if not changes:
        return info_of(session, row)
    if "frequency" in changes and session.scalar(
            select(exists().where(KpiValue.kpi_id == row.id))):
        raise InvalidInput("kpis.error.frequency_has_values", field="frequency")
    for name, (_, value) in changes.items():
        if name != "reporting_department_ids":
            setattr(row, name, value)
    row.updated_at = utcnow()  # a new version even when only the departments change
    flush_or_conflict(session)
    if "reporting_department_ids" in changes:
        new = set(clean["reporting_department_ids"])
        old = set(current_departments)
        if old - new:
            session.execute(delete(KpiReportingDepartment).where(
                KpiReportingDepartment.kpi_id == row.id,
                KpiReportingDepartment.department_id.in_(sorted(old - new))))
        if new - old:
            try:
                with session.begin_nested():
                    session.execute(insert(KpiReportingDepartment), [
                        {"kpi_id": row.id, "department_id": d} for d in sorted(new - old)])
            except IntegrityError:
                raise Conflict(CHANGED_ELSEWHERE) from None
    audit.record(session, actor, "kpi.update", "kpi", row.id, code=row.code, changes=changes)
    return info_of(session, row)
