"""KPI figures in the house style (dashboard/charts.py): the trend with its target line
and amber/red bands, the departments compared for one period, the department × KPI
status heatmap, and the sparkline values of a card.

Plain inputs only (rows of periods and values, already read and scoped by
data_access.kpis), so every builder is testable without Streamlit or a database.
Statuses are shown as colour and word together: bands and the heatmap's colour bar
are labelled, bars and cells carry the word in their text and hover.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts
from dashboard.formatting import MISSING
from dashboard.i18n import is_rtl, translate
from dashboard.kpis.viewer import (
    STATUS_COLOR,
    STATUS_LINE,
    format_kpi_value,
    period_label,
    status_word,
)
from data_access.kpis import Period

NO_STATUS_COLOR = "#7A8694"
STATUS_LEVEL = {"off_track": 0, "at_risk": 1, "on_track": 2}
STATUS_SCALE = [[0.0, STATUS_COLOR["off_track"]], [1 / 3, STATUS_COLOR["off_track"]],
                [1 / 3, STATUS_COLOR["at_risk"]], [2 / 3, STATUS_COLOR["at_risk"]],
                [2 / 3, STATUS_COLOR["on_track"]], [1.0, STATUS_COLOR["on_track"]]]


@dataclass(frozen=True)
class Measure:
    """What a figure needs to know about the KPI it draws."""

    name: str
    unit: str = "number"
    decimals: int = 0
    direction: str = "higher"
    target: float | None = None
    amber: float | None = None
    red: float | None = None


def _rtl(text: str, lang: str) -> str:
    # Plotly's SVG text has no direction of its own: embed Persian lines right-to-left.
    return "<br>".join(f"\u202b{line}\u202c" for line in text.split("<br>")) \
        if is_rtl(lang) else text


def _finite(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _bands(measure: Measure, lo: float, hi: float) -> list[tuple[str, float, float]]:
    """(status, from, to) of the amber and red bands inside [lo, hi]."""
    if measure.amber is None or measure.red is None:
        return []
    amber, red = measure.amber, measure.red
    if measure.direction == "higher":
        bands = [("off_track", lo, red), ("at_risk", red, amber)]
    else:
        bands = [("at_risk", amber, red), ("off_track", red, hi)]
    return [(s, a, b) for s, a, b in bands if b > a]


def trend(rows: Sequence[tuple[Period, float | None]], measure: Measure, lang: str, *,
          statuses: Sequence[str | None] | None = None) -> go.Figure:
    """The KPI over periods (time runs right to left in Persian); missing or hidden
    values are gaps. The target is a dashed line; the at-risk and off-track ranges are
    amber and red bands named in words."""
    frame = pd.DataFrame({"date": [p.start for p, _ in rows],
                          "value": [v for _, v in rows]})
    target_label = translate("kpis.ui.target", lang) if measure.target is not None else None
    figure = charts.line_chart(frame, "date", "value", lang, labels={"value": measure.name},
                               decimals=measure.decimals, target=measure.target,
                               target_label=target_label)
    statuses = list(statuses) if statuses is not None else [None] * len(rows)
    hover = []
    for (period, value), status in zip(rows, statuses, strict=True):
        text = f"{period_label(period, lang)}<br><b>" \
               f"{format_kpi_value(value, measure.unit, measure.decimals, lang)}</b>"
        if status:
            text += f" · {status_word(status, lang)}"
        hover.append(_rtl(text, lang))
    if figure.data:
        figure.data[0].update(hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
                              name=measure.name)
    values = _finite([v for _, v in rows]) + _finite(
        [measure.target, measure.amber, measure.red])
    if values:
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.12 or abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
        if min(_finite([v for _, v in rows]) or [0.0]) >= 0 and lo < 0:
            lo = 0.0  # counts and shares never go below zero
        rtl = is_rtl(lang)
        for status, start, end in _bands(measure, lo, hi):
            figure.add_hrect(y0=start, y1=end, fillcolor=STATUS_COLOR[status], opacity=0.35,
                             line_width=0, layer="below",
                             annotation_text=_rtl(status_word(status, lang), lang),
                             annotation_position="top left" if rtl else "top right",
                             annotation_font={"size": 11, "color": STATUS_LINE[status]})
        figure.update_yaxes(range=[lo, hi], autorange=False, tickvals=None, ticktext=None)
        charts.apply_locale(figure, lang)  # ticks again, for the range the bands need
    # Room above the legend for the chart's toolbar (always shown on a phone).
    figure.update_layout(height=380, margin={"t": 76})
    return figure


@dataclass(frozen=True)
class Bar:
    label: str  # the department's name in the viewer's language
    value: float | None
    status: str | None = None
    suppressed: bool = False


def compare(bars: Sequence[Bar], measure: Measure, lang: str) -> go.Figure:
    """One period, the departments side by side, best first (on top), each bar coloured
    by its status and labelled with its value and status word; the target is a dashed
    line. Departments without a value (or hidden) are left out: the page lists them."""
    shown = [b for b in bars if b.value is not None and not b.suppressed]
    shown.sort(key=lambda b: b.value, reverse=measure.direction == "higher")
    frame = pd.DataFrame({"department": [b.label for b in shown],
                          "value": [b.value for b in shown]})
    figure = charts.bar_chart(frame, "value", "department", lang, orientation="h",
                              labels={"value": measure.name}, decimals=measure.decimals)
    texts = [format_kpi_value(b.value, measure.unit, measure.decimals, lang)
             + (f" · {status_word(b.status, lang)}" if b.status else "") for b in shown]
    if figure.data:
        figure.data[0].update(
            marker_color=[STATUS_LINE.get(b.status, NO_STATUS_COLOR) if b.status
                          else NO_STATUS_COLOR for b in shown],
            text=[_rtl(text, lang) for text in texts], textposition="auto",
            insidetextanchor="start",
            hovertext=[_rtl(f"{b.label}<br><b>{text}</b>", lang)
                       for b, text in zip(shown, texts, strict=True)],
            hovertemplate="%{hovertext}<extra></extra>")
    figure.update_yaxes(autorange="reversed")  # the first (best) department on top
    if measure.target is not None and shown:
        figure.add_vline(x=measure.target, line_dash="dash", line_color="#6B7280",
                         line_width=1.5,
                         annotation_text=_rtl(translate("kpis.ui.target", lang), lang),
                         annotation_font={"size": 11, "color": "#6B7280"})
    figure.update_layout(height=max(260, 80 + 34 * len(shown)), showlegend=False)
    return figure


@dataclass(frozen=True)
class Cell:
    row: str  # the KPI's name
    column: str  # the department's name
    value_text: str  # formatted in the KPI's unit ("" when none)
    status: str | None
    suppressed: bool = False


# Characters on one line of a name beside (a KPI) or above (a department) the status
# map: on a phone, KPI names on one line took most of the screen's width.
ROW_NAME_WIDTH = 14
COLUMN_NAME_WIDTH = 16
NAME_LINES = 3  # a longer name takes longer lines instead: every row is as tall as the tallest
LINE_HEIGHT = 16  # px, one line of a 13 px label


def _lines(label: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines


def _wrap(label: str, width: int, max_lines: int = NAME_LINES) -> str:
    """A long name on at most `max_lines` lines of about `width` characters (longer
    lines where it needs more). Every word is kept: two names never become one label."""
    lines = _lines(label, width)
    while len(lines) > max_lines:
        width += 1
        lines = _lines(label, width)
    return "<br>".join(lines)


def status_heatmap(cells: Sequence[Cell], rows: Sequence[str], columns: Sequence[str],
                   lang: str) -> go.Figure:
    """KPIs (rows) × departments (columns), each cell coloured by status and labelled
    with its value; the colour bar names the three statuses in words. A hidden cell
    (too few people to show a survey figure) says so; a KPI without thresholds is a
    blank cell with its value. Names are wrapped (a phone keeps room for the cells);
    a cell's hover names its KPI and department in full."""
    hidden_word = translate("kpis.ui.hidden_short", lang)
    # Row names in their own direction: «(eNPS) شاخص…» would otherwise lose its order.
    wrapped_rows = {r: _wrap(r, ROW_NAME_WIDTH) for r in rows}
    labels = {r: _rtl(wrapped_rows[r], lang) for r in rows}
    wrapped = {c: _wrap(c, COLUMN_NAME_WIDTH) for c in columns}
    frame = pd.DataFrame([{"kpi": labels.get(c.row, c.row), "department": wrapped[c.column],
                           "status": STATUS_LEVEL.get(c.status) if c.status else None}
                          for c in cells] or [{"kpi": labels[r], "department": wrapped[columns[0]],
                                               "status": None} for r in rows[:1]])
    x_order = [wrapped[c] for c in columns]
    figure = charts.heatmap(frame, "department", "kpi", "status", lang, zmin=-0.5, zmax=2.5,
                            colorscale=STATUS_SCALE, x_order=x_order,
                            y_order=[labels[r] for r in rows], show_values=True)
    by_place = {(c.row, c.column): c for c in cells}
    texts, hovers = [], []
    for row in rows:
        texts.append([])
        hovers.append([])
        for column in columns:
            cell = by_place.get((row, column))
            if cell is None:
                text, hover = "", f"{row} · {column}"
            elif cell.suppressed:
                text, hover = hidden_word, f"{row} · {column}<br>{hidden_word}"
            else:
                text = cell.value_text
                hover = f"{row} · {column}<br><b>{cell.value_text or MISSING}</b>"
                if cell.status:
                    hover += f" · {status_word(cell.status, lang)}"
            texts[-1].append(text)
            hovers[-1].append(_rtl(hover, lang))
    # The colour bar under the map, across it: beside it, it took a phone's cells' room.
    figure.update_traces(
        text=texts, textfont={"color": "#1F2937", "size": 12}, hovertext=hovers,
        colorbar={"tickmode": "array", "tickvals": list(STATUS_LEVEL.values()),
                  "ticktext": [status_word(s, lang) for s in STATUS_LEVEL],
                  "orientation": "h", "x": 0.5, "xanchor": "center", "y": 0,
                  "yanchor": "top", "ypad": 12, "thickness": 12, "len": 1,
                  "tickangle": 0, "tickfont": {"size": 11}, "outlinewidth": 0})
    figure.update_xaxes(side="top")
    lines = [w.split("<br>") for w in wrapped_rows.values()]
    longest = max((len(line) for name in lines for line in name), default=10)
    names = min(260, 24 + 7 * longest)
    row_height = max(40, 12 + LINE_HEIGHT * max((len(name) for name in lines), default=1))
    figure.update_layout(height=max(280, 170 + row_height * len(rows)),
                         margin={"r": names, "l": 16, "t": 96, "b": 16} if is_rtl(lang)
                         else {"l": names, "r": 16, "t": 96, "b": 16})
    return charts.apply_locale(figure, lang)


def sparkline(values: Sequence[float | None], lang: str) -> list[float]:
    """A card's sparkline: the values oldest first, hidden or missing ones left out,
    mirrored in Persian so that time runs right to left as on every other chart."""
    shown = _finite(values)
    return list(reversed(shown)) if is_rtl(lang) else shown
