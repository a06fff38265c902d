"""A custom KPI's values: entered per department and Jalali period, corrected with
history, read back for the form, the history panel and the charts.

Who may enter (enter_kpi_values): pr and admin for any reporting department
(`enter_all_kpi_values`); a manager only for reporting departments in their own
subtree, and only for KPIs whose values managers enter (`entered_by == "managers"`).
A value is for a period of the KPI's frequency that has started (not in the future).
Values are numbers or text with Persian/Arabic digits and the Persian decimal
separator «٫». Every change (first entry, correction, removal) writes a
`KpiValueChange`; a stale version raises `errors.edited_by_someone_else`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access import audit, departments
from data_access.errors import Conflict, InvalidInput, PermissionDenied
from data_access.kpis.catalogue import definition
from data_access.kpis.periods import Period
from data_access.models import Department, User, utcnow
from data_access.models.kpis import (
    KpiDefinition,
    KpiReportingDepartment,
    KpiValue,
    KpiValueChange,
)
from data_access.permissions import Actor, can, require_active
from data_access.text import normalize_digits
from data_access.versioning import CHANGED_ELSEWHERE, flush_or_conflict

__all__ = ["EntryRow", "ReportedValue", "ValueChange", "entry_sheet", "enter_value",
           "parse_number", "remove_value", "reported_values", "value_history"]

VALUE_MAX = 1e12  # larger than any count a municipality reports; guards typos like 1e300
HISTORY_LIMIT = 500
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
# Persian decimal «٫» to ".", Persian thousands «٬» dropped, the minus sign and the
# direction marks a right-to-left keyboard adds around numbers.
_NUMBER_MARKS = str.maketrans({"\u066b": ".", "\u066c": None, "\u2212": "-", "\u200e": None,
                               "\u200f": None, "\u061c": None, "\u00a0": None, " ": None})


def parse_number(value: Any, field: str = "value") -> float:
    """A finite number from a number or from text ("۱۲٫۵", "12.5", "1,250", "85%");
    InvalidInput("kpis.error.number") otherwise."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput("kpis.error.number", field=field, value=str(value or ""))
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = normalize_digits(value).translate(_NUMBER_MARKS).rstrip("%\u066a")
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        if not _NUMBER.fullmatch(text):
            raise InvalidInput("kpis.error.number", field=field, value=value[:40])
        number = float(text)
    else:
        raise InvalidInput("kpis.error.number", field=field, value=str(value)[:40])
    if not math.isfinite(number) or abs(number) > VALUE_MAX:
        raise InvalidInput("kpis.error.number", field=field, value=str(value)[:40])
    return number


def check_period(frequency: str, key: Any, field: str = "period", *,
                 allow_future: bool = False) -> Period:
    """The period `key` names, if it is one of the KPI's frequency and has started."""
    try:
        period = Period.parse(str(key if key is not None else ""))
    except ValueError:
        raise InvalidInput("kpis.error.period", field=field, value=str(key or "")[:40]) from None
    if period.kind != frequency:
        raise InvalidInput(f"kpis.error.period_not_{frequency}", field=field, value=period.key)
    if not allow_future and period.is_future():
        raise InvalidInput("kpis.error.period_future", field=field, value=period.key)
    return period


