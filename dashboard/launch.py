"""python -m dashboard.launch [streamlit options]: `streamlit run dashboard/app.py`, warmed.

Streamlit imports an app's modules on the first visitor's first script run, so the
first sign-in page after a start waited for Streamlit's element API, pandas, SQLAlchemy,
Alembic and the sign-in library (issue 10: 9.3 s after the health check answered).
This launcher starts importing them in a background thread and then runs Streamlit
exactly as `streamlit run` does; by the time a browser has loaded Streamlit's page and
opened its websocket the imports are done. Only libraries and `data_access` (no
Streamlit calls) are imported here: the app's own UI modules load in its session.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"

# What the sign-in page's first run imports, heaviest first, then what the pages
# behind it need (dashboard.warmup imports the rest after the sign-in page is drawn).
SIGN_IN = (
    "streamlit", "streamlit.elements.plotly_chart", "pandas", "sqlalchemy", "sqlalchemy.orm",
    "alembic.command", "alembic.runtime.migration", "streamlit_authenticator",
    "extra_streamlit_components", "bcrypt", "jwt", "jdatetime",
    "data_access.db", "data_access.models", "data_access.users", "data_access.settings",
    "data_access.permissions", "data_access.surveys", "plotly.graph_objects",
)


def main(argv: list[str] | None = None) -> int:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from dashboard import warmup

    warmup.start(SIGN_IN)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    raise SystemExit(main())
