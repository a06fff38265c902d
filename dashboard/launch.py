"""python -m dashboard.launch [streamlit options]: `streamlit run dashboard/app.py`, warmed.

Streamlit imports an app's modules on the first visitor's first script run, so the
first sign-in page after a start waited for Streamlit's element API, pandas, SQLAlchemy,
Alembic and the sign-in library (issue 10: 9.3 s after the health check answered).
This launcher imports them first (about 1 s here), and only then runs Streamlit
exactly as `streamlit run` does: the server answers its health check once the sign-in
page is ready to be drawn without them. (An earlier version imported in a background
thread while the server started; both then competed for the interpreter.) Only
libraries and `data_access` (no Streamlit calls) are imported here: the app's own UI
modules load in its session. A module that fails to import is only logged: the page
that needs it imports it again and reports the error where a person sees it.
"""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "server.py"  # dashboard/app.py plus /api/health (see there)

# What the sign-in page's first run imports, heaviest first, then what the pages
# behind it need (dashboard.warmup imports the rest after the sign-in page is drawn).
SIGN_IN = (
    "streamlit", "streamlit.elements.plotly_chart", "pandas", "sqlalchemy", "sqlalchemy.orm",
    "alembic.command", "alembic.runtime.migration", "streamlit_authenticator",
    "extra_streamlit_components", "bcrypt", "jwt", "jdatetime",
    "data_access.db", "data_access.models", "data_access.users", "data_access.settings",
    "data_access.permissions", "data_access.surveys", "plotly.graph_objects",
)


def warm(modules: tuple[str, ...] = SIGN_IN) -> None:
    """Import `modules` now, in this thread; a failure is only logged."""
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - see the module docstring
            logging.getLogger("peyvand").warning("could not import %s", name, exc_info=True)


def main(argv: list[str] | None = None) -> int:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    warm()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    raise SystemExit(main())
