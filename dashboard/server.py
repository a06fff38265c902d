"""The app as Streamlit serves it, plus one HTTP route: `/api/health`.

`streamlit run dashboard/server.py` (what `python -m dashboard.launch` runs) finds the
`st.App` below and serves `dashboard/app.py` exactly as `streamlit run dashboard/app.py`
would, with one more route for nginx and monitoring that touches the database (issue 9):
Streamlit's own `/_stcore/health` says only that the process is up.

`GET /api/health` runs `python -m dashboard check --quick` (a query and the migration
table) in a worker thread and answers 200 `{"status": "ok", …}` or 503
`{"status": "fail", …}` with each check's name and status — never the database's
address, an error's text or a key.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/server.py` puts only dashboard/ on it
    sys.path.insert(0, str(ROOT))

import anyio  # noqa: E402
import streamlit as st  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

HEALTH_PATH = "/api/health"


def quick_health() -> tuple[int, dict]:
    """(HTTP status, body) of the quick check: names and statuses only."""
    from dashboard.__main__ import run_checks

    checks = {what: status for status, what, _detail in run_checks(quick=True)}
    healthy = bool(checks) and all(status == "ok" for status in checks.values())
    return (200 if healthy else 503), {"status": "ok" if healthy else "fail", "checks": checks}


async def health(_request: Request) -> JSONResponse:
    status, body = await anyio.to_thread.run_sync(quick_health)
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


app = st.App(str(ROOT / "dashboard" / "app.py"), routes=[Route(HEALTH_PATH, health)])
