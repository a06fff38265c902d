"""Command line: python -m dashboard <command> [options]."""

from __future__ import annotations

import argparse
import getpass
import os
import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path

from sqlalchemy import func, select

from dashboard.i18n import translate
from data_access import db, departments, imports, users
from data_access.demo import DEMO_PASSWORD, SCALES, create_load_accounts, parse_mix, seed_demo
from data_access.errors import DomainError
from data_access.kpis.builtin import ensure_builtins
from data_access.models import ROLES, User
from data_access.permissions import Actor

# The command line acts as the system administrator of the instance.
SYSTEM = Actor(id=0, username="cli", role="admin", department_id=0)


def _message(error: DomainError) -> str:
    return translate(error.key, "en", **error.params)


def cmd_init_db(args: argparse.Namespace) -> int:
    db.upgrade()
    with db.session_scope() as session:
        added = ensure_builtins(session)
    if added:
        print(f"added {added} built-in KPI definitions")
    print(f"database is at the latest schema: {db.database_url().split('@')[-1]}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    db.upgrade()
    with db.session_scope() as session:
        if args.if_empty and session.scalar(select(func.count()).select_from(User)):
            print("database already has users; demo data not added")
            return 0
        started = time.perf_counter()
        try:
            context = seed_demo(session, args.scale, args.seed)
        except RuntimeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    people = sum(len(v) for v in context.members.values())
    print(f"seeded scale {args.scale}: {len(context.departments)} departments, {people} users "
          f"in {time.perf_counter() - started:.1f} s; demo accounts "
          f"{', '.join(context.accounts)} with password '{DEMO_PASSWORD}'")
    return 0


def cmd_demo_load_accounts(args: argparse.Namespace) -> int:
    db.upgrade()
    try:
        mix = parse_mix(args.mix)
        if not 8 <= len(args.password) <= 64:
            raise ValueError("the password must have 8 to 64 characters")
        with db.session_scope() as session:
            accounts = create_load_accounts(session, args.count, args.password, mix)
    except (RuntimeError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    roles = {role: sum(1 for _, r in accounts if r == role) for role in mix}
    print(f"{len(accounts)} load accounts ({', '.join(f'{n} {r}' for r, n in roles.items())}) "
          f"from {accounts[0][0]} share the given password; run python -m bench.load "
          f"--users {args.count} --mix {args.mix} --password …")
    return 0


def _department_id(session, value: str) -> int:
    preview = imports._department_lookup(session)
    errors: list = []
    found = imports._resolve_department(value, preview, 0, errors)
    if found is None:
        raise DomainError(errors[0].key, "department", **errors[0].params)
    return found


def cmd_create_user(args: argparse.Namespace) -> int:
    db.upgrade()
    password = args.password or getpass.getpass("password: ")
    try:
        with db.session_scope() as session:
            user_id = users.create_user(
                session, _cli_actor(session), username=args.username,
                display_name=args.display_name, email=args.email,
                department_id=_department_id(session, args.department), role=args.role,
                locale=args.locale, password=password)
    except DomainError as error:
        print(f"error: {_message(error)}", file=sys.stderr)
        return 1
    print(f"created user {args.username} (id {user_id})")
    return 0


def _cli_actor(session) -> Actor:
    # The audit log records command-line changes as made by the system, not by a person.
    return SYSTEM


def cmd_create_department(args: argparse.Namespace) -> int:
    db.upgrade()
    try:
        with db.session_scope() as session:
            parent = _department_id(session, args.parent) if args.parent else None
            department_id = departments.create(session, _cli_actor(session), args.name, parent,
                                               args.name_en)
    except DomainError as error:
        print(f"error: {_message(error)}", file=sys.stderr)
        return 1
    print(f"created department {args.name} (id {department_id})")
    return 0


def cmd_import_users(args: argparse.Namespace) -> int:
    db.upgrade()
    try:
        raw = Path(args.file).read_bytes()
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    with db.session_scope() as session:
        actor = _cli_actor(session)
        checked = imports.preview(session, actor, raw)
        if checked.errors:
            for error in checked.errors:
                field = f" [{error.field}]" if error.field else ""
                print(f"line {error.line}{field}: {translate(error.key, 'en', **error.params)}",
                      file=sys.stderr)
            print(f"{len(checked.errors)} problems; nothing imported", file=sys.stderr)
            return 1
        result = imports.apply(session, actor, checked,
                               progress=lambda done, total: print(f"\r{done}/{total}", end=""))
        if result.generated_passwords:
            # Written before the commit: if the file cannot be written, nothing is imported
            # (otherwise the new accounts' only passwords would be lost).
            out = Path(args.passwords_out)
            try:
                _write_private(out, "username,password\n" + "".join(
                    f"{u},{p}\n" for u, p in sorted(result.generated_passwords.items())))
            except OSError as error:
                session.rollback()
                print(f"\nerror: cannot write {out}: {error.strerror}; nothing imported",
                      file=sys.stderr)
                return 1
    print(f"\nimported {result.created} users")
    if result.generated_passwords:
        print(f"generated passwords written to {out} (readable by you only)")
    return 0


def _write_private(path: Path, text: str) -> None:
    """Create the file readable by its owner only from the start (no world-readable moment)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode under O_CREAT
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def cmd_survey_clock(args: argparse.Namespace) -> int:
    from data_access import jobs

    db.upgrade()
    tick = jobs.run_survey_clock(db.get_engine())
    if tick is None:
        print("survey clock: another process is running it right now; nothing to do")
        return 0
    print(f"survey clock: opened {len(tick.opened)} waves, closed {len(tick.closed)}")
    return 0


def _cookie_key_source() -> tuple[str, str | None]:
    """Where the sign-in cookie key comes from, and the key (None if not there yet)."""
    import logging

    # Streamlit outside `streamlit run` warns about its missing runtime on every call.
    logging.disable(logging.WARNING)
    try:
        return _cookie_key_lookup()
    finally:
        logging.disable(logging.NOTSET)


def _cookie_key_lookup() -> tuple[str, str | None]:
    from dashboard import auth

    if os.environ.get(auth.COOKIE_KEY_ENV):
        return auth.COOKIE_KEY_ENV, os.environ[auth.COOKIE_KEY_ENV]
    try:
        import streamlit as st

        secret = st.secrets.get("cookie_key")
    except Exception:  # noqa: BLE001 - no secrets.toml is a normal case
        secret = None
    if secret:
        return ".streamlit/secrets.toml", str(secret)
    if auth._key_file().exists():
        return str(auth._key_file()), auth._key_file().read_text().strip()
    return "none", None


def _fingerprint(purpose: str, key: str) -> str:
    """A short, non-secret fingerprint (equal on every replica that has the same key)."""
    import hashlib

    return hashlib.sha256(f"peyvand-{purpose}-fingerprint:{key}".encode()).hexdigest()[:16]


def run_checks(min_free_mb: int = 500, quick: bool = False) -> list[tuple[str, str, str]]:
    """(status, what, detail) for each check; status is ok, warn or FAIL. Never shows a key.

    quick: only the database (a query and the migration table), for monitoring every few
    seconds; the key and disk checks belong to a start-up or an hourly check."""
    import shutil
    import tempfile

    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from data_access.surveys import sealing

    results = []
    url = db.database_url()
    where = url.split("@")[-1]
    try:
        engine = db.get_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
        results.append(("ok", "database", f"reachable: {where}"))
        heads = set(ScriptDirectory.from_config(db.alembic_config(engine)).get_heads())
        if current == heads:
            results.append(("ok", "migrations", f"at head {', '.join(sorted(heads))}"))
        else:
            results.append(("FAIL", "migrations", f"database at {sorted(current) or 'nothing'}, "
                            f"code at {sorted(heads)}: run python -m dashboard init-db"))
    except Exception as error:  # noqa: BLE001 - reported, with the exit status
        results.append(("FAIL", "database", f"unreachable: {where}: {type(error).__name__}: "
                        f"{str(error).splitlines()[0][:200]}"))
    if quick:
        return results
    source, key = _cookie_key_source()
    if key:
        results.append(("ok", "cookie key", f"from {source}, fingerprint "
                        f"{_fingerprint('cookie-key', key)}"))
    else:
        results.append(("warn", "cookie key", "not set: the first app start generates one in "
                        "INTRANET_DATA_DIR; replicas must share one (set INTRANET_COOKIE_KEY)"))
    try:
        sealing.check_configuration()
        with tempfile.NamedTemporaryFile(dir=sealing.key_dir(), prefix=".check-"):
            pass
        results.append(("ok", "survey keys", f"directory {sealing.key_dir()} writable; "
                        f"INTRANET_SURVEY_KEY fingerprint {sealing.fingerprint()}"))
    except (sealing.KeyConfigurationError, OSError) as error:
        results.append(("FAIL", "survey keys", str(error)))
    from data_access import config

    browser = config.chromium_path()
    if Path(browser).is_file():
        results.append(("ok", "report charts", f"Chromium at {browser}"))
    else:
        results.append(("warn", "report charts", f"no Chromium at {browser}: the monthly "
                        "report cannot be made (install chromium or set PEYVAND_CHROMIUM)"))
    if url.startswith("sqlite"):
        folder = Path(url.split("///", 1)[1]).resolve().parent
        try:
            free_mb = shutil.disk_usage(folder).free // 2**20
        except OSError as error:
            results.append(("FAIL", "disk", f"{folder}: {error.strerror}"))
        else:
            status = "ok" if free_mb >= min_free_mb else "FAIL"
            results.append((status, "disk", f"{free_mb:,} MB free for the SQLite database in "
                            f"{folder} (need {min_free_mb:,})"))
    return results


def cmd_check(args: argparse.Namespace) -> int:
    results = run_checks(args.min_free_mb, quick=args.quick)
    for status, what, detail in results:
        print(f"{status:<5}{what}: {detail}")
    return 1 if any(status == "FAIL" for status, _, _ in results) else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from dashboard.replicas import serve

    return serve(args.replicas, args.port, args.first_port, show_replica=args.show_replica)


def cmd_backup(args: argparse.Namespace) -> int:
    url = db.database_url()
    if not url.startswith("sqlite"):
        print("This database is PostgreSQL. Back it up with pg_dump, for example:\n"
              "  pg_dump --format=custom --file=peyvand.dump \"$PGURL\"\n"
              "and restore with pg_restore --clean --dbname=\"$PGURL\" peyvand.dump",
              file=sys.stderr)
        return 2
    source_path = url.split("///", 1)[1]
    if not Path(source_path).is_file():
        # sqlite3.connect would create an empty database and "back up" that.
        print(f"error: there is no database at {source_path}", file=sys.stderr)
        return 1
    target = Path(args.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # SQLite's online backup copies a consistent snapshot while the app keeps running.
    with closing(sqlite3.connect(source_path)) as source, \
            closing(sqlite3.connect(target)) as dest:
        source.backup(dest)
    _record_backup(str(target))
    print(f"backed up {source_path} to {target}")
    return 0


def _record_backup(where: str) -> None:
    """The admin's home page shows the last backup's time (data_access.health)."""
    from data_access import health

    with db.session_scope() as session:
        health.record_backup(session, where)


def cmd_record_backup(args: argparse.Namespace) -> int:
    _record_backup(args.path)
    print(f"recorded the backup {args.path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard",
                                     description="Peyvand administration commands.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("init-db", help="create or upgrade the database schema")
    p.set_defaults(func=cmd_init_db)
    p = sub.add_parser("seed-demo", help="fill an empty database with a demo municipality")
    p.add_argument("--scale", choices=list(SCALES), default="S",
                   help="S: 500 users, M: 5,000, L: 60,000 (default S)")
    p.add_argument("--seed", type=int, default=42, help="random seed (same seed, same data)")
    p.add_argument("--if-empty", action="store_true", help="do nothing if users exist")
    p.set_defaults(func=cmd_seed_demo)
    p = sub.add_parser("demo-load-accounts", help="give N load-test accounts one password "
                       "(demo databases only; for python -m bench.load)")
    p.add_argument("--count", type=int, required=True, help="how many accounts (1-10,000)")
    p.add_argument("--password", required=True, help="the password they all share")
    p.add_argument("--mix", default="employee=0.8,manager=0.15,pr=0.05",
                   help="share of each role, as for python -m bench.load")
    p.set_defaults(func=cmd_demo_load_accounts)
    p = sub.add_parser("create-user", help="create one user")
    p.add_argument("username")
    p.add_argument("--display-name", required=True)
    p.add_argument("--department", required=True, help="department name or id")
    p.add_argument("--role", choices=ROLES, default="employee")
    p.add_argument("--email")
    p.add_argument("--locale", choices=["fa", "en"], default="fa")
    p.add_argument("--password", help="omit to be asked without echo")
    p.set_defaults(func=cmd_create_user)
    p = sub.add_parser("create-department", help="create one department")
    p.add_argument("name", help="name in Persian")
    p.add_argument("--name-en", help="name in English")
    p.add_argument("--parent", help="parent department name or id (omit for a top level one)")
    p.set_defaults(func=cmd_create_department)
    p = sub.add_parser("import-users", help="import users from a UTF-8 CSV file")
    p.add_argument("file")
    p.add_argument("--passwords-out", default="initial-passwords.csv",
                   help="where to write generated passwords")
    p.set_defaults(func=cmd_import_users)
    p = sub.add_parser("survey-clock", help="open and close survey waves that are due "
                       "(the app does this every minute; use from cron when no app runs)")
    p.set_defaults(func=cmd_survey_clock)
    p = sub.add_parser("check", help="is this installation ready: database, migrations, "
                       "keys, disk (exit status 0 or 1, for monitoring)")
    p.add_argument("--min-free-mb", type=int, default=500,
                   help="free disk space the SQLite database needs (default 500 MB)")
    p.add_argument("--quick", action="store_true",
                   help="only the database: reachable and at the latest schema (for "
                   "monitoring every few seconds)")
    p.set_defaults(func=cmd_check, check_keys=False)
    p = sub.add_parser("serve", help="nginx in front of N app replicas on DATABASE_URL, in the "
                       "foreground (Ctrl-C stops all); the layout of deploy/ on one machine")
    p.add_argument("--replicas", type=int, default=3, help="app processes (default 3)")
    p.add_argument("--port", type=int, default=8080, help="nginx listens on 127.0.0.1:PORT")
    p.add_argument("--first-port", type=int, default=8501,
                   help="the replicas listen on this port and the next ones")
    p.add_argument("--show-replica", action="store_true",
                   help="add an X-Peyvand-Replica header naming the replica (tests, demos)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("backup", help="copy the SQLite database safely while the app runs")
    p.add_argument("path")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("record-backup", help="record that a backup was written (deploy/backup.sh "
                       "calls it after pg_dump; the admin's home page shows the time)")
    p.add_argument("path", help="the file the backup was written to")
    p.set_defaults(func=cmd_record_backup, check_keys=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    from data_access.surveys import sealing

    args = build_parser().parse_args(argv)
    if not getattr(args, "check_keys", True):  # `check` reports the key settings itself
        return args.func(args)
    try:
        sealing.check_configuration()
    except sealing.KeyConfigurationError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
