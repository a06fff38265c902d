"""The command line, `python -m dashboard`, against throwaway SQLite files."""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard import __main__ as cli
from data_access import db, settings, users
from data_access.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from data_access.models import AuditEntry, Department, User
from data_access.text import search_key
from data_access.users import SignIn

ROOT = Path(__file__).resolve().parents[2]
SUBCOMMANDS = ("init-db", "seed-demo", "create-user", "create-department", "import-users",
               "survey-clock", "backup", "demo-load-accounts", "check", "serve",
               "record-backup")
PASSWORD = "cli-password-1"


@pytest.fixture
def use_database(monkeypatch, tmp_path):
    """use_database(name) points DATABASE_URL at a fresh SQLite file and returns its URL."""
    original = db.get_engine
    urls: list[str] = []

    def engine_for_current_url(url: str | None = None):
        # get_engine() with no argument is cached under None, so it would keep
        # the first DATABASE_URL of the process; resolve the URL first.
        return original(url or db.database_url())

    monkeypatch.setattr(db, "get_engine", engine_for_current_url)

    def use(name: str = "cli") -> str:
        url = f"sqlite:///{tmp_path / name / 'peyvand.db'}"
        monkeypatch.setenv("DATABASE_URL", url)
        urls.append(url)
        return url

    yield use
    for url in urls:
        original(url).dispose()


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _count(model) -> int:
    with db.session_scope() as session:
        return session.scalar(select(func.count()).select_from(model))


def _organisation() -> tuple[list[tuple], list[tuple]]:
    """Departments by their path of names, users with their department's path."""
    with db.session_scope() as session:
        rows = session.execute(select(Department.id, Department.name, Department.name_en,
                                      Department.parent_id)).all()
        by_id = {r.id: r for r in rows}

        def path(dept_id):
            names = []
            while dept_id is not None:
                names.append(by_id[dept_id].name)
                dept_id = by_id[dept_id].parent_id
            return tuple(reversed(names))

        departments = sorted((path(r.id), r.name_en) for r in rows)
        people = sorted(session.execute(select(User.username, User.display_name, User.role,
                                               User.email, User.department_id)).all())
        people = [(u, n, r, e, path(d)) for u, n, r, e, d in people]
    return departments, people


def _add_department(name: str, name_en: str | None = None) -> int:
    with db.session_scope() as session:
        department = Department(name=name, name_en=name_en, name_key=search_key(name))
        session.add(department)
        session.flush()
        return department.id


# --- help ---------------------------------------------------------------------------

