"""Survey figures, built once per viewer, wave, group and language.

Building a Plotly figure costs more than every query of the results page, so
figures are cached too: through dashboard/cache.py like every read (keyed by
the viewer and its generation, dropped by the same invalidations, cleared by
`cache.clear_all()` in the bench's cold runs). The cache holds the figure's
plain dict: unpickling a Figure validates it again (15–30 ms a figure), while a
Figure rebuilt from its own, already valid dict needs no validation.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts
from dashboard.cache import ViewerKey, cached, generation, viewer_key
from dashboard.formatting import format_number, localize_digits
from dashboard.i18n import is_rtl, translate
from dashboard.surveys import reads
from dashboard.surveys.reads import ANSWERS, SURVEYS
from dashboard.surveys.viewer import driver_name, drivers_in_order
from data_access.permissions import Actor
from data_access.surveys import band

# The three statuses, worst first, and their colours (light enough for dark digits,
# told apart by lightness as well as hue).
MUTED = "#CBD5E1"  # the drivers not highlighted in the trend
STATUS_LEVEL = {"red": 0, "amber": 1, "green": 2}
STATUS_SCALE = [[0.0, "#E79A8C"], [1 / 3, "#E79A8C"], [1 / 3, "#F4DA9A"], [2 / 3, "#F4DA9A"],
                [2 / 3, "#8FC9A9"], [1.0, "#8FC9A9"]]


def _figure(cached: dict) -> go.Figure:
    return go.Figure(cached, _validate=False)  # built and validated once, when cached


@cached(ANSWERS, ttl=600, max_entries=300)
def _compare(key: ViewerKey, generation: int, wave_id: int, department_id: int | None,
             status: str, lang: str):
    results = reads._group_results(key, generation, wave_id, department_id, status)
    shown = [d for d in results.drivers if d.score is not None]
    this = translate("surveys.results.this_group", lang)
    whole = translate("surveys.results.organisation", lang)
    frame = pd.DataFrame(
        [{"driver": driver_name(d.driver, lang), "series": this, "score": d.score}
         for d in shown]
        + [{"driver": driver_name(d.driver, lang), "series": whole, "score": d.org_score}
           for d in shown if d.org_score is not None])
    return charts.bar_chart(frame, "driver", "score", lang, color="series",
                            labels={"score": translate("surveys.results.col.score", lang)},
                            show_values=True).to_dict()


def compare(actor: Actor, wave_id: int, department_id: int | None, status: str, lang: str):
    """This group's driver scores beside the organisation's."""
    return _figure(_compare(viewer_key(actor), generation(ANSWERS), wave_id, department_id,
                            status, lang))


@cached(SURVEYS, ttl=600, max_entries=300)
def _trend(key: ViewerKey, generation: int, survey_id: int, department_id: int | None,
           latest_wave: int, lang: str, highlight: str | None = None):
    points = [p for p in reads._trend(key, generation, survey_id, department_id, latest_wave)
              if p.measure != "enps"]
    frame = pd.DataFrame([{"date": p.closes_at.date(), "score": p.value,
                           "driver": driver_name(p.measure, lang)} for p in points])
    figure = charts.line_chart(frame, "date", "score", lang, color="driver",
                               labels={"score": translate("surveys.results.col.score", lang)})
    if highlight is not None:
        # One driver in colour and bold, drawn last (on top); the others quiet, for context.
        chosen = driver_name(highlight, lang)
        for trace in figure.data:
            if trace.name != chosen:
                trace.update(line={"color": MUTED, "width": 1.5}, marker={"size": 4,
                             "color": MUTED}, opacity=0.8)
            else:
                trace.update(line={"color": charts.PALETTE[0], "width": 4},
                             marker={"size": 9, "color": charts.PALETTE[0]})
        figure.data = tuple(sorted(figure.data, key=lambda trace: trace.name == chosen))
    return figure.to_dict()


def trend(actor: Actor, survey_id: int, department_id: int | None, latest_wave: int,
          lang: str, highlight: str | None = None):
    """Driver scores across the closed waves; hidden points are gaps. `highlight`: the
    one driver drawn in colour, the others muted."""
    return _figure(_trend(viewer_key(actor), generation(SURVEYS), survey_id, department_id,
                          latest_wave, lang, highlight))


def _rtl_line(line: str, lang: str) -> str:
    # Plotly draws SVG text left to right: embed Persian lines so «۵ پاسخ» keeps its order.
    return "\u202b" + line + "\u202c" if is_rtl(lang) else line


@cached(SURVEYS, ttl=600, max_entries=300)
def _heatmap(key: ViewerKey, generation: int, wave_id: int, focus: int | None, k: int,
             lang: str):
    rows = reads._heatmap(key, generation, wave_id, focus)
    drivers = [d for d in drivers_in_order() if any(d in r.cells for r in rows)]
    if not drivers:  # every row hidden: still show the drivers of the wave
        drivers = [d for d in drivers_in_order() if d != "enps"]
    y_labels = [("\u2003" if row.depth else "") + (row.department.label(lang) or translate(
        "surveys.whole_audience", lang)) for row in rows]
    x_labels = [driver_name(d, lang) for d in drivers]
    cells, hidden, scores, statuses = [], [], [], []
    for row, y in zip(rows, y_labels, strict=True):
        scores.append([])
        statuses.append([])
        for driver, x in zip(drivers, x_labels, strict=True):
            cell = row.cells.get(driver)
            reason = row.hidden or (cell.hidden if cell else "below_k")
            shown = not reason and cell is not None and cell.score is not None
            status = band(cell.favorable_pct) if shown and cell.favorable_pct is not None \
                else None
            cells.append({"department": y, "driver": x,
                          "status": None if status is None else STATUS_LEVEL[status]})
            scores[-1].append(format_number(cell.score, lang) if shown else "")
            statuses[-1].append(translate(f"surveys.results.band.{status}", lang)
                                if status else "")
            if reason:
                hidden.append((y, x, reason))
    # Coloured by status (the band of the favorable share, as in the drivers table),
    # labelled with the score: three colours and a legend of three words.
    figure = charts.heatmap(pd.DataFrame(cells), "driver", "department", "status", lang,
                            zmin=-0.5, zmax=2.5, colorscale=STATUS_SCALE,
                            x_order=x_labels, y_order=y_labels)
    score_word = translate("surveys.results.col.score", lang)
    figure.update_traces(
        text=scores, textfont={"color": "#1F2937", "size": 13},
        hovertext=[[f"{y} · {x}<br><b>{status or ''}</b> · {score_word} {score}"
                    if score else f"{y} · {x}"
                    for x, score, status in zip(x_labels, score_row, status_row, strict=True)]
                   for y, score_row, status_row in zip(y_labels, scores, statuses,
                                                       strict=True)],
        colorbar={"tickmode": "array", "tickvals": list(STATUS_LEVEL.values()),
                  "ticktext": [translate(f"surveys.results.band.{b}", lang)
                               for b in STATUS_LEVEL],
                  "thickness": 14, "len": 0.6, "outlinewidth": 0})
    for y, x, reason in hidden:
        label = translate(f"surveys.results.hidden_short.{reason}", lang, k=k)
        figure.add_annotation(
            x=localize_digits(x, lang), y=localize_digits(y, lang), showarrow=False,
            text="<br>".join(_rtl_line(line, lang) for line in label.split("\n")),
            font={"size": 10, "color": "#6B7280"})
    # Room for the department names on the reading-start side, the colour bar opposite.
    names = 24 + 8 * max(len(label) for label in y_labels)
    figure.update_layout(height=max(260, 90 + 46 * len(rows)),
                         margin={"r": names, "l": 70} if is_rtl(lang) else {"l": names, "r": 70})
    return figure.to_dict()


def heatmap(actor: Actor, wave_id: int, focus: int | None, k: int, lang: str):
    """Department × driver scores; hidden cells carry their reason as a label."""
    return _figure(_heatmap(viewer_key(actor), generation(SURVEYS), wave_id, focus, k, lang))
