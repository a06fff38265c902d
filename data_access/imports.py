"""CSV import of users: validate the whole file first, then write it in one transaction."""

from __future__ import annotations

import csv
import difflib
import io
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data_access import audit
from data_access.errors import DomainError
from data_access.models import Department, User, utcnow
from data_access.permissions import Actor, require_active
from data_access.text import name_match_key, normalize_digits, search_key
from data_access.users import (
    hash_password,
    validate_display_name,
    validate_email,
    validate_locale,
    validate_password,
    validate_role,
    validate_username,
)

REQUIRED_COLUMNS = ("username", "display_name", "department")
OPTIONAL_COLUMNS = ("email", "role", "locale", "password")
MAX_BYTES = 20 * 1024 * 1024
BATCH = 500


@dataclass(frozen=True)
class RowError:
    line: int  # line number in the file as a spreadsheet shows it (header = 1)
    field: str | None
    key: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ImportRow:
    line: int
    username: str
    display_name: str
    email: str | None
    department_id: int
    role: str
    locale: str
    password: str | None  # None: a random one is generated on import


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


@dataclass(frozen=True)
class ImportResult:
    created: int
    generated_passwords: dict[str, str]  # username -> password, shown to the admin once


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")  # with or without a byte-order mark
    except UnicodeDecodeError as error:
        raise DomainError("errors.csv_encoding", None) from error


@dataclass(frozen=True)
class _Departments:
    """Active departments by name (Persian or English, `name_match_key`) and by id."""

    by_key: dict[str, list[int]]
    ids: set[int]
    names: dict[str, str]  # a match key -> the name as written, for suggestions


def _department_lookup(session: Session) -> _Departments:
    found = _Departments({}, set(), {})
    for dept_id, name, name_en in session.execute(
        select(Department.id, Department.name, Department.name_en)
        .where(Department.active.is_(True))
    ).tuples():
        found.ids.add(dept_id)
        # A department whose Persian and English names match is still one department.
        for written in {name, name_en or ""} - {""}:
            key = name_match_key(written)
            if dept_id not in found.by_key.get(key, []):
                found.by_key.setdefault(key, []).append(dept_id)
            found.names.setdefault(key, written)
    return found


