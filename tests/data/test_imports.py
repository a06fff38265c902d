"""CSV import of users on SQLite and PostgreSQL: the preview finds every bad row
by line number, nothing is written until the whole file is valid, then one
transaction writes it all."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from data_access import imports, users
from data_access.errors import DomainError, PermissionDenied
from data_access.models import AuditEntry, Department, User
from data_access.users import SignIn
from tests.conftest import TEST_PASSWORD, make_department

HEADER = "username,display_name,email,department,role,locale,password"


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def _snapshot(session) -> tuple:
    session.flush()
    people = session.execute(select(User.username, User.display_name, User.department_id,
                                    User.role).order_by(User.username)).all()
    return people, session.scalar(select(func.count()).select_from(AuditEntry))


def _errors(preview: imports.ImportPreview) -> set[tuple]:
    return {(e.line, e.field, e.key) for e in preview.errors}


def _assert_refused(session, org, raw: bytes) -> imports.ImportPreview:
    """The file is refused: no rows to write, apply refuses, nothing changes."""
    before = _snapshot(session)
    checked = imports.preview(session, org.admin, raw)
    assert not checked.ok and checked.errors
    with pytest.raises(DomainError) as caught:
        imports.apply(session, org.admin, checked)
    assert caught.value.key == "errors.csv_not_valid"
    assert _snapshot(session) == before
    return checked


# --- good files -------------------------------------------------------------------

def test_good_file_previews_then_imports(session, org):
    raw = _csv(
        f"sara.ahmadi,سارا احمدی,Sara@Example.org,روابط عمومی,employee,fa,{TEST_PASSWORD}",
        f"reza.karimi,رضا کریمی,,Traffic,manager,en,{TEST_PASSWORD}",
        f"mina.nouri,مینا نوری,mina@example.org,{org.traffic_control},pr,,{TEST_PASSWORD}",
    )
    before = _snapshot(session)
    checked = imports.preview(session, org.admin, raw)
    assert checked.ok and checked.errors == []
    assert _snapshot(session) == before  # a preview writes nothing
    assert [(r.line, r.username, r.department_id, r.role, r.locale) for r in checked.rows] == [
        (2, "sara.ahmadi", org.pr_dept, "employee", "fa"),
        (3, "reza.karimi", org.traffic, "manager", "en"),
        (4, "mina.nouri", org.traffic_control, "pr", "fa"),
    ]
    assert checked.rows[0].email == "sara@example.org" and checked.rows[1].email is None

    calls: list[tuple[int, int]] = []
    result = imports.apply(session, org.admin, checked, progress=lambda *a: calls.append(a))
    session.commit()
    assert result.created == 3 and result.generated_passwords == {}
    assert calls and calls[-1] == (3, 3)
    stored = {u.username: u for u in session.scalars(select(User))}
    assert stored["reza.karimi"].display_name == "رضا کریمی"
    assert stored["reza.karimi"].locale == "en" and stored["reza.karimi"].role == "manager"
    assert stored["mina.nouri"].department_id == org.traffic_control
    assert users.authenticate(session, "mina.nouri", TEST_PASSWORD).outcome is SignIn.OK
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.import"))
    assert entry.actor_id == org.admin.id and json.loads(entry.details) == {"created": 3}


def test_only_required_columns_and_defaults(session, org):
    raw = _csv("sara.ahmadi,سارا احمدی,ترافیک", header="username,display_name,department")
    checked = imports.preview(session, org.admin, raw)
    assert checked.ok
    [row] = checked.rows
    assert (row.role, row.locale, row.email, row.password) == ("employee", "fa", None, None)


def test_utf8_with_bom_and_windows_line_endings(session, org):
    text = (HEADER + "\r\n" + "sara.ahmadi,سارا احمدی,,ترافیک,employee,fa,\r\n"
            + "reza.karimi,رضا کریمی,,ترافیک,employee,fa,\r\n")
    checked = imports.preview(session, org.admin, text.encode("utf-8-sig"))
    assert checked.ok, checked.errors
    assert [r.username for r in checked.rows] == ["sara.ahmadi", "reza.karimi"]


def test_header_names_are_forgiving(session, org):
    raw = _csv("sara.ahmadi,سارا احمدی,ترافیک", header=" Username , DISPLAY_NAME ,Department")
    assert imports.preview(session, org.admin, raw).ok


def test_persian_text_in_arabic_letter_forms_is_normalised(session, org):
    raw = _csv("User۱۲,علي كريمي,,ترافيك,employee,fa,",
               "user١٣,  زهرا   رضايي ,,كنترل ترافيك,employee,fa,")
    checked = imports.preview(session, org.admin, raw)
    assert checked.ok, checked.errors
    assert [(r.username, r.display_name, r.department_id) for r in checked.rows] == [
        ("user12", "علی کریمی", org.traffic),
        ("user13", "زهرا رضایی", org.traffic_control),
    ]
    imports.apply(session, org.admin, checked)
    session.commit()
    names = dict(session.execute(select(User.username, User.name_key)).tuples().all())
    assert names["user12"] == "علی کریمی"


def test_control_characters_are_dropped_not_stored(session, org):
    # PostgreSQL refuses NUL in text: it must never reach the database.
    checked = imports.preview(session, org.admin, _csv("sara.ahmadi,سارا\x00 احمدی\x07,,ترافیک,,,"))
    assert checked.ok, checked.errors
    imports.apply(session, org.admin, checked)
    session.commit()
    assert session.scalar(select(User.display_name).where(User.username == "sara.ahmadi")) \
        == "سارا احمدی"


def test_department_by_id_by_name_and_by_english_name(session, org):
    persian_id = str(org.pr_dept).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    raw = _csv(f"a.one,یک,,{org.pr_dept},,,",
               f"a.two,دو,,{persian_id},,,",
               "a.three,سه,,روابط عمومی,,,",
               "a.four,چهار,,public relations,,,")
    checked = imports.preview(session, org.admin, raw)
    assert checked.ok, checked.errors
    assert {r.department_id for r in checked.rows} == {org.pr_dept}


def test_department_with_the_same_persian_and_english_name_is_not_ambiguous(session, org):
    make_department(session, "IT", org.root, name_en="IT")
    checked = imports.preview(session, org.admin, _csv("sara.ahmadi,سارا,,it,,,"))
    assert checked.ok, checked.errors


def test_generated_passwords_work(session, org):
    raw = _csv("sara.ahmadi,سارا احمدی,,ترافیک,employee,fa,",
               f"reza.karimi,رضا کریمی,,ترافیک,employee,fa,{TEST_PASSWORD}",
               "mina.nouri,مینا نوری,,ترافیک,employee,fa,")
    result = imports.apply(session, org.admin, imports.preview(session, org.admin, raw))
    session.commit()
    assert set(result.generated_passwords) == {"sara.ahmadi", "mina.nouri"}
    assert len(set(result.generated_passwords.values())) == 2
    for username, password in result.generated_passwords.items():
        users.validate_password(password)
        assert users.authenticate(session, username, password).outcome is SignIn.OK
    assert users.authenticate(session, "reza.karimi", TEST_PASSWORD).outcome is SignIn.OK


def test_passwords_are_hashed_before_the_transaction_with_progress(session, org, monkeypatch):
    monkeypatch.setattr(imports, "BATCH", 2)
    raw = _csv(*[f"user{i},کاربر {i},,ترافیک,,,{TEST_PASSWORD}" for i in range(1, 26)])
    checked = imports.preview(session, org.admin, raw)
    calls: list[tuple[int, int]] = []
    before = _snapshot(session)
    prepared = imports.prepare(checked, progress=lambda done, total: calls.append((done, total)))
    assert _snapshot(session) == before  # hashing touches no database
    assert calls == [(10, 25), (20, 25), (25, 25)]
    assert imports.apply(session, org.admin, prepared).created == 25
    session.commit()
    assert users.authenticate(session, "user25", TEST_PASSWORD).outcome is SignIn.OK


def test_generated_passwords_are_safe_to_open_in_a_spreadsheet():
    for _ in range(2000):
        password = imports.generate_password()
        assert password.isalnum() and len(password) == 14


def test_apply_is_one_transaction(session, org, monkeypatch):
    monkeypatch.setattr(imports, "BATCH", 1)
    raw = _csv(*[f"user{i},کاربر {i},,ترافیک,,,{TEST_PASSWORD}" for i in range(1, 4)])
    checked = imports.preview(session, org.admin, raw)
    before = _snapshot(session)

    def fail_after_the_inserts(*args, **kwargs) -> None:
        raise RuntimeError("connection lost")

    monkeypatch.setattr(imports.audit, "record", fail_after_the_inserts)
    with pytest.raises(RuntimeError):
        imports.apply(session, org.admin, checked)
    session.rollback()
    assert _snapshot(session) == before


# --- bad rows ------------------------------------------------------------------------

def test_every_bad_row_is_reported_with_line_and_reason(session, org):
    make_department(session, "دبیرخانه", org.pr_dept)
    make_department(session, "دبیرخانه", org.traffic)
    session.commit()
    raw = _csv(
        "good.one,خوب,,ترافیک,,,",                       # 2: fine
        ",بی‌نام‌کاربری,,ترافیک,,,",                      # 3: missing username
        "no.name,,,ترافیک,,,",                            # 4: missing display name
        "no.dept,بی واحد,,,,,",                           # 5: missing department
        "Good.One,تکراری,,ترافیک,,,",                     # 6: duplicate of line 2
        "employee,قدیمی,,ترافیک,,,",                      # 7: already in the database
        "lost,گمشده,,واحد ناموجود,,,",                    # 8: unknown department
        "twice,دوگانه,,دبیرخانه,,,",                      # 9: ambiguous department
        "bad.mail,ایمیل بد,not-an-email,ترافیک,,,",       # 10: bad email
        "bad.role,نقش بد,,ترافیک,boss,,",                 # 11: bad role
        "bad.locale,زبان بد,,ترافیک,,de,",                # 12: bad locale
        "bad.pass,رمز کوتاه,,ترافیک,,,short",             # 13: password too short
        "علی,نام کاربری فارسی,,ترافیک,,,",                # 14: username format
        "extra,خانه اضافه,,ترافیک,,,,surplus",            # 15: extra cells
        "good.two,خوب دو,,ترافیک,,,",                     # 16: fine
    )
    checked = _assert_refused(session, org, raw)
    assert _errors(checked) == {
        (3, "username", "errors.required"),
        (4, "display_name", "errors.required"),
        (5, "department", "errors.required"),
        (6, "username", "errors.csv_duplicate_username"),
        (7, "username", "errors.username_taken"),
        (8, "department", "errors.department_unknown"),
        (9, "department", "errors.department_ambiguous"),
        (10, "email", "errors.email_format"),
        (11, "role", "errors.role_unknown"),
        (12, "locale", "errors.locale_unknown"),
        (13, "password", "errors.password_length"),
        (14, "username", "errors.username_format"),
        (15, None, "errors.csv_extra_cells"),
    }
    by_line = {e.line: e for e in checked.errors}
    assert by_line[6].params == {"other_line": 2}
    assert by_line[8].params == {"value": "واحد ناموجود"}
    assert by_line[9].params == {"value": "دبیرخانه"}
    assert [r.line for r in checked.rows] == [2, 16]


def test_a_row_with_several_problems_reports_each(session, org):
    checked = _assert_refused(session, org, _csv(",,bad,,boss,xx,"))
    assert _errors(checked) == {
        (2, "username", "errors.required"), (2, "display_name", "errors.required"),
        (2, "email", "errors.email_format"), (2, "department", "errors.required"),
        (2, "role", "errors.role_unknown"), (2, "locale", "errors.locale_unknown"),
    }


def test_line_numbers_count_blank_lines(session, org):
    raw = (HEADER + "\n\nok.one,یک,,ترافیک,,,\n\n\nbad.one,,,ترافیک,,,\n").encode()
    checked = _assert_refused(session, org, raw)
    assert _errors(checked) == {(6, "display_name", "errors.required")}
    assert [r.line for r in checked.rows] == [3]


def test_inactive_department_is_unknown(session, org):
    closed = make_department(session, "واحد بسته", org.root)
    session.commit()
    session.get(Department, closed).active = False
    session.commit()
    checked = _assert_refused(session, org, _csv("a.one,یک,,واحد بسته,,,",
                                                  f"a.two,دو,,{closed},,,"))
    assert _errors(checked) == {(2, "department", "errors.department_unknown"),
                                (3, "department", "errors.department_unknown")}


def test_missing_header_columns(session, org):
    checked = _assert_refused(session, org, _csv("sara,سارا", header="username,name"))
    [error] = checked.errors
    assert (error.line, error.key) == (1, "errors.csv_missing_columns")
    assert error.params == {"columns": "display_name, department"}


def test_non_utf8_file(session, org):
    # What Excel on an Arabic-locale Windows saves (Windows-1256 has no Persian yeh).
    raw = (HEADER + "\nsara.ahmadi,سارا احمدي,,ترافيك,,,\n").encode("cp1256")
    checked = _assert_refused(session, org, raw)
    assert [e.key for e in checked.errors] == ["errors.csv_encoding"]


@pytest.mark.parametrize("raw", [b"", "\ufeff".encode(), b"\n\n", (HEADER + "\n").encode(),
                                 (HEADER + "\n,,,,,,\n\n").encode()])
def test_empty_file(session, org, raw):
    checked = _assert_refused(session, org, raw)
    assert [e.key for e in checked.errors] == ["errors.csv_empty"]


@pytest.mark.parametrize("body", [
    'sara.ahmadi,"سارا احمدی,,ترافیک,,,\nreza.karimi,رضا,,ترافیک,,,',  # unterminated quote
    'sara.ahmadi,"سارا" احمدی,,ترافیک,,,',  # text after a closing quote
])
def test_malformed_csv(session, org, body):
    checked = _assert_refused(session, org, _csv(body))
    assert "errors.csv_malformed" in [e.key for e in checked.errors]


def test_file_too_large(session, org, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 100)
    checked = _assert_refused(session, org, _csv(*["x" * 40] * 3))
    assert [e.key for e in checked.errors] == ["errors.csv_too_large"]


# --- apply refuses --------------------------------------------------------------------

def test_apply_refuses_an_empty_preview(session, org):
    with pytest.raises(DomainError) as caught:
        imports.apply(session, org.admin, imports.ImportPreview([], []))
    assert caught.value.key == "errors.csv_not_valid"


def test_username_taken_between_preview_and_apply(session, org):
    checked = imports.preview(session, org.admin, _csv(
        "sara.ahmadi,سارا احمدی,,ترافیک,,,", "reza.karimi,رضا کریمی,,ترافیک,,,"))
    assert checked.ok
    users.create_user(session, org.admin, username="reza.karimi", display_name="رضای دیگر",
                      department_id=org.pr_dept, password=TEST_PASSWORD)
    session.commit()
    before = _snapshot(session)
    with pytest.raises(DomainError) as caught:
        imports.apply(session, org.admin, checked)
    assert caught.value.key == "errors.csv_changed_since_preview"
    assert caught.value.params == {"users": "reza.karimi"}
    assert _snapshot(session) == before


# --- permissions ---------------------------------------------------------------------

@pytest.mark.parametrize("role", ["employee", "manager", "pr"])
def test_only_admins_import(session, org, role):
    actor = getattr(org, role)
    raw = _csv("sara.ahmadi,سارا احمدی,,ترافیک,,,")
    checked = imports.preview(session, org.admin, raw)
    before = _snapshot(session)
    with pytest.raises(PermissionDenied):
        imports.preview(session, actor, raw)
    with pytest.raises(PermissionDenied):
        imports.apply(session, actor, checked)
    assert _snapshot(session) == before


def test_department_names_match_whatever_the_spaces_joiners_and_letter_forms(session, org):
    """«حمل و نقل و ترافیک» (spaces where the name has a ZWNJ) was refused."""
    transport = make_department(session, "حمل\u200cونقل و ترافیک", org.root)
    session.commit()
    raw = _csv("a.one,یک,,حمل و نقل و ترافیک,,,",     # spaces for the joiner
               "a.two,دو,,حملونقل و ترافیک,,,",        # nothing for it
               "a.three,سه,,حمل\u200cونقل  و  ترافيك,,,",  # Arabic yeh and kaf, double spaces
               "a.four,چهار,,روابط\u200cعمومی,,,")     # a joiner where the name has a space
    checked = imports.preview(session, org.admin, raw)
    assert checked.ok, checked.errors
    assert [r.department_id for r in checked.rows] == [transport] * 3 + [org.pr_dept]


def test_an_unknown_department_suggests_the_closest_name(session, org):
    make_department(session, "حمل\u200cونقل و ترافیک", org.root)
    session.commit()
    checked = _assert_refused(session, org, _csv("a.one,یک,,حمل و نقل ترافیک,,,",
                                                  "a.two,دو,,روابط عمومي شهر,,,",
                                                  "a.three,سه,,انبار مرکزی,,,"))
    by_line = {e.line: e for e in checked.errors}
    assert (by_line[2].key, by_line[2].params) == (
        "errors.department_unknown_suggest",
        {"value": "حمل و نقل ترافیک", "suggestion": "حمل\u200cونقل و ترافیک"})
    assert by_line[3].params["suggestion"] == "روابط عمومی"
    assert by_line[4].key == "errors.department_unknown"  # nothing close: no guess
