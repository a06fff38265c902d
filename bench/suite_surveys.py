"""Pulse surveys: the results page, the naive baseline it must beat, and
submissions per second under concurrent writers.

Figures are printed, never asserted. Targets: results warm ≤ 250 ms at L on
both databases, L ≤ 2× S, ≥ 20× faster than the naive baseline at L, and
≥ 500 submissions/s on PostgreSQL with 32 writers (the median of three
rounds, each on a fresh wave, because one round is at the mercy of a shared
machine).
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from datetime import timedelta

import pandas as pd
from sqlalchemy import Engine, delete, select, text

from bench.harness import BenchPage, median_ms, time_call
from data_access import db, surveys, users
from data_access.errors import Conflict
from data_access.models import User, utcnow
from data_access.models.surveys import (
    Survey,
    SurveyItem,
    SurveyParticipation,
    SurveySubmissionPool,
    SurveyWave,
    SurveyWaveDepartment,
    SurveyWaveItem,
)
from data_access.surveys import DRIVERS

PAGES = [
    BenchPage("survey results (pr, whole organisation)", "survey_results.py", "pr"),
    BenchPage("survey results (manager, own subtree)", "survey_results.py", "manager"),
]
RUNS = 5
WRITERS = {"postgresql": 32, "sqlite": 1}
ROUNDS = 3
SUBMISSIONS = {"S": 480, "M": 2_000, "L": 6_400}


def extra(engine: Engine, scale: str) -> list[tuple[str, str]]:
    figures: list[tuple[str, str]] = []
    figures += _results_against_naive(engine)
    figures += _submissions(engine, scale)
    return figures


# --- Results from the pre-aggregates against the naive way ------------------------------------

def _latest_closed_wave(session) -> SurveyWave | None:
    return session.scalars(select(SurveyWave).where(SurveyWave.status == "closed")
                           .order_by(SurveyWave.closes_at.desc())).first()


def _page_path(engine: Engine, actor, wave_id: int) -> dict[str, float]:
    """What the page computes for the whole organisation: items, drivers, eNPS, heatmap."""
    with db.session_scope(engine) as session:
        results = surveys.group_results(session, actor, wave_id, None)
        heat = surveys.heatmap(session, actor, wave_id, None)
    scores = {f"driver:{d.driver}": d.score for d in results.drivers}
    if results.enps and results.enps.enps:
        scores["enps"] = results.enps.enps.enps
    for row in heat:
        for driver, cell in row.cells.items():
            scores[f"heat:{row.department.id}:{driver}"] = cell.score
    return scores


def _naive(engine: Engine, wave_id: int) -> dict[str, float]:
    """All answer rows of the wave into pandas, grouped there (no pre-aggregates)."""
    with engine.connect() as connection:
        answers = pd.read_sql(text("SELECT department_id, wave_item_id, value FROM survey_answers"
                                   " WHERE wave_id = :w"), connection, params={"w": wave_id})
        items = pd.read_sql(text("SELECT id, driver, kind FROM survey_wave_items"
                                 " WHERE wave_id = :w"), connection, params={"w": wave_id})
        tree = pd.read_sql(text("SELECT department_id, parent_id, report_department_id"
                                " FROM survey_wave_departments WHERE wave_id = :w"),
                           connection, params={"w": wave_id})
    answers = answers.merge(items, left_on="wave_item_id", right_on="id")
    scores: dict[str, float] = {}
    likert = answers[answers.kind == "likert5"]
    for driver in DRIVERS:
        part = likert[likert.driver == driver]
        if part.empty:
            continue
        per_item = part.groupby("wave_item_id").value.mean()
        scores[f"driver:{driver}"] = float(((per_item - 1) * 25).mean())
    enps = answers[answers.kind == "enps"].value
    if len(enps):
        scores["enps"] = float(100 * ((enps >= 9).mean() - (enps <= 6).mean()))
    # Heatmap: the root's children, each with its whole subtree.
    parents = dict(zip(tree.department_id, tree.parent_id, strict=True))
    roots = [d for d, p in parents.items() if pd.isna(p)]
    labels = set(tree[tree.department_id == tree.report_department_id].department_id)
    if len(roots) == 1:
        focus = roots[0]
        rows = [focus] + sorted(d for d, p in parents.items() if p == focus)
        for department in rows:
            if department not in labels:
                continue
            subtree = _subtree(parents, department)
            part = likert[likert.department_id.isin(subtree)]
            for driver in DRIVERS:
                cell = part[part.driver == driver]
                if not cell.empty:
                    per_item = cell.groupby("wave_item_id").value.mean()
                    scores[f"heat:{department}:{driver}"] = float(((per_item - 1) * 25).mean())
    return scores


def _subtree(parents: dict, root) -> set:
    children: dict = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, stack = set(), [root]
    while stack:
        node = stack.pop()
        found.add(node)
        stack.extend(children.get(node, []))
    return found


def _results_against_naive(engine: Engine) -> list[tuple[str, str]]:
    with db.session_scope(engine) as session:
        wave = _latest_closed_wave(session)
        pr = users.active_actor(session, "pr")
        rows = session.scalar(text("SELECT count(*) FROM survey_answers WHERE wave_id = :w"),
                              {"w": wave.id}) if wave else 0
    if wave is None or pr is None:
        return [("surveys: results vs naive", "no closed wave")]
    page = median_ms(time_call(lambda: _page_path(engine, pr, wave.id), RUNS))
    naive = median_ms(time_call(lambda: _naive(engine, wave.id), RUNS))
    ours, theirs = _page_path(engine, pr, wave.id), _naive(engine, wave.id)
    # The page hides suppressed cells; compare what both show.
    same = all(abs(value - theirs.get(key, float("nan"))) < 1e-6
               for key, value in ours.items() if value is not None)
    return [
        ("surveys: results from pre-aggregates", f"{page:.0f} ms"),
        (f"surveys: naive ({rows:,} rows into pandas)", f"{naive:.0f} ms"),
        ("surveys: naive / pre-aggregates (target ≥ 20×)", f"{naive / page:.1f}×"),
        ("surveys: same figures as the naive way", "yes" if same else "NO"),
    ]


# --- Submissions ----------------------------------------------------------------------------------

def _bench_wave(engine: Engine) -> tuple[int, int]:
    """A throw-away survey open now for everyone; returns (survey id, wave id)."""
    now = utcnow()
    with db.session_scope(engine) as session:
        pr = users.active_actor(session, "pr")
        survey_id = surveys.create_survey(session, pr, surveys.SurveyDraft(
            title_fa="سنجش سرعت", opens_at=now - timedelta(minutes=1),
            closes_at=now + timedelta(hours=6),
            bank_codes=("bel_01", "bel_03", "sat_01", "rec_01", "mgr_02", "wlb_01", "grw_04",
                        "enps_01")), now=now)
        wave_id = session.scalar(select(SurveyWave.id).where(SurveyWave.survey_id == survey_id))
    return survey_id, wave_id


def _drop_bench_wave(engine: Engine, survey_id: int, wave_id: int) -> None:
    with db.session_scope(engine) as session:
        for table in (SurveySubmissionPool, SurveyParticipation, SurveyWaveDepartment,
                      SurveyWaveItem):
            session.execute(delete(table).where(table.wave_id == wave_id))
        session.execute(delete(SurveyWave).where(SurveyWave.id == wave_id))
        session.execute(delete(SurveyItem).where(SurveyItem.survey_id == survey_id))
        session.execute(text("DELETE FROM survey_audience WHERE survey_id = :s"),
                        {"s": survey_id})
        session.execute(text("DELETE FROM audit_log WHERE entity = 'survey' AND entity_id = :s"),
                        {"s": str(survey_id)})
        session.execute(delete(Survey).where(Survey.id == survey_id))


def _submissions(engine: Engine, scale: str) -> list[tuple[str, str]]:
    """Submissions per second: the median of ROUNDS rounds, each on a fresh wave."""
    writers = WRITERS.get(engine.dialect.name, 1)
    rounds = [_submission_round(engine, scale, writers) for _ in range(ROUNDS)]
    latencies = [x for r in rounds for x in r["latencies"]]
    quantiles = statistics.quantiles(latencies, n=20)
    rates = sorted(r["rate"] for r in rounds)
    return [
        (f"surveys: submissions/s, {writers} writer(s), median",
         f"{statistics.median(rates):.0f}/s"),
        (f"surveys: submissions/s, slowest / fastest of {ROUNDS}",
         f"{rates[0]:.0f} / {rates[-1]:.0f}/s"),
        ("surveys: submission latency p50 / p95",
         f"{statistics.median(latencies) * 1000:.1f} / {quantiles[18] * 1000:.1f} ms"),
        ("surveys: submitted/stored/pooled/refused, per round",
         "; ".join(f"{r['people']}/{r['stored']}/{r['pooled']}/{r['refused']}"
                   + (f" ({r['failed']} failed)" if r["failed"] else "") for r in rounds)),
        ("surveys: none lost or duplicated", "yes" if all(r["exact"] for r in rounds) else "NO"),
    ]


def _submission_round(engine: Engine, scale: str, writers: int) -> dict:
    """One round on a fresh wave: every person submits once, every 16th twice."""
    survey_id, wave_id = _bench_wave(engine)
    try:
        with db.session_scope(engine) as session:
            people = session.execute(select(User).where(User.active.is_(True))
                                     .order_by(User.id).limit(SUBMISSIONS[scale])).scalars()
            actors = [users.to_actor(user) for user in people]
            items = surveys.wave_form(session, actors[0], wave_id).items
        rng = random.Random(1)
        work = [(actor, {item.id: rng.randint(0, 10) if item.kind == "enps"
                         else rng.randint(1, 5) for item in items}) for actor in actors]
        # Every 16th person tries a second time: it must be refused, not counted.
        work += [(actor, answers) for actor, answers in work[::16]]
        rng.shuffle(work)
        latencies: list[float] = []
        outcomes = {"ok": 0, "refused": 0, "failed": 0}
        lock = threading.Lock()
        queue = iter(work)

        def writer() -> None:
            while True:
                with lock:
                    job = next(queue, None)
                if job is None:
                    return
                actor, answers = job
                started = time.perf_counter()
                try:
                    with db.session_scope(engine) as session:
                        surveys.submit(session, actor, wave_id, answers)
                    outcome = "ok"
                except Conflict:
                    outcome = "refused"
                except Exception:  # noqa: BLE001 - counted and reported
                    outcome = "failed"
                elapsed = time.perf_counter() - started
                with lock:
                    outcomes[outcome] += 1
                    latencies.append(elapsed)

        threads = [threading.Thread(target=writer) for _ in range(writers)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        with db.session_scope(engine) as session:
            stored = session.scalar(text("SELECT count(*) FROM survey_participation"
                                         " WHERE wave_id = :w"), {"w": wave_id})
            pooled = session.scalar(text("SELECT count(*) FROM survey_submission_pool"
                                         " WHERE wave_id = :w"), {"w": wave_id})
        return {"rate": outcomes["ok"] / wall, "latencies": latencies, "people": len(actors),
                "stored": stored, "pooled": pooled, "refused": outcomes["refused"],
                "failed": outcomes["failed"],
                "exact": stored == pooled == outcomes["ok"] == len(actors)
                and outcomes["refused"] == len(work) - len(actors) and not outcomes["failed"]}
    finally:
        _drop_bench_wave(engine, survey_id, wave_id)
