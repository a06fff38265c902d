"""Importing custom KPI values from a CSV (UTF-8, with or without a byte-order mark) or
an Excel (.xlsx) file: check every row first, list every bad row with its line and
reason, and write nothing unless the whole file is valid.

Columns (in any order, Persian or English headers, other columns ignored): kpi (its
code or its Persian or English name), department (its name as the user import reads
it — spaces, zero-width non-joiners and letter forms tolerated — or its id), period
("1405-03", "1405-Q2", Persian digits allowed) and value (Persian/Arabic digits and
«٫» allowed). A row is bad when its KPI or department is unknown, its period is not
of the KPI's frequency or has not started, its value is not a number, the same KPI,
department and period appear on an earlier line, or the importer may not enter that
department's values (the same rules as the form: `values.Scope`).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access import audit
from data_access.errors import Conflict, InvalidInput
from data_access.imports import RowError, _department_lookup, _resolve_department
from data_access.kpis.periods import Period
from data_access.kpis.values import Scope, check_period, parse_number
from data_access.models import utcnow
from data_access.models.kpis import (
    KpiDefinition,
    KpiReportingDepartment,
    KpiValue,
    KpiValueChange,
)
from data_access.permissions import Actor, require_active
from data_access.text import name_match_key, search_key
from data_access.versioning import CHANGED_ELSEWHERE

__all__ = ["COLUMNS", "ImportPreview", "ImportRow", "import_commit", "import_preview"]

COLUMNS = ("kpi", "department", "period", "value")
# Header words by column (compared by search_key, so case and letter forms do not matter).
HEADERS = {
    "kpi": ("kpi", "kpi code", "code", "indicator", "شاخص", "کد شاخص", "نام شاخص"),
    "department": ("department", "department id", "unit", "واحد", "نام واحد", "واحد سازمانی",
                   "شناسه واحد"),
    "period": ("period", "month", "quarter", "دوره", "ماه", "فصل"),
    "value": ("value", "amount", "مقدار", "عدد"),
}
HEADERS_FA = {"kpi": "شاخص", "department": "واحد", "period": "دوره", "value": "مقدار"}
_HEADER_KEYS = {search_key(word): column for column, words in HEADERS.items() for word in words}
MAX_BYTES = 10 * 2**20
MAX_ROWS = 100_000
CHUNK = 1_000


@dataclass(frozen=True)
class ImportRow:
    line: int  # as a spreadsheet numbers it (the header is line 1)
    kpi_id: int
    code: str
    department_id: int
    period: str  # Period.key
    value: float
    current: float | None  # the value it replaces (None: a new value)


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def corrections(self) -> int:
        return sum(1 for r in self.rows if r.current is not None and r.current != r.value)


class _FileError(Exception):
    def __init__(self, line: int, key: str, **params: Any) -> None:
        super().__init__(key)
        self.error = RowError(line, None, key, params)


# --- reading the file ------------------------------------------------------------------------

def _cells(data: bytes, filename: str) -> Iterator[tuple[int, list[Any]]]:
    """(line, cells) of every row, the header first."""
    name = (filename or "").lower().rsplit("/", 1)[-1]
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _xlsx_cells(data)
    if name.endswith((".csv", ".txt")) or "." not in name:
        return _csv_cells(data)
    raise _FileError(0, "kpis.import.file_type")


def _xlsx_cells(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except (zipfile.BadZipFile, Exception) as error:  # openpyxl has many kinds  # noqa: BLE001
        raise _FileError(0, "kpis.import.malformed") from error

    def shown(cell) -> Any:
        # A cell formatted as a percentage shows 85% and holds 0.85: take what it shows.
        value = cell.value
        if isinstance(value, int | float) and not isinstance(value, bool) \
                and "%" in (getattr(cell, "number_format", "") or ""):
            return round(value * 100, 10)
        return value

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for line, cells in enumerate(sheet.iter_rows(), start=1):
                yield line, [shown(cell) for cell in cells]
        except Exception as error:  # a corrupt sheet inside a valid archive  # noqa: BLE001
            raise _FileError(0, "kpis.import.malformed") from error
        finally:
            book.close()

    return rows()


def _csv_cells(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")  # with or without a byte-order mark
    except UnicodeDecodeError as error:
        raise _FileError(0, "kpis.import.encoding") from error
    if "\x00" in text:
        raise _FileError(0, "kpis.import.malformed")
    first = text.split("\n", 1)[0]
    # Excel saves ";"-separated CSV in some locales, and some tools use tabs.
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        line = 1
        try:
            for cells in reader:
                yield line, cells
                line = reader.line_num + 1
        except csv.Error as error:
            raise _FileError(reader.line_num or line, "kpis.import.malformed_line") from error

    return rows()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- what the file may name -------------------------------------------------------------------

@dataclass
class _Kpis:
    by_key: dict[str, list[int]]
    rows: dict[int, Any]  # id -> (id, code, source, frequency, entered_by, active)
    reporting: dict[int, set[int]]

    def resolve(self, value: str, line: int, errors: list[RowError]):
        matches = self.by_key.get(value.casefold(), []) or self.by_key.get(name_match_key(value),
                                                                           [])
        if len(matches) > 1:
            errors.append(RowError(line, "kpi", "kpis.import.ambiguous_kpi", {"value": value}))
            return None
        if not matches:
            errors.append(RowError(line, "kpi", "kpis.import.unknown_kpi", {"value": value}))
            return None
        kpi = self.rows[matches[0]]
        if kpi.source != "custom":
            errors.append(RowError(line, "kpi", "kpis.error.builtin_values"))
            return None
        if not kpi.active:
            errors.append(RowError(line, "kpi", "kpis.error.inactive"))
            return None
        return kpi


def _kpi_lookup(session: Session) -> _Kpis:
    found = _Kpis({}, {}, {})
    for row in session.execute(select(
            KpiDefinition.id, KpiDefinition.code, KpiDefinition.source, KpiDefinition.frequency,
            KpiDefinition.entered_by, KpiDefinition.active, KpiDefinition.name_fa,
            KpiDefinition.name_en)):
        found.rows[row.id] = row
        found.by_key.setdefault(row.code.casefold(), []).append(row.id)
        for name in {row.name_fa or "", row.name_en or ""} - {""}:
            key = name_match_key(name)
            if row.id not in found.by_key.get(key, []):
                found.by_key.setdefault(key, []).append(row.id)
    for kpi_id, dept_id in session.execute(select(KpiReportingDepartment.kpi_id,
                                                  KpiReportingDepartment.department_id)):
        found.reporting.setdefault(kpi_id, set()).add(dept_id)
    return found


def _header(cells: list[Any]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = _HEADER_KEYS.get(search_key(_text(cell)))
        if column and column not in positions:
            positions[column] = index
    return positions


# --- preview and commit -----------------------------------------------------------------------

def import_preview(session: Session, actor: Actor, data: bytes, filename: str) -> ImportPreview:
    """Every row checked; nothing is written. A file that cannot be read is one error
    (line 0, or the CSV line where it breaks)."""
    require_active(session, actor, "enter_kpi_values")
    if len(data) > MAX_BYTES:
        return ImportPreview([], [RowError(0, None, "kpis.import.too_large",
                                           {"max_mb": MAX_BYTES // 2**20})])
    try:
        return _check(session, actor, _cells(data, filename))
    except _FileError as error:
        return ImportPreview([], [error.error])


def _check(session: Session, actor: Actor, cells: Iterator[tuple[int, list[Any]]]
           ) -> ImportPreview:
    header_line = next(cells, None)
    if header_line is None or not any(_text(c) for c in header_line[1]):
        return ImportPreview([], [RowError(0, None, "kpis.import.empty")])
    positions = _header(header_line[1])
    if missing := [c for c in COLUMNS if c not in positions]:
        # Named in both languages: the file's headers may be either.
        names = ", ".join(f"{HEADERS[c][0]} / {HEADERS_FA[c]}" for c in missing)
        return ImportPreview([], [RowError(1, None, "kpis.import.missing_columns",
                                           {"columns": names})])
    written = {c: _text(header_line[1][i]) for c, i in positions.items()}
    width = len(header_line[1])
    known_kpis = _kpi_lookup(session)
    known_departments = _department_lookup(session)
    scope = Scope(session, actor)
    seen: dict[tuple[int, int, str], int] = {}
    pending: list[tuple[int, Any, int, Period, float]] = []
    errors: list[RowError] = []
    count = 0
    for line, row in cells:
        if not any(_text(c) for c in row):
            continue  # a blank line
        count += 1
        if count > MAX_ROWS:
            return ImportPreview([], [RowError(line, None, "kpis.import.too_many_rows",
                                               {"max": MAX_ROWS})])
        if len(row) > width and any(_text(c) for c in row[width:]):
            errors.append(RowError(line, None, "kpis.import.extra_cells"))
            continue
        values = {c: row[i] if i < len(row) else None for c, i in positions.items()}
        row_errors: list[RowError] = []
        for column in COLUMNS:
            if not _text(values[column]):
                row_errors.append(RowError(line, column, "kpis.import.required",
                                           {"column": written[column]}))
        kpi = known_kpis.resolve(_text(values["kpi"]), line, row_errors) \
            if _text(values["kpi"]) else None
        department_id = _resolve_department(_text(values["department"]), known_departments,
                                            line, row_errors) \
            if _text(values["department"]) else None
        if kpi is not None and department_id is not None:
            if not scope.may_enter(kpi.entered_by, department_id):
                row_errors.append(RowError(line, "department", "kpis.import.not_allowed",
                                           {"value": _text(values["department"])}))
            elif department_id not in known_departments.ids or \
                    department_id not in known_kpis.reporting.get(kpi.id, set()):
                row_errors.append(RowError(line, "department",
                                           "kpis.error.department_not_reporting"))
        period = None
        if _text(values["period"]):
            period = _period(kpi, values["period"], line, row_errors)
        number = None
        if _text(values["value"]):
            try:
                number = parse_number(values["value"] if isinstance(values["value"], int | float)
                                      else _text(values["value"]))
            except InvalidInput as error:
                row_errors.append(RowError(line, "value", error.key, error.params))
        if kpi is not None and department_id is not None and period is not None:
            key = (kpi.id, department_id, period.key)
            if key in seen:
                row_errors.append(RowError(line, None, "kpis.import.duplicate",
                                           {"other_line": seen[key]}))
            else:
                seen[key] = line
        if row_errors:
            errors.extend(row_errors)
        else:
            pending.append((line, kpi, department_id, period, number))
    if not pending and not errors:
        errors.append(RowError(0, None, "kpis.import.empty"))
    current = _current_values(session, {(k.id, d, p.key) for _, k, d, p, _ in pending})
    rows = [ImportRow(line, kpi.id, kpi.code, dept, period.key, number,
                      current.get((kpi.id, dept, period.key), (None,))[0])
            for line, kpi, dept, period, number in pending]
    return ImportPreview(rows, errors)


def _period(kpi, value: Any, line: int, errors: list[RowError]) -> Period | None:
    try:
        if kpi is None:
            return Period.parse(_text(value))
        return check_period(kpi.frequency, _text(value))
    except ValueError:
        errors.append(RowError(line, "period", "kpis.error.period", {"value": _text(value)}))
    except InvalidInput as error:
        errors.append(RowError(line, "period", error.key, error.params))
    return None


def _current_values(session: Session, keys: set[tuple[int, int, str]]
                    ) -> dict[tuple[int, int, str], tuple[float, int]]:
    """(value, id) of the stored values among `keys`, read in a few queries."""
    if not keys:
        return {}
    kpi_ids = sorted({k for k, _, _ in keys})
    periods = sorted({p for _, _, p in keys})
    found = {}
    for start in range(0, len(periods), 500):
        for kpi_id, dept, period, value, value_id in session.execute(
                select(KpiValue.kpi_id, KpiValue.department_id, KpiValue.period, KpiValue.value,
                       KpiValue.id)
                .where(KpiValue.kpi_id.in_(kpi_ids),
                       KpiValue.period.in_(periods[start:start + 500]))).tuples():
            if (kpi_id, dept, period) in keys:
                found[(kpi_id, dept, period)] = (value, value_id)
    return found


def import_commit(session: Session, actor: Actor, data: bytes, filename: str,
                  progress: Callable[[int, int], None] | None = None) -> int:
    """Check the file again and, when every row is valid, write it in the caller's one
    transaction: new values inserted, changed ones corrected (history rows with
    via="import"), unchanged ones left alone. Returns the number of rows in the file.
    `progress(done, total)` is called after each chunk of rows."""
    checked = import_preview(session, actor, data, filename)
    if not checked.ok:
        raise InvalidInput("kpis.import.not_valid", errors=len(checked.errors))
    now = utcnow()
    user = actor.id if actor.id > 0 else None
    current = _current_values(session, {(r.kpi_id, r.department_id, r.period)
                                        for r in checked.rows})
    table = KpiValue.__table__
    correct = update(table).where(table.c.id == bindparam("value_id")).values(
        value=bindparam("new_value"), entered_by=user, entered_at=now,
        version=table.c.version + 1)
    total, done, created, corrected = len(checked.rows), 0, 0, 0
    for start in range(0, total, CHUNK):
        chunk = checked.rows[start:start + CHUNK]
        new, changed, history = [], [], []
        for row in chunk:
            old = current.get((row.kpi_id, row.department_id, row.period))
            if old is None:
                new.append({"kpi_id": row.kpi_id, "department_id": row.department_id,
                            "period": row.period, "value": row.value, "entered_by": user,
                            "entered_at": now, "version": 1})
            elif old[0] != row.value:
                changed.append({"value_id": old[1], "new_value": row.value})
            else:
                continue
            history.append({"kpi_id": row.kpi_id, "department_id": row.department_id,
                            "period": row.period, "old_value": old[0] if old else None,
                            "new_value": row.value, "changed_by": user, "changed_at": now,
                            "via": "import"})
        try:
            if new:
                session.execute(insert(KpiValue), new)
            if changed:
                session.execute(correct, changed)
        except IntegrityError:  # someone entered one of these values since: try again
            raise Conflict(CHANGED_ELSEWHERE) from None
        if history:
            session.execute(insert(KpiValueChange), history)
        created, corrected, done = created + len(new), corrected + len(changed), done + len(chunk)
        if progress:
            progress(done, total)
    audit.record(session, actor, "kpi_value.import", "kpi_value", None, created=created,
                 updated=corrected)
    return total
