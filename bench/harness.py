"""Shared pieces of the bench runner: databases kept between runs, page timing."""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select, text

from data_access import db
from data_access.demo import seed_demo
from data_access.models import User

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
APP = ROOT / "dashboard" / "app.py"


@dataclass(frozen=True)
class BenchPage:
    """One page to time: its file under pages/, who views it, and any state it needs."""

    name: str
    page_file: str
    username: str
    session_state: dict = field(default_factory=dict)


def database_url(scale: str, backend: str) -> str:
    if backend == "sqlite":
        CACHE.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{CACHE / f'peyvand-{scale}.db'}"
    name = f"peyvand_bench_{scale.lower()}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_SERVER.rsplit("/", 1)[0] + f"/{name}"


def _seed_times() -> dict:
    path = CACHE / "seed-times.json"
    return json.loads(path.read_text()) if path.exists() else {}


def drop_database(scale: str, backend: str) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (CACHE / f"peyvand-{scale}.db{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "peyvand_bench_{scale.lower()}" WITH (FORCE)'))
    admin.dispose()


def ensure_database(scale: str, backend: str, seed: int = 42,
                    rebuild: bool = False) -> tuple[str, float | None]:
    """Build the database of this scale once; later runs reuse it.

    Returns the URL and the seeding time in seconds (measured when it was built).
    """
    if rebuild:
        drop_database(scale, backend)
    url = database_url(scale, backend)
    engine = db.get_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        populated = session.scalar(select(func.count()).select_from(User))
    key = f"{scale}-{backend}"
    if not populated:
        started = time.perf_counter()
        with db.session_scope(engine) as session:
            seed_demo(session, scale, seed)
        elapsed = time.perf_counter() - started
        if backend == "postgresql":
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        else:
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        times = _seed_times()
        times[key] = elapsed
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / "seed-times.json").write_text(json.dumps(times, indent=1))
    return url, _seed_times().get(key)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_call(fn: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def read_timer(engine: Engine, suite: str, runs: int) -> Callable[..., tuple[str, str]]:
    """`timed(label, query, *args, **kwargs)`: the median of `runs` calls of
    `query(session, *args, **kwargs)`, each in a session of its own, as a printed
    figure ("<suite>: <label>", "12.3 ms")."""

    def timed(label: str, query: Callable[..., object], *args: object,
              **kwargs: object) -> tuple[str, str]:
        def run() -> None:
            with db.session_scope(engine) as session:
                query(session, *args, **kwargs)

        return f"{suite}: {label}", f"{median_ms(time_call(run, runs)):.1f} ms"

    return timed


def time_page(page: BenchPage, runs: int) -> tuple[float, float]:
    """(cold, warm) medians in ms of the page's server-side script run under AppTest.

    Cold: a fresh session with every cache a page reads cleared (the viewer cache's
    groups, survey figures included, and any other st.cache_data). Warm: reruns of
    one session, as when a reader clicks around a page already open.
    """
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import cache

    def open_session() -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.session_state["authentication_status"] = True
        at.session_state["username"] = page.username
        at.session_state["name"] = page.username
        for key, value in page.session_state.items():
            at.session_state[key] = value
        at.run()
        return at

    page_path = str(ROOT / "pages" / page.page_file)
    cold = []
    for _ in range(runs):
        at = open_session()
        cache.clear_all()
        st.cache_data.clear()
        started = time.perf_counter()
        at.switch_page(page_path).run()
        cold.append(time.perf_counter() - started)
        if at.exception:
            raise RuntimeError(f"{page.name}: {at.exception[0].message}")
    at = open_session()
    at.switch_page(page_path).run()
    warm = time_call(at.run, runs)
    return median_ms(cold), median_ms(warm)


def new_id() -> str:
    return uuid.uuid4().hex[:8]
