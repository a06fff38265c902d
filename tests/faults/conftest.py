"""Fault helpers: a private PostgreSQL cluster that a test may stop and start, demo
databases with load accounts, browserless sessions that do the writes users do (answer
the open survey, acknowledge an urgent notice), and the row checks that say nothing was
lost or written twice.

App servers and nginx come from tests/servers.py (shared with tests/load)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench import load
from data_access import db
from data_access.demo import create_load_accounts, parse_mix, seed_demo
from data_access.health import LAST_BACKUP
from data_access.models import Base
from data_access.models.news import Announcement
from data_access.models.surveys import SurveyParticipation, SurveySubmissionPool, SurveyWave
from tests.conftest import IN_CI, PG_SERVER
from tests.servers import is_free

PASSWORD = "load-pass-1"
ACCOUNTS = 9  # load employees in every demo database of these tests
EMPLOYEES = parse_mix("employee=1")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PRIVATE_PG_PORT = 55432


# --- databases ---------------------------------------------------------------------------
def seed(url: str, accounts: int, seed_number: int = 6) -> None:
    """Migrate and fill with the demo municipality (S) and `accounts` load employees."""
    engine = db.get_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        seed_demo(session, "S", seed=seed_number)
        create_load_accounts(session, accounts, PASSWORD, EMPLOYEES)
    engine.dispose()


def shared_pg_database(template: str | None = None) -> tuple[str, callable]:
    """A new database on the shared server, empty or a copy of `template`: (url, drop)."""
    name = f"peyvand_fault_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    except Exception as error:  # noqa: BLE001
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {error}")
        pytest.skip(f"PostgreSQL not available: {error}")
    url = PG_SERVER.rsplit("/", 1)[0] + f"/{name}"

    def drop() -> None:
        db.get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


# Seeding the demo municipality takes seconds on a busy machine: once per test run for
# each backend, then copied (a file copy; CREATE DATABASE ... TEMPLATE).
@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fault-template") / "demo.db"
    seed(f"sqlite:///{path}", ACCOUNTS)  # engine disposed: the WAL is checkpointed
    return path


def demo_copy(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def pg_template(request) -> str:
    """The name of a seeded database on the shared server, to copy with pg_demo."""
    url, drop = shared_pg_database()
    request.addfinalizer(drop)
    seed(url, ACCOUNTS)
    db.get_engine(url).dispose()  # a template must have no connections
    return url.rsplit("/", 1)[1]


def app_env(url: str, workdir: Path, cookie_key: str) -> dict[str, str]:
    """What every replica of one installation shares."""
    return {"DATABASE_URL": url, "INTRANET_DATA_DIR": str(workdir),
            "INTRANET_KEY_DIR": os.environ["INTRANET_KEY_DIR"],
            "INTRANET_COOKIE_KEY": cookie_key, "INTRANET_BCRYPT_ROUNDS": "4"}


def open_wave_id(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(SurveyWave.id).where(SurveyWave.status == "open"))


def urgent_ack_item(engine) -> int:
    """The demo's urgent notice that everyone must acknowledge (shown as a banner)."""
    with engine.connect() as conn:
        return conn.scalar(select(Announcement.id).where(
            Announcement.priority == "urgent", Announcement.ack_required.is_(True),
            Announcement.audience_all.is_(True), Announcement.status == "live")
            .order_by(Announcement.id))


def survey_rows(engine, wave_id: int) -> dict[str, int]:
    """What an open wave holds: participation rows, distinct participants, pool rows."""
    with engine.connect() as conn:
        participation = conn.scalar(select(func.count()).select_from(SurveyParticipation)
                                    .where(SurveyParticipation.wave_id == wave_id))
        people = conn.scalar(select(func.count(func.distinct(SurveyParticipation.user_id)))
                             .where(SurveyParticipation.wave_id == wave_id))
        pool = conn.scalar(select(func.count()).select_from(SurveySubmissionPool)
                           .where(SurveySubmissionPool.wave_id == wave_id))
    return {"participation": participation, "people": people, "pool": pool}


def participants(engine, wave_id: int) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(text(
            "SELECT u.username FROM survey_participation p JOIN users u ON u.id = p.user_id "
            "WHERE p.wave_id = :w"), {"w": wave_id}))


def acknowledged(engine, item_id: int) -> list[str]:
    """Usernames with an acknowledgement of the item (a list: duplicates would show)."""
    with engine.connect() as conn:
        return list(conn.scalars(text(
            "SELECT u.username FROM announcement_receipts r JOIN users u ON u.id = r.user_id "
            "WHERE r.announcement_id = :i AND r.acknowledged_at IS NOT NULL"), {"i": item_id}))


def table_fingerprints(engine) -> dict[str, tuple[int, str]]:
    """Every table's row count and a SHA-256 of its rows in primary-key order."""
    tables = [*Base.metadata.sorted_tables]
    result = {}
    with engine.connect() as conn:
        for table in tables:
            order = list(table.primary_key.columns) or list(table.columns)
            query = select(table).order_by(*order)
            if table.name == "app_settings":
                # The backup records itself in the source after the copy is taken
                # (health.LAST_BACKUP): the one row a restored copy cannot hold.
                query = query.where(table.c.key != LAST_BACKUP)
            rows = conn.execute(query).all()
            digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
            result[table.name] = (len(rows), digest)
        result["alembic_version"] = (1, conn.scalar(text("SELECT version_num FROM "
                                                         "alembic_version")))
    return result


