"""Role home pages and the monthly report.

Pages: `/` for each role (the employee's is in suite_core). Extra: the monthly report
for last month, whole organisation (pr) and a subtree (manager): gathering, then the
document with its charts drawn by the system Chromium (its start timed apart, once per
process). Figures are printed, never asserted. Target: the report for the whole
organisation at L ≤ 20 s.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine

from bench.harness import BenchPage

PAGES = [
    BenchPage("home (manager)", "home.py", "manager"),
    BenchPage("home (pr)", "home.py", "pr"),
    BenchPage("home (admin)", "home.py", "admin"),
]


def extra(engine: Engine, scale: str) -> list[tuple[str, str]]:
    import plotly.graph_objects as go

    from dashboard.report import builder, gather
    from dashboard.report.render import RenderError, render_png
    from data_access import db, users
    from data_access.kpis import Period

    rows = []
    started = time.perf_counter()
    try:
        render_png(go.Figure())
    except RenderError as error:
        return [("monthly report", f"no charts: {error}")]
    rows.append(("report: Chromium start (once per process)",
                 f"{time.perf_counter() - started:.1f} s"))
    month = Period.current("month").previous()
    for username in ("pr", "manager"):
        for run in ("first", "again"):
            began = time.perf_counter()
            with db.session_scope(engine) as session:
                actor = users.active_actor(session, username)
                report = gather.gather(session, actor, month, "fa")
            gathered = time.perf_counter()
            builder.build(report)
            done = time.perf_counter()
            rows.append((f"report {month.key} ({username}, {run})",
                         f"{done - began:.1f} s (gather {gathered - began:.1f}, "
                         f"document {done - gathered:.1f})"))
    return rows