class Scope:
    """Where an actor may see and enter values, computed once per call or import."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.sees_all = can(actor, "view_all_kpis")
        self.enters_all = can(actor, "enter_all_kpi_values")
        self.subtree: frozenset[int] = frozenset() if self.sees_all and self.enters_all \
            else frozenset(departments.subtree_ids(session, actor.department_id))

    def may_see(self, department_id: int) -> bool:
        return self.sees_all or department_id in self.subtree

    def may_enter(self, entered_by: str, department_id: int) -> bool:
        if self.enters_all:
            return True
        return entered_by == "managers" and department_id in self.subtree


def reporting_set(session: Session, kpi_id: int) -> set[int]:
    return set(session.scalars(select(KpiReportingDepartment.department_id)
                               .where(KpiReportingDepartment.kpi_id == kpi_id)))


def _custom(session: Session, code: str) -> KpiDefinition:
    kpi = definition(session, code)
    if kpi.source != "custom":
        raise InvalidInput("kpis.error.builtin_values", field="kpi")
    return kpi


def _writable(session: Session, actor: Actor, code: str, department_id: Any) -> KpiDefinition:
    """The KPI, if the actor may write a value of `department_id` for it."""
    require_active(session, actor, "enter_kpi_values")
    kpi = _custom(session, code)
    try:
        department_id = int(department_id)
    except (TypeError, ValueError):
        raise InvalidInput("kpis.error.department_not_reporting", field="department") from None
    if not Scope(session, actor).may_enter(kpi.entered_by, department_id):
        raise PermissionDenied()
    if not kpi.active:
        raise InvalidInput("kpis.error.inactive", field="kpi")
    if department_id not in reporting_set(session, kpi.id):
        raise InvalidInput("kpis.error.department_not_reporting", field="department")
    return kpi


def _current(session: Session, kpi_id: int, department_id: int, period: str) -> KpiValue | None:
    return session.scalar(select(KpiValue).where(
        KpiValue.kpi_id == kpi_id, KpiValue.department_id == department_id,
        KpiValue.period == period).execution_options(populate_existing=True))


def enter_value(session: Session, actor: Actor, code: str, department_id: int,
                period_key: str, value: Any, expected_version: int | None = None) -> int:
    """Enter or correct one value; returns the value's new version.

    `expected_version` is the version the form showed (None: the form showed no
    value). A value entered or changed by someone else since is a Conflict."""
    kpi = _writable(session, actor, code, department_id)
    department_id = int(department_id)
    period = check_period(kpi.frequency, period_key)
    number = parse_number(value)
    row = _current(session, kpi.id, department_id, period.key)
    now = utcnow()
    if row is None:
        if expected_version is not None:  # removed since the form was shown
            raise Conflict(CHANGED_ELSEWHERE)
        old = None
        row = KpiValue(kpi_id=kpi.id, department_id=department_id, period=period.key,
                       value=number, entered_by=_user(actor), entered_at=now)
        session.add(row)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:  # someone entered the same value at the same moment
            raise Conflict(CHANGED_ELSEWHERE) from None
    else:
        if expected_version is None or row.version != expected_version:
            raise Conflict(CHANGED_ELSEWHERE)
        old = row.value
        if old == number:
            return row.version
        row.value, row.entered_by, row.entered_at = number, _user(actor), now
        flush_or_conflict(session)
    session.add(KpiValueChange(kpi_id=kpi.id, department_id=department_id, period=period.key,
                               old_value=old, new_value=number, changed_by=_user(actor),
                               changed_at=now, via="form"))
    audit.record(session, actor, "kpi_value.enter", "kpi_value", row.id, code=kpi.code,
                 department_id=department_id, period=period.key, old=old, new=number)
    return row.version


def remove_value(session: Session, actor: Actor, code: str, department_id: int,
                 period_key: str, expected_version: int | None) -> None:
    """Remove one value (history keeps it: the change's new value is empty)."""
    kpi = _writable(session, actor, code, department_id)
    department_id = int(department_id)
    period = check_period(kpi.frequency, period_key, allow_future=True)
    row = _current(session, kpi.id, department_id, period.key)
    if row is None or expected_version is None or row.version != expected_version:
        raise Conflict(CHANGED_ELSEWHERE)
    old, row_id = row.value, row.id
    session.delete(row)
    flush_or_conflict(session)
    session.add(KpiValueChange(kpi_id=kpi.id, department_id=department_id, period=period.key,
                               old_value=old, new_value=None, changed_by=_user(actor),
                               changed_at=utcnow(), via="form"))
    audit.record(session, actor, "kpi_value.remove", "kpi_value", row_id, code=kpi.code,
                 department_id=department_id, period=period.key, old=old, new=None)


def _user(actor: Actor) -> int | None:
    return actor.id if actor.id > 0 else None


# --- reading -------------------------------------------------------------------------------

@dataclass(frozen=True)
class EntryRow:
    department_id: int
    name_fa: str
    name_en: str | None
    value: float | None
    version: int | None  # None: no value yet (pass None as expected_version)
    may_edit: bool


def entry_sheet(session: Session, actor: Actor, code: str, period_key: str) -> list[EntryRow]:
    """The per-period form: each reporting department the actor may see, its value and
    version, and whether the actor may change it. A manager sees only their subtree;
    a KPI none of whose reporting departments is in it is PermissionDenied."""
    require_active(session, actor, "enter_kpi_values")
    kpi = _custom(session, code)
    period = check_period(kpi.frequency, period_key, allow_future=True)
    scope = Scope(session, actor)
    reporting = reporting_set(session, kpi.id)
    visible = sorted(d for d in reporting if scope.may_see(d))
    if reporting and not visible:
        raise PermissionDenied()
    values = {dept: (value, version) for dept, value, version in session.execute(
        select(KpiValue.department_id, KpiValue.value, KpiValue.version).where(
            KpiValue.kpi_id == kpi.id, KpiValue.period == period.key,
            KpiValue.department_id.in_(visible))).tuples()} if visible else {}
    open_ = kpi.active and not period.is_future()
    rows = session.execute(select(Department.id, Department.name, Department.name_en)
                           .where(Department.id.in_(visible))
                           .order_by(Department.name, Department.id)).tuples().all() \
        if visible else []
    return [EntryRow(dept, name, name_en, *values.get(dept, (None, None)),
                     may_edit=open_ and scope.may_enter(kpi.entered_by, dept))
            for dept, name, name_en in rows]


@dataclass(frozen=True)
class ValueChange:
    department_id: int
    department_fa: str
    department_en: str | None
    period: str
    old_value: float | None  # None: first entered
    new_value: float | None  # None: removed
    changed_by: str | None  # display name; None for the system
    changed_at: datetime
    via: str  # form | import


def value_history(session: Session, actor: Actor, code: str, department_id: int | None = None,
                  limit: int = HISTORY_LIMIT) -> list[ValueChange]:
    """Who changed which value from what, when: newest first, in the actor's scope
    (a manager: their subtree; another department is PermissionDenied)."""
    require_active(session, actor, "view_kpis")
    kpi = definition(session, code)
    if kpi.source != "custom":
        return []  # computed from the data: nobody entered or corrected anything
    scope = Scope(session, actor)
    query = select(KpiValueChange.department_id, Department.name, Department.name_en,
                   KpiValueChange.period, KpiValueChange.old_value, KpiValueChange.new_value,
                   User.display_name, KpiValueChange.changed_at, KpiValueChange.via) \
        .join(Department, Department.id == KpiValueChange.department_id) \
        .outerjoin(User, User.id == KpiValueChange.changed_by) \
        .where(KpiValueChange.kpi_id == kpi.id)
    if department_id is not None:
        if not scope.may_see(int(department_id)):
            raise PermissionDenied()
        query = query.where(KpiValueChange.department_id == int(department_id))
    elif not scope.sees_all:
        query = query.where(KpiValueChange.department_id.in_(sorted(scope.subtree)))
    query = query.order_by(KpiValueChange.changed_at.desc(), KpiValueChange.id.desc()) \
        .limit(max(1, min(int(limit), 5_000)))
    return [ValueChange(*row) for row in session.execute(query).tuples()]


class ReportedValue(NamedTuple):
    kpi_id: int
    department_id: int
    period: str
    value: float


def reported_values(session: Session, kpi_ids: Iterable[int] | None,
                    department_ids: Iterable[int] | None, first_key: str,
                    last_key: str) -> list[ReportedValue]:
    """Raw reported values, first_key..last_key inclusive (keys of one kind: months or
    quarters), for reading.py; None for kpi_ids or department_ids means all. No actor:
    the caller has already decided the scope."""
    first, last = Period.parse(first_key), Period.parse(last_key)
    if first.kind != last.kind:
        raise ValueError("periods of different kinds")
    query = select(KpiValue.kpi_id, KpiValue.department_id, KpiValue.period, KpiValue.value) \
        .where(KpiValue.period >= first.key, KpiValue.period <= last.key)
    # "1404-Q3" sorts between "1404-01" and "1405-12": keep to the asked kind.
    query = query.where(KpiValue.period.like("%Q%") if first.kind == "quarter"
                        else KpiValue.period.not_like("%Q%"))
    if kpi_ids is not None:
        ids = sorted(set(kpi_ids))
        if not ids:
            return []
        query = query.where(KpiValue.kpi_id.in_(ids))
    if department_ids is not None:
        depts = sorted(set(department_ids))
        if not depts:
            return []
        query = query.where(KpiValue.department_id.in_(depts))
    return [ReportedValue(*row) for row in session.execute(query).tuples()]