# --- a private PostgreSQL cluster ------------------------------------------------------
@dataclass
class Cluster:
    """A PostgreSQL 15 cluster of this test run only, which it may stop and start."""

    datadir: Path
    port: int
    as_postgres: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(self.datadir),
                        "-l", str(self.datadir / "server.log"), "-w", "-t", "60", *args],
                       check=True, capture_output=True)

    def start(self) -> None:
        # fsync off: this cluster's durability is not under test, and seeding is faster.
        self._ctl("-o", f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "stop")

    def running(self) -> bool:
        return subprocess.run([*self.as_postgres, str(PG_BIN / "pg_ctl"), "-D",
                               str(self.datadir), "status"], capture_output=True).returncode == 0

    def database(self, name: str, copy_of: str | None = None) -> str:
        """A new database, empty or a copy of a database elsewhere (pg_dump | pg_restore)."""
        admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = self.url.rsplit("/", 1)[0] + f"/{name}"
        if copy_of:
            dump = subprocess.run(["pg_dump", "--format=custom", libpq(copy_of)], check=True,
                                  capture_output=True, timeout=300).stdout
            subprocess.run(["pg_restore", "--no-owner", "--exit-on-error",
                            f"--dbname={libpq(url)}"], input=dump, check=True,
                           capture_output=True, timeout=300)
        return url


def libpq(url: str) -> str:
    """A SQLAlchemy URL as pg_dump and pg_restore take it."""
    return url.replace("postgresql+psycopg:", "postgresql:")


@pytest.fixture(scope="module")
def private_cluster():
    """initdb + pg_ctl on port 55432 (the next free one if taken), as the postgres user
    when the tests run as root (PostgreSQL refuses to run as root)."""
    if not (PG_BIN / "initdb").exists():
        if IN_CI:
            pytest.fail(f"{PG_BIN}/initdb is required in CI (postgresql-15)")
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    as_postgres: list[str] = []
    datadir = Path(tempfile.mkdtemp(prefix="peyvand-fault-pg-"))
    if os.geteuid() == 0:
        as_postgres = ["runuser", "-u", "postgres", "--"]
        shutil.chown(datadir, "postgres", "postgres")
    subprocess.run([*as_postgres, str(PG_BIN / "initdb"), "-D", str(datadir), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
                   check=True, capture_output=True)
    # 55432 lies in the ephemeral range: a client socket may hold it for a moment.
    for port in range(PRIVATE_PG_PORT, PRIVATE_PG_PORT + 20):
        if not is_free(port):
            continue
        cluster = Cluster(datadir, port, as_postgres)
        try:
            cluster.start()
            break
        except subprocess.CalledProcessError:
            continue
    else:
        shutil.rmtree(datadir, ignore_errors=True)
        pytest.fail(f"no private PostgreSQL could start: {datadir}/server.log")
    yield cluster
    if cluster.running():
        cluster.stop("immediate")
    shutil.rmtree(datadir, ignore_errors=True)


# --- what users do, through the harness --------------------------------------------------
def widget(session: load.Session, key: str) -> str | None:
    """The id of the widget with this user key in the last run the session saw."""
    return next((wid for wid in session.last.elements if wid.endswith(f"-{key}")), None)


async def click(session: load.Session, key: str) -> load.Outcome:
    wid = widget(session, key)
    if wid is None:
        raise load.SessionError("no_widget", key)
    return await session.interact([WidgetState(id=wid, trigger_value=True)])


def signed_in(session: load.Session) -> bool:
    return len(session.pages) > 1


class Browser(load.Session):
    """A harness session that, like a browser, sends the cookies it holds with the page
    request too (bench.load's own Session starts from none), so that a browser coming back
    brings nginx's affinity cookie."""

    def _load_page(self) -> None:
        headers = ({"Cookie": "; ".join(f"{k}={v}" for k, v in self.http_cookies.items())}
                   if self.http_cookies else {})
        request = urllib.request.Request(self.url, headers=headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.http_cookies[name.strip()] = rest.split(";", 1)[0]
            self.replica = response.headers.get("X-Peyvand-Replica", "")


async def sign_in(url: str, username: str, timeout: float = 60) -> load.Session:
    session = Browser(url, timeout)
    await session.connect()
    await session.open_app()
    await session.sign_in(username, PASSWORD)
    return session


async def answer_survey(session: load.Session, wave_id: int,
                        before_submit=None) -> load.Outcome:
    """Open the wave from the survey list, pick an answer for every question, submit
    (calling `before_submit()` just before the submit goes out)."""
    await session.visit("surveys")
    await click(session, f"answer_{wave_id}")
    states = []
    for wid, element in session.last.elements.items():
        if f"-survey_answer_{wave_id}_" not in wid:
            continue
        if type(element).__name__ == "Radio":
            states.append(WidgetState(id=wid, int_value=len(element.options) - 1))
        else:
            states.append(WidgetState(id=wid, string_value=""))
    submit = widget(session, f"survey_submit_{wave_id}")
    if not states or submit is None:
        raise load.SessionError("no_survey_form", str(wave_id))
    states.append(WidgetState(id=submit, trigger_value=True))
    if before_submit is not None:
        before_submit()
    return await session.interact(states)


async def resume(old: load.Session, url: str, timeout: float = 60) -> load.Session:
    """The same browser opening the app again (a new tab, a reconnect): its cookies (nginx's
    affinity cookie, the sign-in cookie) come along, nothing else."""
    session = Browser(url, timeout)
    session.cookies = dict(old.cookies)
    # One cookie jar, as in a browser: the sign-in cookie the app set through its cookie
    # component goes with the page and websocket requests (the app reads it from there).
    session.http_cookies = {**old.http_cookies, **old.cookies}
    await session.connect()
    await session.open_app()
    return session


def wait_until(condition, seconds: float = 60, every: float = 0.5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return condition()
