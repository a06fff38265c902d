"""What surveys show outside their own pages (see dashboard/features.py): the clock
that opens and closes waves, and the reminder in the sidebar and on the home page."""

from __future__ import annotations

import logging
import threading
import time

import streamlit as st

from dashboard.surveys import reads
from dashboard.ui import quiet_count, t
from data_access import jobs
from data_access.db import database_url, get_engine
from data_access.permissions import Actor

log = logging.getLogger("peyvand")
CLOCK_EVERY_SECONDS = 60
_clock_lock = threading.Lock()
_last_tick: dict[str, float] = {}


def clock_tick() -> None:
    """Open and close waves by the clock, at most once a minute per process and database.

    Closing a large wave takes seconds, so it runs in a background thread
    instead of delaying whoever happened to load a page.
    """
    url = database_url()
    with _clock_lock:
        if time.monotonic() - _last_tick.get(url, -1e9) < CLOCK_EVERY_SECONDS:
            return
        _last_tick[url] = time.monotonic()
    threading.Thread(target=_tick, args=(url,), name="survey-clock", daemon=True).start()


def _tick(url: str) -> None:
    try:
        # Once across replicas: None when another process is running the clock.
        changes = jobs.run_survey_clock(get_engine(url))
        if changes is not None and (changes.opened or changes.closed):
            reads.drop_all()
    except Exception:  # noqa: BLE001 - the next tick retries; log for the operator
        log.exception("survey clock failed")


def _reminder_text(count: int) -> str:
    return t("surveys.reminder" if count == 1 else "surveys.reminder_many", count=count)


def sidebar_counter(actor: Actor) -> None:
    """A reminder while a wave is open and unanswered."""
    count = quiet_count(reads.pending_count, actor, "survey reminder")
    if count:
        st.warning(_reminder_text(count), icon=":material/ballot:")


def home_section(actor: Actor) -> None:
    """The same reminder on the home page, with a way to the surveys."""
    from dashboard.navigation import page_path

    count = quiet_count(reads.pending_count, actor, "survey reminder")
    if count:
        with st.container(border=True):
            st.markdown(f"**{_reminder_text(count)}**")
            st.page_link(page_path("surveys.py"), label=t("surveys.reminder_link"),
                         icon=":material/ballot:")
