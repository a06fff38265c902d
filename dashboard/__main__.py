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
from data_access.demo import DEMO_PASSWORD, SCALES, seed_demo
from data_access.errors import DomainError
from data_access.models import ROLES, User
from data_access.permissions import Actor

# The command line acts as the system administrator of the instance.
SYSTEM = Actor(id=0, username="cli", role="admin", department_id=0)


def _message(error: DomainError) -> str:
    return translate(error.key, "en", **error.params)


def cmd_init_db(args: argparse.Namespace) -> int:
    db.upgrade()
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


def _department_id(session, value: str) -> int:
    preview = imports._department_lookup(session)
    errors: list = []
    found = imports._resolve_department(value, *preview, 0, errors)
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
    from data_access import surveys
    from data_access.surveys import sealing

    db.upgrade()
    with db.session_scope() as session:
        tick = surveys.open_due_waves(session)
    sealing.destroy_closed_wave_keys(db.get_engine())
    print(f"survey clock: opened {len(tick.opened)} waves, closed {len(tick.closed)}")
    return 0


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
    print(f"backed up {source_path} to {target}")
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
    p = sub.add_parser("backup", help="copy the SQLite database safely while the app runs")
    p.add_argument("path")
    p.set_defaults(func=cmd_backup)
    return parser


def main(argv: list[str] | None = None) -> int:
    from data_access.surveys import sealing

    args = build_parser().parse_args(argv)
    try:
        sealing.check_configuration()
    except sealing.KeyConfigurationError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