def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in SUBCOMMANDS:
        assert command in out


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_for_each_command(capsys, command):
    with pytest.raises(SystemExit) as exited:
        cli.main([command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert f"python -m dashboard {command}" in out
    assert "--help" in out


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main([])
    assert exited.value.code == 2
    assert "required" in capsys.readouterr().err


def test_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "dashboard", "seed-demo", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--scale" in done.stdout and "--seed" in done.stdout


# --- init-db ---------------------------------------------------------------------------

def test_init_db_creates_the_schema(capsys, use_database):
    url = use_database()
    code, out, _ = _run(capsys, "init-db")
    assert code == 0 and "latest schema" in out
    assert Path(url.split("///", 1)[1]).exists()
    assert _count(User) == 0
    code, _, _ = _run(capsys, "init-db")  # again: nothing to do, no error
    assert code == 0


def test_init_db_creates_the_builtin_kpis_once(capsys, use_database):
    from data_access.kpis import BUILTIN_ORDER
    from data_access.models.kpis import KpiDefinition

    use_database()
    code, out, _ = _run(capsys, "init-db")
    assert code == 0 and f"added {len(BUILTIN_ORDER)} built-in KPI definitions" in out
    assert _count(KpiDefinition) == len(BUILTIN_ORDER)
    code, out, _ = _run(capsys, "init-db")
    assert code == 0 and "built-in KPI" not in out
    assert _count(KpiDefinition) == len(BUILTIN_ORDER)


# --- seed-demo -------------------------------------------------------------------------

def test_seed_demo_is_deterministic_for_a_seed(capsys, use_database):
    use_database("first")
    code, out, _ = _run(capsys, "seed-demo", "--scale", "S", "--seed", "1")
    assert code == 0 and "seeded scale S" in out
    first = _organisation()
    use_database("second")
    assert _run(capsys, "seed-demo", "--scale", "S", "--seed", "1")[0] == 0
    second = _organisation()
    assert first == second
    departments, people = first
    assert len(people) == 500 and len(departments) == 15
    use_database("other-seed")
    assert _run(capsys, "seed-demo", "--scale", "S", "--seed", "2")[0] == 0
    assert _organisation()[1] != people


def test_seed_demo_builds_the_demo_accounts(capsys, use_database):
    use_database()
    assert _run(capsys, "seed-demo", "--seed", "3")[0] == 0
    with db.session_scope() as session:
        for username, _, role, _ in DEMO_ACCOUNTS:
            result = users.authenticate(session, username, DEMO_PASSWORD)
            assert result.outcome is SignIn.OK and result.actor.role == role
        assert settings.demo_mode(session)
        roots = session.scalars(select(Department.name_en)
                                .where(Department.parent_id.is_(None))).all()
        assert roots == ["Municipality"]
        english = set(session.scalars(select(Department.name_en)))
    assert {"Public Relations", "Finance", "Urban Services", "Green Space",
            "Information Technology", "Human Resources"} <= english


def test_seed_demo_refuses_a_filled_database(capsys, use_database):
    use_database()
    assert _run(capsys, "seed-demo")[0] == 0
    before = _organisation()
    code, _, err = _run(capsys, "seed-demo", "--seed", "9")
    assert code == 1 and "already has users" in err
    assert _organisation() == before


def test_seed_demo_if_empty(capsys, use_database):
    use_database()
    code, out, _ = _run(capsys, "seed-demo", "--if-empty", "--seed", "5")
    assert code == 0 and "seeded" in out
    before = _organisation()
    code, out, err = _run(capsys, "seed-demo", "--if-empty", "--seed", "6")
    assert code == 0 and "not added" in out and err == ""
    assert _organisation() == before


def test_seed_demo_rejects_an_unknown_scale(capsys, use_database):
    use_database()
    with pytest.raises(SystemExit) as exited:
        cli.main(["seed-demo", "--scale", "XL"])
    assert exited.value.code == 2


# --- demo-load-accounts --------------------------------------------------------------------

def test_demo_load_accounts_share_one_password_and_follow_the_mix(capsys, use_database):
    use_database()
    assert _run(capsys, "seed-demo", "--seed", "4")[0] == 0
    code, out, _ = _run(capsys, "demo-load-accounts", "--count", "20", "--password", PASSWORD)
    assert code == 0 and "16 employee, 3 manager, 1 pr" in out
    with db.session_scope() as session:
        roles = dict(session.execute(select(User.username, User.role)
                                     .where(User.username.like("load-%"))).tuples().all())
        assert len(roles) == 20
        for username in ("load-employee-0016", "load-manager-0003", "load-pr-0001"):
            result = users.authenticate(session, username, PASSWORD)
            assert result.outcome is SignIn.OK
            assert result.actor.role == username.split("-")[1]
    # Again with another password: the same accounts, now with that password.
    assert _run(capsys, "demo-load-accounts", "--count", "20", "--password", "other-pass-2")[0] == 0
    assert _count(User) == 500 + 20
    with db.session_scope() as session:
        assert users.authenticate(session, "load-pr-0001", "other-pass-2").outcome is SignIn.OK


def test_demo_load_accounts_refuse_a_database_without_demo_data(capsys, use_database):
    use_database()
    assert _run(capsys, "create-department", "Finance")[0] == 0
    code, _, err = _run(capsys, "demo-load-accounts", "--count", "5", "--password", PASSWORD)
    assert code == 1 and "does not hold demo data" in err
    assert _count(User) == 0


# --- create-user -------------------------------------------------------------------------

def test_create_user(capsys, use_database):
    use_database()
    _run(capsys, "seed-demo", "--seed", "1")
    code, out, err = _run(capsys, "create-user", "Sara.Ahmadi", "--display-name", "سارا احمدي",
                          "--department", "finance", "--role", "manager", "--email",
                          "sara@example.org", "--locale", "en", "--password", PASSWORD)
    assert code == 0, err
    assert "created user" in out
    with db.session_scope() as session:
        user = session.scalar(select(User).where(User.username == "sara.ahmadi"))
        assert (user.display_name, user.role, user.locale) == ("سارا احمدی", "manager", "en")
        assert session.get(Department, user.department_id).name_en == "Finance"
        assert users.authenticate(session, "sara.ahmadi", PASSWORD).outcome is SignIn.OK
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"))
        assert entry.actor_id is None  # recorded as the system, not as a person


def test_create_user_by_department_id_and_persian_name(capsys, use_database):
    use_database()
    _run(capsys, "init-db")
    dept = _add_department("امور مالی", "Finance")
    assert _run(capsys, "create-user", "by.id", "--display-name", "یک", "--department",
                str(dept), "--password", PASSWORD)[0] == 0
    assert _run(capsys, "create-user", "by.name", "--display-name", "دو", "--department",
                "امور مالي", "--password", PASSWORD)[0] == 0
    with db.session_scope() as session:
        assert set(session.scalars(select(User.department_id))) == {dept}


def test_first_admin_on_an_instance_without_users(capsys, use_database):
    """Bootstrapping: no admin exists yet to act as; the audit entry says 'system'."""
    use_database()
    _run(capsys, "init-db")
    _add_department("فناوری اطلاعات", "IT")
    code, _, err = _run(capsys, "create-user", "root", "--display-name", "مدیر", "--department",
                        "IT", "--role", "admin", "--password", PASSWORD)
    assert code == 0, err
    with db.session_scope() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"))
        assert entry is not None and entry.actor_id is None


def test_create_user_asks_for_the_password(capsys, use_database, monkeypatch):
    use_database()
    _run(capsys, "init-db")
    _add_department("فناوری اطلاعات", "IT")
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": PASSWORD)
    assert _run(capsys, "create-user", "asked", "--display-name", "پرسیده", "--department",
                "IT")[0] == 0
    with db.session_scope() as session:
        assert users.authenticate(session, "asked", PASSWORD).outcome is SignIn.OK


@pytest.mark.parametrize(("args", "message"), [
    (["--department", "Nowhere"], "Department “Nowhere” was not found."),
    (["--department", "IT", "--email", "not-mail"], "The email address is not valid."),
    (["--department", "IT", "--password", "short"], "between 8 and 64 characters"),
])
def test_create_user_explains_bad_input(capsys, use_database, args, message):
    use_database()
    _run(capsys, "init-db")
    _add_department("فناوری اطلاعات", "IT")
    argv = ["create-user", "sara", "--display-name", "سارا", "--password", PASSWORD, *args]
    code, out, err = _run(capsys, *argv)
    assert code == 1
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err and out == ""
    assert _count(User) == 0


def test_create_user_bad_and_taken_usernames(capsys, use_database):
    use_database()
    _run(capsys, "init-db")
    _add_department("فناوری اطلاعات", "IT")
    code, _, err = _run(capsys, "create-user", "علی", "--display-name", "علی", "--department",
                        "IT", "--password", PASSWORD)
    assert code == 1 and "3–64 characters" in err
    assert _run(capsys, "create-user", "sara", "--display-name", "سارا", "--department", "IT",
                "--password", PASSWORD)[0] == 0
    code, _, err = _run(capsys, "create-user", "SARA", "--display-name", "سارا", "--department",
                        "IT", "--password", PASSWORD)
    assert code == 1 and "already taken" in err
    assert _count(User) == 1


def test_create_user_rejects_an_unknown_role(capsys, use_database):
    use_database()
    with pytest.raises(SystemExit) as exited:
        cli.main(["create-user", "x", "--display-name", "x", "--department", "1",
                  "--role", "root"])
    assert exited.value.code == 2


# --- import-users ------------------------------------------------------------------------

GOOD_CSV = ("username,display_name,email,department,role,locale,password\n"
            "sara.ahmadi,سارا احمدی,sara@example.org,امور مالی,employee,fa,\n"
            f"reza.karimi,رضا كريمي,,Finance,manager,en,{PASSWORD}\n"
            "mina.nouri,مینا نوری,,امور مالی,,,\n")


def _write(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_import_users(capsys, use_database, tmp_path):
    use_database()
    _run(capsys, "init-db")
    _add_department("امور مالی", "Finance")
    source = _write(tmp_path / "users.csv", GOOD_CSV)
    passwords = tmp_path / "initial.csv"
    code, out, err = _run(capsys, "import-users", str(source), "--passwords-out", str(passwords))
    assert code == 0, err
    assert "imported 3 users" in out and "3/3" in out
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    lines = passwords.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "username,password"
    generated = dict(line.split(",", 1) for line in lines[1:])
    assert set(generated) == {"sara.ahmadi", "mina.nouri"}
    with db.session_scope() as session:
        for username, password in generated.items():
            assert users.authenticate(session, username, password).outcome is SignIn.OK
        assert users.authenticate(session, "reza.karimi", PASSWORD).outcome is SignIn.OK
        names = set(session.scalars(select(User.display_name)))
    assert "رضا کریمی" in names


def test_import_users_tightens_an_existing_passwords_file(capsys, use_database, tmp_path):
    use_database()
    _run(capsys, "init-db")
    _add_department("امور مالی", "Finance")
    passwords = tmp_path / "initial.csv"
    passwords.write_text("old content that must go\n" * 10)
    passwords.chmod(0o644)
    source = _write(tmp_path / "users.csv", GOOD_CSV)
    assert _run(capsys, "import-users", str(source), "--passwords-out", str(passwords))[0] == 0
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    assert "old content" not in passwords.read_text()


def test_import_users_without_generated_passwords_writes_no_file(capsys, use_database, tmp_path):
    use_database()
    _run(capsys, "init-db")
    _add_department("امور مالی", "Finance")
    source = _write(tmp_path / "users.csv",
                    f"username,display_name,department,password\nali,علی,Finance,{PASSWORD}\n")
    passwords = tmp_path / "initial.csv"
    code, out, _ = _run(capsys, "import-users", str(source), "--passwords-out", str(passwords))
    assert code == 0 and "imported 1 users" in out
    assert not passwords.exists()


def test_import_users_bad_file_imports_nothing(capsys, use_database, tmp_path):
    use_database()
    _run(capsys, "init-db")
    _add_department("امور مالی", "Finance")
    source = _write(tmp_path / "users.csv",
                    "username,display_name,email,department\n"
                    "sara.ahmadi,سارا احمدی,,امور مالی\n"
                    "reza.karimi,رضا کریمی,bad-mail,Finance\n"
                    "mina.nouri,مینا نوری,,Nowhere\n")
    passwords = tmp_path / "initial.csv"
    code, out, err = _run(capsys, "import-users", str(source), "--passwords-out", str(passwords))
    assert code == 1
    assert "line 3 [email]: The email address is not valid." in err
    assert "line 4 [department]: Department “Nowhere” was not found." in err
    assert "2 problems; nothing imported" in err
    assert "imported" not in out
    assert _count(User) == 0 and not passwords.exists()


def test_import_users_reports_a_file_level_problem(capsys, use_database, tmp_path):
    use_database()
    _run(capsys, "init-db")
    source = tmp_path / "users.csv"
    source.write_bytes("username,display_name,department\nali,علي,x\n".encode("cp1256"))
    code, _, err = _run(capsys, "import-users", str(source))
    assert code == 1 and "not UTF-8" in err


def test_import_users_missing_file(capsys, use_database, tmp_path):
    use_database()
    code, _, err = _run(capsys, "import-users", str(tmp_path / "absent.csv"))
    assert code == 1 and "cannot read" in err and "Traceback" not in err


def test_import_users_keeps_nothing_if_passwords_cannot_be_saved(capsys, use_database,
                                                                 tmp_path):
    use_database()
    _run(capsys, "init-db")
    _add_department("امور مالی", "Finance")
    source = _write(tmp_path / "users.csv", GOOD_CSV)
    code, _, err = _run(capsys, "import-users", str(source), "--passwords-out",
                        str(tmp_path / "no-such-dir" / "initial.csv"))
    assert code == 1 and "nothing imported" in err
    assert _count(User) == 0  # otherwise these accounts would have no known password


# --- backup --------------------------------------------------------------------------

def test_backup_is_a_valid_copy(capsys, use_database, tmp_path):
    use_database()
    _run(capsys, "seed-demo", "--seed", "4")
    target = tmp_path / "backups" / "peyvand-backup.db"
    code, out, err = _run(capsys, "backup", str(target))
    assert code == 0, err
    assert "backed up" in out
    connection = sqlite3.connect(target)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        copied = connection.execute("SELECT count(*) FROM users").fetchone()[0]
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        connection.close()
    assert copied == _count(User) == 500
    assert version is not None


def test_backup_sees_committed_changes(capsys, use_database, tmp_path):
    use_database()
    _run(capsys, "init-db")
    _add_department("امور مالی", "Finance")
    _run(capsys, "create-user", "sara", "--display-name", "سارا", "--department", "Finance",
         "--password", PASSWORD)
    target = tmp_path / "copy.db"
    assert _run(capsys, "backup", str(target))[0] == 0
    connection = sqlite3.connect(target)
    try:
        assert connection.execute("SELECT username FROM users").fetchall() == [("sara",)]
    finally:
        connection.close()


def test_a_backup_is_recorded_for_the_admin_home(capsys, use_database, tmp_path):
    from data_access import health

    use_database()
    _run(capsys, "init-db")
    with db.session_scope() as session:
        assert health.last_backup(session) == (None, None)
    target = tmp_path / "copy.db"
    assert _run(capsys, "backup", str(target))[0] == 0
    with db.session_scope() as session:
        at, where = health.last_backup(session)
    assert at is not None and where == str(target)
    # pg_dump's run in deploy/backup.sh records its file the same way.
    assert _run(capsys, "record-backup", "/backups/peyvand.dump")[0] == 0
    with db.session_scope() as session:
        assert health.last_backup(session)[1] == "/backups/peyvand.dump"


def test_backup_of_a_missing_database_is_an_error(capsys, use_database, tmp_path):
    url = use_database()
    code, _, err = _run(capsys, "backup", str(tmp_path / "copy.db"))
    assert code == 1 and "no database" in err
    assert not (tmp_path / "copy.db").exists()
    assert not Path(url.split("///", 1)[1]).exists()


def test_backup_on_postgresql_explains_pg_dump(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/peyvand")
    code, _, err = _run(capsys, "backup", str(tmp_path / "x.db"))
    assert code == 2 and "pg_dump" in err and "pg_restore" in err
    assert not (tmp_path / "x.db").exists()


def test_passwords_file_is_private_from_the_start(tmp_path):
    previous = os.umask(0)  # even a permissive umask must not widen it
    try:
        target = tmp_path / "p.csv"
        cli._write_private(target, "username,password\n")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    finally:
        os.umask(previous)


def test_create_department_then_a_user_in_it(tmp_path, monkeypatch, capsys):
    from dashboard.__main__ import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    assert main(["create-department", "شهرداری", "--name-en", "Municipality"]) == 0
    assert main(["create-department", "روابط عمومی", "--parent", "شهرداري"]) == 0
    assert main(["create-department", "روابط عمومی", "--parent", "شهرداری"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["create-user", "first.admin", "--display-name", "مدیر", "--department",
                 "روابط عمومی", "--role", "admin", "--password", "first-admin-1"]) == 0


# --- check -------------------------------------------------------------------------------

def test_check_passes_and_shows_fingerprints_never_keys(capsys, use_database, monkeypatch,
                                                        tmp_path):
    use_database()
    assert _run(capsys, "init-db")[0] == 0
    cookie_key, survey_key = "c" * 64, "s" * 64
    monkeypatch.setenv("INTRANET_COOKIE_KEY", cookie_key)
    monkeypatch.setenv("INTRANET_SURVEY_KEY", survey_key)
    monkeypatch.setenv("INTRANET_KEY_DIR", str(tmp_path / "keys"))
    code, out, _ = _run(capsys, "check")
    assert code == 0, out
    assert "FAIL" not in out and "migrations: at head" in out
    assert cli._fingerprint("cookie-key", cookie_key) in out
    from data_access.surveys import sealing

    assert sealing.fingerprint() in out and sealing.fingerprint() != "none"
    assert cookie_key not in out and survey_key not in out and "c" * 16 not in out


def test_check_fails_on_an_old_schema(capsys, use_database):
    url = use_database()
    db.upgrade(db.get_engine(url), "0003_surveys")
    code, out, _ = _run(capsys, "check")
    assert code == 1
    assert "FAIL migrations" in out.replace("  ", " ") and "init-db" in out


def test_check_fails_when_the_database_is_unreachable(capsys, monkeypatch):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://nobody:secret@127.0.0.1:{port}/x")
    code, out, _ = _run(capsys, "check")
    assert code == 1 and "FAIL database: unreachable" in out.replace("  ", " ")
    assert "secret" not in out  # the password in the URL is not printed


def test_check_fails_when_the_key_directory_cannot_be_used(capsys, use_database, monkeypatch,
                                                           tmp_path):
    use_database()
    assert _run(capsys, "init-db")[0] == 0
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("INTRANET_KEY_DIR", str(blocker / "keys"))
    code, out, _ = _run(capsys, "check")
    assert code == 1 and "FAIL survey keys" in out.replace("  ", " ")


def test_check_warns_when_report_charts_cannot_be_drawn(capsys, use_database, monkeypatch,
                                                       tmp_path):
    use_database()
    assert _run(capsys, "init-db")[0] == 0
    monkeypatch.setenv("PEYVAND_CHROMIUM", str(tmp_path / "no-chromium"))
    code, out, _ = _run(capsys, "check")
    assert "warn report charts: no Chromium" in out.replace("  ", " ")
    assert code == 0  # the app runs without it; only the monthly report needs it


def test_check_fails_without_disk_space_for_sqlite(capsys, use_database):
    use_database()
    assert _run(capsys, "init-db")[0] == 0
    code, out, _ = _run(capsys, "check", "--min-free-mb", str(10**12))
    assert code == 1 and "FAIL disk" in out.replace("  ", " ")
