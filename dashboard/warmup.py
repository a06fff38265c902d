"""Import what the signed-in pages need while the first visitor is still signing in.

Streamlit imports a script's modules on its first run, in the visitor's session: the
first page after a server start paid for pandas, Plotly, the feature packages and
the survey rules. The sign-in page needs none of them; once it has been drawn, one
background thread per process imports them, so that the page after signing in is
ready too. An import that fails here is only logged: the page that needs the module
imports it again and reports the error where a person sees it.
"""

from __future__ import annotations

import importlib
import logging
import threading

log = logging.getLogger("peyvand")

# The feature packages (their views, figures and reads) and the heavy libraries under them.
MODULES = (
    "pandas", "plotly.graph_objects",
    "data_access.surveys", "data_access.news", "data_access.meetings",
    "data_access.action_items",
    "dashboard.tables", "dashboard.charts", "dashboard.exports", "dashboard.jalali_input",
    "dashboard.news", "dashboard.news.feed", "dashboard.news.item", "dashboard.news.hooks",
    "dashboard.surveys", "dashboard.surveys.answering", "dashboard.surveys.figures",
    "dashboard.meetings", "dashboard.meetings.hooks", "dashboard.action_items",
    "dashboard.admin",
)

_started: set[tuple[str, ...]] = set()
_threads: list[threading.Thread] = []
_lock = threading.Lock()


def start(modules: tuple[str, ...] = MODULES) -> bool:
    """Start importing `modules` in the background, once per process and list; True if
    this call started it."""
    with _lock:
        if modules in _started:
            return False
        _started.add(modules)
    thread = threading.Thread(target=_import_all, args=(modules,), name="peyvand-warmup",
                              daemon=True)
    with _lock:
        _threads.append(thread)
    thread.start()
    return True


def _import_all(modules: tuple[str, ...]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - see the module docstring
            log.warning("warm-up could not import %s", name, exc_info=True)
