"""Backup and restore drill, with the shipped deploy/backup.sh: SQLite's online copy and
PostgreSQL's pg_dump --format=custom, each taken while the app's connections are open
and restored into a new database. Every table's rows are equal, people sign in, results
are the same. The survey key directory is not in the backup (docs/anonymity.md): a
restore without it loses the open wave, and only that."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from data_access import db, surveys, users
from data_access.demo import load_usernames
from data_access.models import User
from data_access.models.surveys import SurveyWave
from data_access.surveys import sealing
from data_access.users import to_actor
from tests.faults.conftest import (
    EMPLOYEES,
    PASSWORD,
    demo_copy,
    libpq,
    open_wave_id,
    shared_pg_database,
    survey_rows,
    table_fingerprints,
)
from tests.servers import ROOT

ACCOUNTS = 6  # of the demo's load accounts, these tests use the first 6
ANSWERED = 4  # load accounts that answer the open wave before the backup


def actor(engine, username: str):
    with db.session_scope(engine) as session:
        return to_actor(session.scalar(select(User).where(User.username == username)))


def answer(engine, username: str, wave_id: int) -> None:
    with db.session_scope(engine) as session:
        form = surveys.wave_form(session, actor(engine, username), wave_id)
        answers = {item.id: (len(item.options) - 1 if item.kind == "choice" else
                             10 if item.kind == "enps" else
                             "" if item.kind == "comment" else 4) for item in form.items}
        surveys.submit(session, actor(engine, username), wave_id, answers)


def live_database(url: str) -> int:
    """The demo, with more answers to the open wave sealed under its key: its id."""
    engine = db.get_engine(url)
    wave_id = open_wave_id(engine)
    for username, _ in load_usernames(ANSWERED, EMPLOYEES):
        answer(engine, username, wave_id)
    return wave_id


def backup_sh(url: str, into: Path) -> Path:
    """deploy/backup.sh as the backup timer runs it; the file it wrote."""
    done = subprocess.run(["sh", str(ROOT / "deploy" / "backup.sh")], cwd=ROOT, env={
        **os.environ, "DATABASE_URL": url, "PEYVAND_BACKUP_DIR": str(into),
        "PEYVAND_PYTHON": sys.executable}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (written,) = into.glob("peyvand-*")
    return written


def closed_results(engine) -> list:
    """What PR sees for the three latest closed waves (the results function's output;
    every row of every table is compared by checksum already)."""
    pr = actor(engine, "pr")
    with db.session_scope(engine) as session:
        waves = session.scalars(select(SurveyWave.id).where(SurveyWave.status == "closed")
                                .order_by(SurveyWave.id.desc()).limit(3)).all()
        return [surveys.group_results(session, pr, wave) for wave in waves]


def assert_same_installation(source, restored) -> None:
    assert table_fingerprints(restored) == table_fingerprints(source)
    with db.session_scope(restored) as session:
        signed = users.authenticate(session, load_usernames(1, EMPLOYEES)[0][0], PASSWORD,
                                    client="restore-drill")
    assert signed.outcome is users.SignIn.OK
    results = closed_results(restored)
    assert results and results == closed_results(source)


def test_sqlite_online_backup_restores_every_row(tmp_path, demo_file):
    url = demo_copy(demo_file, tmp_path / "live.db")
    live_database(url)
    source = db.get_engine(url)
    with source.connect() as reader:  # the app is running: a connection is open
        reader.execute(text("SELECT count(*) FROM users")).scalar()
        copy = backup_sh(url, tmp_path / "backups")
    restored = db.get_engine(f"sqlite:///{copy}")
    with restored.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert_same_installation(source, restored)


@pytest.mark.postgres
def test_pg_dump_and_pg_restore_into_a_new_database_restore_every_row(tmp_path, request,
                                                                    pg_template):
    url, drop = shared_pg_database(template=pg_template)
    request.addfinalizer(drop)
    live_database(url)
    source = db.get_engine(url)
    with source.connect() as reader:
        reader.execute(text("SELECT count(*) FROM users")).scalar()
        dump = backup_sh(url, tmp_path / "backups")
    restored_url, drop_restored = shared_pg_database()
    request.addfinalizer(drop_restored)
    done = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error",
                           f"--dbname={libpq(restored_url)}", str(dump)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert_same_installation(source, create_engine(restored_url))


def test_a_restore_without_the_key_directory_loses_the_open_wave_and_only_it(
        tmp_path, monkeypatch, demo_file):
    url = demo_copy(demo_file, tmp_path / "live.db")
    wave_id = live_database(url)
    source = db.get_engine(url)
    copy = backup_sh(url, tmp_path / "backups")
    keys_then = Path(sealing.key_dir())
    with_keys = tmp_path / "keys-copy"
    shutil.copytree(keys_then, with_keys)

    # Restored on a new server whose key directory is empty.
    monkeypatch.setenv("INTRANET_KEY_DIR", str(tmp_path / "empty-keys"))
    (tmp_path / "empty-keys").mkdir()
    restored = db.get_engine(f"sqlite:///{copy}")
    assert closed_results(restored) == closed_results(source)  # closed waves: all there
    newcomer = load_usernames(ACCOUNTS, EMPLOYEES)[-1][0]
    with pytest.raises(sealing.WaveKeyMissing):  # the open wave accepts no answer
        answer(restored, newcomer, wave_id)
    before = survey_rows(restored, wave_id)
    with pytest.raises(RuntimeError, match="cannot be opened"), \
            db.session_scope(restored) as session:
        surveys.close_wave_now(session, actor(restored, "pr"), wave_id)  # nor can it close
    with restored.connect() as conn:
        assert conn.scalar(select(SurveyWave.status).where(SurveyWave.id == wave_id)) == "open"
    # Its sealed answers stay as they were (unreadable without the key), nothing more.
    assert survey_rows(restored, wave_id) == before == survey_rows(source, wave_id)

    # The same restore with a copy of the key directory: the open wave carries on.
    monkeypatch.setenv("INTRANET_KEY_DIR", str(with_keys))
    answer(restored, newcomer, wave_id)
    with db.session_scope(restored) as session:
        surveys.close_wave_now(session, actor(restored, "pr"), wave_id)
    with restored.connect() as conn:
        assert conn.scalar(select(SurveyWave.status).where(SurveyWave.id == wave_id)) \
            == "closed"
