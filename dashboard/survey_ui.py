"""Survey pieces shared by the pages: the reminders, the clock that opens and
closes waves, and cached reads keyed by the viewer.

Reads are cached per viewer (the Actor is part of every key), so a manager's
cached results can never be served to anyone else. Closed waves never
change, so their results may be cached for a long time; writes clear the
caches they affect.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

import streamlit as st

from dashboard.formatting import format_datetime
from dashboard.ui import locale, t
from data_access import jobs, surveys
from data_access.db import database_url, get_engine, session_scope
from data_access.models import utcnow
from data_access.permissions import Actor

log = logging.getLogger("peyvand")
CLOCK_EVERY_SECONDS = 60
_clock_lock = threading.Lock()
_last_tick: dict[str, float] = {}


def run_clock() -> None:
    """Open and close waves by the clock, at most once a minute per process.

    Closing a large wave takes seconds, so it runs in a background thread
    instead of delaying whoever happened to load a page.
    """
    url = database_url()
    with _clock_lock:
        if time.monotonic() - _last_tick.get(url, -1e9) < CLOCK_EVERY_SECONDS:
            return
        _last_tick[url] = time.monotonic()

    def tick() -> None:
        try:
            # Once across replicas: None when another process is running the clock.
            changes = jobs.run_survey_clock(get_engine(url))
            if changes is not None and (changes.opened or changes.closed):
                _clear_reads()
        except Exception:  # noqa: BLE001 - the next tick retries; log for the operator
            log.exception("survey clock failed")

    threading.Thread(target=tick, name="survey-clock", daemon=True).start()


def _clear_reads() -> None:
    for cached in (pending_count, open_waves, result_waves, group_results, heatmap, trend,
                   comments, action_items, result_departments, owner_choices, compare_figure,
                   trend_figure, heatmap_figure):
        cached.clear()


def _read(function, *args):
    with session_scope() as session:
        return function(session, *args)


@st.cache_data(ttl=60, show_spinner=False)
def pending_count(actor: Actor, minute: int) -> int:
    return _read(surveys.pending_count, actor)


@st.cache_data(ttl=60, show_spinner=False)
def open_waves(actor: Actor, minute: int) -> list[surveys.OpenWave]:
    return _read(surveys.open_waves_for, actor)


@st.cache_data(ttl=60, show_spinner=False)
def result_waves(actor: Actor) -> list[surveys.WaveOption]:
    return _read(surveys.result_waves, actor)


@st.cache_data(ttl=600, show_spinner=False, max_entries=500)
def group_results(actor: Actor, wave_id: int, department_id: int | None,
                  status: str) -> surveys.GroupResults:
    # `status` is part of the key: an open wave's participation changes, a closed one's never.
    return _read(surveys.group_results, actor, wave_id, department_id)


@st.cache_data(ttl=600, show_spinner=False, max_entries=500)
def heatmap(actor: Actor, wave_id: int, focus: int | None) -> list[surveys.HeatRow]:
    return _read(surveys.heatmap, actor, wave_id, focus)


@st.cache_data(ttl=600, show_spinner=False, max_entries=500)
def trend(actor: Actor, survey_id: int, department_id: int | None,
          latest_wave: int) -> list[surveys.TrendPoint]:
    return _read(surveys.survey_trend, actor, survey_id, department_id)


@st.cache_data(ttl=600, show_spinner=False, max_entries=200)
def comments(actor: Actor, wave_id: int, department_id: int | None) -> surveys.CommentsResult:
    return _read(surveys.wave_comments, actor, wave_id, department_id)


@st.cache_data(ttl=600, show_spinner=False, max_entries=500)
def result_departments(actor: Actor, wave_id: int) -> list[surveys.DepartmentRef]:
    return _read(surveys.result_departments, actor, wave_id)


@st.cache_data(ttl=300, show_spinner=False, max_entries=500)
def owner_choices(actor: Actor, department_id: int | None) -> list[tuple[int, str]]:
    return list(_read(surveys.owner_choices, actor, department_id, "", 1, 500).items)


@st.cache_data(ttl=60, show_spinner=False)
def action_items(actor: Actor, wave_id: int) -> list[surveys.ActionItemRow]:
    return _read(surveys.survey_action_items, actor, wave_id)


def current_minute() -> int:
    return int(time.time() // 60)


def after_submit() -> None:
    """A submission changes the reminders and the live participation figures."""
    pending_count.clear()
    open_waves.clear()
    group_results.clear()


def _reminder_text(count: int) -> str:
    return t("surveys.reminder" if count == 1 else "surveys.reminder_many", count=count)


def _pending(actor: Actor) -> int:
    if actor is None:
        return 0
    run_clock()
    try:
        return pending_count(actor, current_minute())
    except Exception:  # noqa: BLE001 - a reminder must never break a page
        log.exception("survey reminder failed")
        return 0


def sidebar(actor: Actor) -> None:
    """A reminder while a wave is open and unanswered."""
    count = _pending(actor)
    if count:
        st.warning(_reminder_text(count), icon=":material/ballot:")


def home_reminder(actor: Actor) -> None:
    """The same reminder on the home page, with a way to the surveys."""
    count = _pending(actor)
    if count:
        with st.container(border=True):
            st.markdown(f"**{_reminder_text(count)}**")
            st.page_link(surveys_page(), label=t("surveys.reminder_link"),
                         icon=":material/ballot:")


def surveys_page():
    from dashboard.navigation import ROOT

    return str(ROOT / "pages" / "surveys.py")


def when(moment: datetime) -> str:
    """An instant as the survey pages show it: long Jalali date and Tehran time."""
    return format_datetime(moment, locale(), style="long")


def wave_label(wave: surveys.WaveOption) -> str:
    status = t("surveys.results.status_open" if wave.status == "open"
               else "surveys.results.status_closed")
    from dashboard.formatting import format_date

    return t("surveys.results.wave_label", title=wave.title(locale()), number=wave.number,
             date=format_date(wave.closes_at, locale(), "long"), status=status)


def isolate(text: str) -> str:
    """User text in its own direction: a Persian comment on an English page (or the
    reverse) keeps its punctuation where its writer put it."""
    return "\u2068" + text + "\u2069"


def now() -> datetime:
    return utcnow()


# --- Figures: built once per viewer, wave, group and language -------------------------------
#
# Building a Plotly figure costs more than every query of the results page, so
# figures are cached as resources (not pickled) with the viewer in the key.

def _figure_text(key: str, lang: str, **params) -> str:
    from dashboard.i18n import translate

    return translate(key, lang, **params)


@st.cache_resource(ttl=600, max_entries=300, show_spinner=False)
def compare_figure(actor: Actor, wave_id: int, department_id: int | None, status: str,
                   lang: str):
    """This group's driver scores beside the organisation's."""
    import pandas as pd

    from dashboard import charts
    from dashboard.survey_labels import DRIVER_LABELS

    results = group_results(actor, wave_id, department_id, status)
    shown = [d for d in results.drivers if d.score is not None]
    this = _figure_text("surveys.results.this_group", lang)
    whole = _figure_text("surveys.results.organisation", lang)
    frame = pd.DataFrame(
        [{"driver": DRIVER_LABELS[lang][d.driver], "series": this, "score": d.score}
         for d in shown]
        + [{"driver": DRIVER_LABELS[lang][d.driver], "series": whole, "score": d.org_score}
           for d in shown if d.org_score is not None])
    return charts.bar_chart(frame, "driver", "score", lang, color="series",
                            labels={"score": _figure_text("surveys.results.col.score", lang)},
                            show_values=True)


@st.cache_resource(ttl=600, max_entries=300, show_spinner=False)
def trend_figure(actor: Actor, survey_id: int, department_id: int | None, latest_wave: int,
                 lang: str):
    """Driver scores across the closed waves; hidden points are gaps."""
    import pandas as pd

    from dashboard import charts
    from dashboard.survey_labels import DRIVER_LABELS

    points = [p for p in trend(actor, survey_id, department_id, latest_wave)
              if p.measure != "enps"]
    frame = pd.DataFrame([{"date": p.closes_at.date(), "score": p.value,
                           "driver": DRIVER_LABELS[lang][p.measure]} for p in points])
    return charts.line_chart(frame, "date", "score", lang, color="driver",
                             labels={"score": _figure_text("surveys.results.col.score", lang)})


def _rtl_line(line: str, lang: str) -> str:
    # Plotly draws SVG text left to right: embed Persian lines so «۵ پاسخ» keeps its order.
    return "\u202b" + line + "\u202c" if lang == "fa" else line


@st.cache_resource(ttl=600, max_entries=300, show_spinner=False)
def heatmap_figure(actor: Actor, wave_id: int, focus: int | None, k: int, lang: str):
    """Department × driver scores; hidden cells carry their reason as a label."""
    import pandas as pd

    from dashboard import charts
    from dashboard.formatting import localize_digits
    from dashboard.survey_labels import DRIVER_LABELS

    rows = heatmap(actor, wave_id, focus)
    drivers = [d for d in DRIVER_LABELS[lang] if any(d in r.cells for r in rows)]
    if not drivers:  # every row hidden: still show the drivers of the wave
        drivers = [d for d in DRIVER_LABELS[lang] if d != "enps"]
    y_labels = [("\u2003" if row.depth else "") + row.department.label(lang) for row in rows]
    x_labels = [DRIVER_LABELS[lang][d] for d in drivers]
    cells, hidden = [], []
    for row, y in zip(rows, y_labels, strict=True):
        for driver, x in zip(drivers, x_labels, strict=True):
            cell = row.cells.get(driver)
            reason = row.hidden or (cell.hidden if cell else "below_k")
            cells.append({"department": y, "driver": x,
                          "score": None if reason or cell is None else cell.score})
            if reason:
                hidden.append((y, x, reason))
    figure = charts.heatmap(pd.DataFrame(cells), "driver", "department", "score", lang,
                            zmin=0, zmax=100, x_order=x_labels, y_order=y_labels)
    for y, x, reason in hidden:
        label = _figure_text(f"surveys.results.hidden_short.{reason}", lang, k=k)
        figure.add_annotation(
            x=localize_digits(x, lang), y=localize_digits(y, lang), showarrow=False,
            text="<br>".join(_rtl_line(line, lang) for line in label.split("\n")),
            font={"size": 10, "color": "#6B7280"})
    # Room for the department names on the reading-start side, the colour bar opposite.
    names = 24 + 8 * max(len(label) for label in y_labels)
    figure.update_layout(height=max(260, 90 + 46 * len(rows)),
                         margin={"r": names, "l": 70} if lang == "fa" else {"l": names, "r": 70})
    return figure