def preview(session: Session, actor: Actor, raw: bytes) -> ImportPreview:
    """Parse and check every row; nothing is written."""
    require_active(session, actor, "administer")
    if len(raw) > MAX_BYTES:
        return ImportPreview([], [RowError(0, None, "errors.csv_too_large",
                                           {"max_mb": MAX_BYTES // 2**20})])
    try:
        text = _decode(raw)
    except DomainError as error:
        return ImportPreview([], [RowError(0, None, error.key)])
    # strict: an unterminated quote is reported, not silently swallowed into one cell.
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [search_key(h) for h in (reader.fieldnames or [])]
    except csv.Error:
        return ImportPreview([], [RowError(1, None, "errors.csv_malformed")])
    if not any(header):
        return ImportPreview([], [RowError(0, None, "errors.csv_empty")])
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return ImportPreview([], [RowError(1, None, "errors.csv_missing_columns",
                                           {"columns": ", ".join(missing)})])
    reader.fieldnames = header
    known = _department_lookup(session)
    existing = set(session.scalars(select(User.username)))
    seen: dict[str, int] = {}
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    try:
        for record in reader:
            line = reader.line_num
            if None in record:  # more cells than columns
                errors.append(RowError(line, None, "errors.csv_extra_cells"))
                continue
            values = {k: (v or "").strip() for k, v in record.items()}
            if not any(values.values()):
                continue  # blank line
            row_errors: list[RowError] = []

            def check(name: str, validator: Callable, value, errs=row_errors, ln=line):
                try:
                    return validator(value)
                except DomainError as error:
                    errs.append(RowError(ln, error.field or name, error.key, error.params))
                    return None

            username = check("username", validate_username, values.get("username"))
            if username:
                if username in existing:
                    row_errors.append(RowError(line, "username", "errors.username_taken"))
                elif username in seen:
                    row_errors.append(RowError(line, "username", "errors.csv_duplicate_username",
                                               {"other_line": seen[username]}))
                else:
                    seen[username] = line
            name = check("display_name", validate_display_name, values.get("display_name"))
            email = check("email", validate_email, values.get("email"))
            role = check("role", validate_role, values.get("role") or "employee")
            locale = check("locale", validate_locale, values.get("locale") or "fa")
            password = values.get("password") or None
            if password:
                check("password", validate_password, password)
            department_id = _resolve_department(values.get("department", ""), known,
                                                line, row_errors)
            if row_errors:
                errors.extend(row_errors)
            else:
                rows.append(ImportRow(line, username, name, email, department_id, role, locale,
                                      password))
    except csv.Error:
        errors.append(RowError(reader.line_num, None, "errors.csv_malformed"))
    if not rows and not errors:
        errors.append(RowError(0, None, "errors.csv_empty"))
    return ImportPreview(rows, errors)


def _resolve_department(value: str, departments: _Departments, line: int,
                        errors: list[RowError]) -> int | None:
    if not value:
        errors.append(RowError(line, "department", "errors.required"))
        return None
    digits = normalize_digits(value)
    if digits.isdigit() and int(digits) in departments.ids:
        return int(digits)
    key = name_match_key(value)
    matches = departments.by_key.get(key, [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        errors.append(RowError(line, "department", "errors.department_ambiguous",
                               {"value": value}))
        return None
    close = difflib.get_close_matches(key, list(departments.names), n=1, cutoff=0.6)
    if close:
        errors.append(RowError(line, "department", "errors.department_unknown_suggest",
                               {"value": value, "suggestion": departments.names[close[0]]}))
    else:
        errors.append(RowError(line, "department", "errors.department_unknown",
                               {"value": value}))
    return None


@dataclass(frozen=True)
class PreparedImport:
    """A valid preview with every password already hashed."""

    rows: list[ImportRow]
    password_hashes: list[str]
    generated_passwords: dict[str, str]


def generate_password(length: int = 14) -> str:
    # Letters and digits only: a password starting with "-" or "=" would be
    # read as a formula when the admin opens the CSV in a spreadsheet.
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def prepare(checked: ImportPreview,
            progress: Callable[[int, int], None] | None = None) -> PreparedImport:
    """Hash every password before any transaction starts.

    bcrypt is slow on purpose (about a quarter of a second each); doing it
    inside a write transaction would hold SQLite's single write lock and
    block every sign-in for the whole import.
    """
    if not checked.ok:
        raise DomainError("errors.csv_not_valid")
    generated: dict[str, str] = {}
    hashes: list[str] = []
    total = len(checked.rows)
    for done, row in enumerate(checked.rows, start=1):
        password = row.password
        if password is None:
            password = generated[row.username] = generate_password()
        hashes.append(hash_password(password))
        if progress and (done % 10 == 0 or done == total):
            progress(done, total)
    return PreparedImport(checked.rows, hashes, generated)


def apply(
    session: Session, actor: Actor, checked: ImportPreview | PreparedImport,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Write every row of a valid preview in the caller's single transaction."""
    require_active(session, actor, "administer")
    prepared = checked if isinstance(checked, PreparedImport) else prepare(checked, progress)
    taken = set(session.scalars(select(User.username).where(
        User.username.in_([r.username for r in prepared.rows]))))
    if taken:  # someone created one of these users since the preview
        raise DomainError("errors.csv_changed_since_preview", None, users=", ".join(sorted(taken)))
    now = utcnow()
    records = [
        {"username": row.username, "display_name": row.display_name,
         "name_key": search_key(row.display_name), "email": row.email,
         "department_id": row.department_id, "role": row.role, "locale": row.locale,
         "password_hash": password_hash, "active": True,
         "tokens_valid_after": now, "created_at": now, "updated_at": now}
        for row, password_hash in zip(prepared.rows, prepared.password_hashes, strict=True)
    ]
    for start in range(0, len(records), BATCH):
        session.execute(insert(User), records[start:start + BATCH])
    audit.record(session, actor, "user.import", "user", None, created=len(records))
    return ImportResult(len(records), prepared.generated_passwords)
