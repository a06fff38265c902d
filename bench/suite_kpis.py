"""KPIs: the data-level reads behind /kpis (cards, series, comparison, status matrix).

Figures are printed, never asserted. Issue 12's targets are for the page (warm rerun
≤ 250 ms at L, cold ≤ 1.5 s, L ≤ 2× S); these are the uncached reads a cold page
starts from. The page timings (PAGES) are the UI's part of this suite.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from bench.harness import BenchPage, read_timer
from data_access import db, kpis, users
from data_access.kpis import builtin
from data_access.kpis.periods import Period
from data_access.models import Department
from data_access.models.kpis import KpiDefinition, KpiValue

RUNS = 5

# --- the page (kpi-ui): its default view and filtered views, by widget state as a reader
# leaves it (the URL is written from the same widgets) ---
_LAST = Period.current("month").previous()
_FIRST = _LAST.shift(-23)
_TWO_YEARS = {"kpi_from__month_n": _FIRST.number, "kpi_from__month_y": _FIRST.year}
PAGES = [
    BenchPage("/kpis cards, organisation (pr)", "kpis.py", "pr"),
    BenchPage("/kpis cards, own subtree (manager)", "kpis.py", "manager"),
    BenchPage("/kpis trend read_rate, 24 months (pr)", "kpis.py", "pr",
              {"kpi_view": "trend", "kpi_code": "read_rate", **_TWO_YEARS}),
    BenchPage("/kpis departments, read_rate (pr)", "kpis.py", "pr",
              {"kpi_view": "compare", "kpi_code": "read_rate"}),
    BenchPage("/kpis status map, surveys group (manager)", "kpis.py", "manager",
              {"kpi_view": "heatmap", "kpi_group": "surveys"}),
]


def extra(engine: Engine, scale: str) -> list[tuple[str, str]]:
    with db.session_scope(engine) as session:
        builtin.ensure_builtins(session)  # a bench database built before the KPIs
    with db.session_scope(engine) as session:
        pr = users.active_actor(session, "pr")
        manager = users.active_actor(session, "manager")
        counts = [session.scalar(select(func.count()).select_from(model))
                  for model in (Department, KpiDefinition, KpiValue)]
        custom = session.scalar(select(KpiDefinition.code)
                                .where(KpiDefinition.source == "custom")
                                .order_by(KpiDefinition.id))
    month = Period.current("month").previous()
    quarter = month.quarter()

    timed = read_timer(engine, "kpis", RUNS)

    figures = [("kpis: departments / definitions / values",
                " / ".join(f"{n:,}" for n in counts))]
    figures += [
        timed("cards, whole organisation, 12-month sparks (pr)", kpis.cards, pr, None, month),
        timed("cards, own subtree (manager)", kpis.cards, manager, None, month),
        timed("cards, quarter (pr)", kpis.cards, pr, None, quarter, spark=8),
        timed("series read_rate, 36 months (pr)", kpis.series, pr, "read_rate", None,
              month.shift(-35), month),
        timed("series belonging, 36 months (pr)", kpis.series, pr, "belonging", None,
              month.shift(-35), month),
        timed("series actions_overdue, 36 months (pr)", kpis.series, pr, "actions_overdue",
              None, month.shift(-35), month),
        timed("compare departments, read_rate (pr)", kpis.compare_departments, pr,
              "read_rate", None, month),
        timed("status matrix, top departments (pr)", kpis.status_matrix, pr, None, month),
        timed("status matrix, own subtree (manager)", kpis.status_matrix, manager, None,
              month),
    ]
    if custom:
        figures.append(timed(f"series {custom}, 36 months (pr)", kpis.series, pr, custom,
                             None, month.shift(-35), month))
    return figures
