"""One Plotly figure style for the whole app, localised for 'fa' and 'en'.

Plotly knows neither Persian digits nor the Jalali calendar, so tick labels of
date and numeric axes are computed here (``tickvals``/``ticktext``) from the
data range. In 'fa' the figure is mirrored for right-to-left reading. No
Streamlit import: pages pass the figure to ``st.plotly_chart`` themselves.

Call ``apply_locale`` once, after all traces are added (the builders below do).
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.formatting import (
    MISSING,
    format_date,
    format_number,
    format_percent,
    format_signed,
    gregorian_to_jalali,
    jalali_month_name,
    jalali_to_gregorian,
    localize_digits,
)
from dashboard.i18n import is_rtl, translate

__all__ = [
    "FONT_FAMILY",
    "PALETTE",
    "SEQUENTIAL",
    "DIVERGING",
    "ValueFormat",
    "apply_locale",
    "jalali_date_ticks",
    "number_ticks",
    "format_value",
    "bar_chart",
    "line_chart",
    "heatmap",
    "plotly_config",
]

FONT_FAMILY = "Vazirmatn, sans-serif"
# Neutral, muted palette that stays readable for common colour-vision deficiencies.
PALETTE: tuple[str, ...] = (
    "#3B6E8F",  # slate blue
    "#C9A66B",  # sand
    "#6E9C8A",  # sage
    "#8C6D8F",  # muted plum
    "#B5714A",  # clay
    "#7A8694",  # grey blue
    "#5E7D4F",  # olive
    "#A8A29E",  # stone
)
SEQUENTIAL: list[list[Any]] = [[0.0, "#F1F5F9"], [0.5, "#8FB0C6"], [1.0, "#1F4E6B"]]
# For signed scores such as eNPS: clay (negative) - light grey (0) - slate (positive).
DIVERGING: list[list[Any]] = [[0.0, "#B5714A"], [0.5, "#F3F4F6"], [1.0, "#3B6E8F"]]
_TEXT_COLOR = "#374151"
_GRID_COLOR = "#E5E7EB"
_TARGET_COLOR = "#6B7280"

ValueFormat = Literal["number", "percent", "signed"]
# Trace types whose data we understand well enough to compute ticks for.
_SCATTER_TYPES = {"scatter", "scattergl"}
_KNOWN_TYPES = _SCATTER_TYPES | {"bar", "heatmap"}
_AXIS_NAME = re.compile(r"[xy]axis\d*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _check_locale(locale: str) -> None:
    if locale not in ("fa", "en"):
        raise ValueError(f"locale must be 'fa' or 'en', got {locale!r}")


def format_value(
    x: float | int | None, locale: str, value_format: ValueFormat = "number", decimals: int = 0
) -> str:
    """Format one value the way the chart's value axis does."""
    if value_format == "percent":
        return format_percent(x, locale, decimals)
    if value_format == "signed":
        return format_signed(x, locale, decimals)
    return format_number(x, locale, decimals)


# --- the chart's toolbar ----------------------------------------------------

# Plotly's own English texts (its toolbar's tooltips and the notices it shows) and the
# locale keys that say them in the reader's language. Plotly looks each text up in the
# config's `locales` dictionary; a text missing here stays English.
PLOTLY_TEXTS: dict[str, str] = {
    "Download plot as a PNG": "charts.plotly.download_png",
    "Download plot": "charts.plotly.download",
    "Zoom": "charts.plotly.zoom",
    "Pan": "charts.plotly.pan",
    "Box Select": "charts.plotly.box_select",
    "Lasso Select": "charts.plotly.lasso_select",
    "Zoom in": "charts.plotly.zoom_in",
    "Zoom out": "charts.plotly.zoom_out",
    "Autoscale": "charts.plotly.autoscale",
    "Reset axes": "charts.plotly.reset_axes",
    "Toggle Spike Lines": "charts.plotly.spike_lines",
    "Show closest data on hover": "charts.plotly.hover_closest",
    "Compare data on hover": "charts.plotly.hover_compare",
    "Toggle show closest data on hover": "charts.plotly.hover_toggle",
    "Double-click to zoom back out": "charts.plotly.zoom_back",
    "Double-click on legend to isolate one trace": "charts.plotly.legend_isolate",
    "Preparing image - this may take a few seconds": "charts.plotly.preparing_image",
    "Image download succeeded": "charts.plotly.image_done",
    "Sorry, there was a problem downloading your image!": "charts.plotly.image_failed",
}
# Streamlit's own full-screen button is not Plotly's: dashboard/theme.py renames it.


def plotly_config(locale: str, filename: str | None = None, *,
                  toolbar: bool = True) -> dict[str, Any]:
    """The `config` of every `st.plotly_chart`: Plotly's texts in the reader's language
    (passed inline as Plotly's `locale` and `locales`, so nothing is fetched), no Plotly
    logo or link. With the toolbar: the PNG download drawn in the browser and named
    `filename`, no selection tools; `toolbar=False` hides the toolbar."""
    _check_locale(locale)
    dictionary = {english: translate(key, locale) for english, key in PLOTLY_TEXTS.items()}
    config: dict[str, Any] = {"locale": locale, "locales": {locale: {"dictionary": dictionary}},
                              "displaylogo": False, "showLink": False, "showSendToCloud": False}
    if not toolbar:
        return config | {"displayModeBar": False}
    return config | {
        "toImageButtonOptions": {"format": "png", "filename": filename or "peyvand-chart",
                                 "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


# --- ticks ------------------------------------------------------------------


def _as_date(d: date | datetime | pd.Timestamp) -> date:
    # Plotly draws datetimes at their wall-clock value, so the calendar date
    # of the value itself (no zone shift) is what sits under a tick.
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, datetime):
        return d.date()
    return d


def _next_jalali_month(y: int, m: int) -> tuple[int, int]:
    return (y + 1, 1) if m == 12 else (y, m + 1)


def _month_starts(start: date, end: date, step: int, limit: int) -> list[date] | None:
    """1st of every ``step``-th Jalali month (aligned to Farvardin) in [start, end].

    Returns None as soon as more than ``limit`` ticks would be produced.
    """
    y, m, _ = gregorian_to_jalali(start)
    ticks: list[date] = []
    while True:
        first = jalali_to_gregorian(y, m, 1)
        if first > end:
            return ticks
        if first >= start and (m - 1) % step == 0:
            ticks.append(first)
            if len(ticks) > limit:
                return None
        y, m = _next_jalali_month(y, m)


def _year_starts(start: date, end: date, step: int, limit: int) -> list[date] | None:
    """1 Farvardin of every Jalali year divisible by ``step`` in [start, end]."""
    y0 = gregorian_to_jalali(start)[0]
    y1 = gregorian_to_jalali(end)[0]
    first_year = -(-y0 // step) * step
    if (y1 - first_year) // step + 1 > limit + 1:
        return None
    ticks = [jalali_to_gregorian(y, 1, 1) for y in range(first_year, y1 + 1, step)]
    ticks = [t for t in ticks if start <= t <= end]
    return ticks if len(ticks) <= limit else None


def _day_steps(start: date, end: date, step: int, limit: int, saturdays: bool) -> list[date] | None:
    """Every ``step`` days from ``start`` (or from the first Saturday, the first
    day of the Persian week); None as soon as more than ``limit`` ticks."""
    d = start + timedelta(days=(5 - start.weekday()) % 7) if saturdays else start
    ticks: list[date] = []
    while d <= end:
        ticks.append(d)
        if len(ticks) > limit:
            return None
        d += timedelta(days=step)
    return ticks


def _rtl_lines(text: str, locale: str) -> str:
    # Plotly's SVG text has no direction of its own: without an explicit
    # right-to-left embedding «۵ آذر» is laid out as «آذر ۵».
    if not is_rtl(locale):
        return text
    return "<br>".join(f"\u202b{line}\u202c" for line in text.split("<br>"))


def _label_days(ticks: list[date], locale: str) -> list[str]:
    labels, prev_year = [], None
    for t in ticks:
        y, m, d = gregorian_to_jalali(t)
        text = f"{d} {jalali_month_name(m, locale)}"
        # The year goes on a second line only where it changes, like Plotly's own axes.
        if y != prev_year:
            text += f"<br>{y}"
            prev_year = y
        labels.append(localize_digits(text, locale))
    return labels


def _label_months(ticks: list[date], locale: str) -> list[str]:
    labels, prev_year = [], None
    for t in ticks:
        y, m, _ = gregorian_to_jalali(t)
        text = jalali_month_name(m, locale)
        if y != prev_year:
            text += f"<br>{y}"
            prev_year = y
        labels.append(localize_digits(text, locale))
    return labels


def _label_years(ticks: list[date], locale: str) -> list[str]:
    return [localize_digits(str(gregorian_to_jalali(t)[0]), locale) for t in ticks]


def jalali_date_ticks(
    start: date, end: date, locale: str, max_ticks: int = 8
) -> tuple[list[date], list[str]]:
    """Tick positions (Gregorian dates, increasing) and Jalali labels for [start, end].

    Picks the finest spacing that gives at most ``max_ticks`` ticks: every day,
    every 2 days, Saturdays, every other Saturday, Jalali month starts (every
    1/2/3/6 months, aligned to Farvardin), then Jalali new years. Labels are
    'day month' / 'month' / 'year', with the Jalali year added on a second line
    ('<br>', Plotly markup) at the first tick and wherever the year changes.
    """
    _check_locale(locale)
    if max_ticks < 1:
        raise ValueError("max_ticks must be >= 1")
    start, end = _as_date(start), _as_date(end)
    if start > end:
        start, end = end, start
    if start == end:
        return [start], _label_days([start], locale)

    candidates: list[tuple[Callable[[], list[date] | None], Callable[..., list[str]]]] = [
        (lambda: _day_steps(start, end, 1, max_ticks, False), _label_days),
        (lambda: _day_steps(start, end, 2, max_ticks, False), _label_days),
        (lambda: _day_steps(start, end, 7, max_ticks, True), _label_days),
        (lambda: _day_steps(start, end, 14, max_ticks, True), _label_days),
    ]
    for months in (1, 2, 3, 6):
        candidates.append(
            (lambda months=months: _month_starts(start, end, months, max_ticks), _label_months)
        )
    for years in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        candidates.append(
            (lambda years=years: _year_starts(start, end, years, max_ticks), _label_years)
        )

    for generate, label in candidates:
        ticks = generate()
        if ticks:  # None: too many; []: no such boundary inside the range
            return ticks, label(ticks, locale)
    return [start], _label_days([start], locale)


def _nice_steps(exponent: int) -> Iterator[float]:
    """1, 2, 5, 10, 20, 50, ... x 10^exponent, increasing without end."""
    while True:
        for factor in (1, 2, 5):
            yield factor * 10.0**exponent
        exponent += 1


def number_ticks(
    lo: float,
    hi: float,
    locale: str,
    max_ticks: int = 6,
    value_format: ValueFormat = "number",
) -> tuple[list[float], list[str]]:
    """'Nice' tick values (1/2/5 × 10^k steps) inside [lo, hi] and localised labels."""
    _check_locale(locale)
    if max_ticks < 2:
        raise ValueError("max_ticks must be >= 2")
    lo, hi = float(min(lo, hi)), float(max(lo, hi))
    if lo == hi:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    # The smallest 1/2/5 x 10^k step whose ticks inside [lo, hi] fit in max_ticks.
    step = next(
        s
        for s in _nice_steps(math.floor(math.log10((hi - lo) / max_ticks)))
        if math.floor(hi / s + 1e-9) - math.ceil(lo / s - 1e-9) + 1 <= max_ticks
    )
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    # Digits after the decimal point that the step needs (0.5 -> 1, 0.02 -> 2).
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    values: list[float] = [
        round(i * step, decimals + 2) if decimals else int(round(i * step))
        for i in range(first, last + 1)
    ]
    if value_format == "percent":
        decimals = max(0, decimals - 2)
    return values, [format_value(v, locale, value_format, decimals) for v in values]


# --- reading trace data -----------------------------------------------------


def _decode(values: Any) -> Any:
    """Plain values from a trace attribute; figures built from JSON carry Plotly's
    base64 typed arrays ({'dtype': 'f8', 'bdata': ...})."""
    if isinstance(values, Mapping) and "bdata" in values:
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        shape = values.get("shape")
        if shape:
            dims = (
                [int(s) for s in str(shape).strip("[]()").split(",")]
                if isinstance(shape, str)
                else list(shape)
            )
            array = array.reshape(dims)
        return array
    return values


def _flat(values: Any) -> list[Any]:
    values = _decode(values)
    if values is None:
        return []
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "M":  # datetime64[ns].tolist() would give integers
            return list(pd.DatetimeIndex(values.ravel()).dropna())
        return [v for v in values.ravel().tolist() if v is not None]
    out: list[Any] = []
    for v in values:
        if isinstance(v, list | tuple | np.ndarray):
            out.extend(_flat(v))
        elif v is not None:
            out.append(v)
    return out


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)


def _classify(values: list[Any], axis_type: str | None) -> str | None:
    """'date', 'number', 'category' or None (leave the axis alone)."""
    if axis_type in ("log", "multicategory"):
        return None
    if axis_type == "category":
        return "category"
    if axis_type == "linear":
        return "number"
    if axis_type == "date":
        return "date"
    if not values:
        return None
    if all(isinstance(v, date | np.datetime64) for v in values):
        return "date"
    if all(isinstance(v, str) and _ISO_DATE.match(v) for v in values):
        return "date"  # Plotly auto-types ISO date strings as a date axis too
    if all(_is_number(v) for v in values):
        return "number"
    return "category"


def _to_date(v: Any) -> date | None:
    if isinstance(v, date):
        return _as_date(v)
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else pd.Timestamp(v).date()
    if isinstance(v, str) and _ISO_DATE.match(v):
        return date.fromisoformat(v[:10])
    return None


def _date_extent(values: list[Any]) -> tuple[date, date] | None:
    dates = [d for d in map(_to_date, values) if d is not None]
    return (min(dates), max(dates)) if dates else None


def _number_extent(values: list[Any]) -> tuple[float, float] | None:
    nums = [float(v) for v in values if _is_number(v) and math.isfinite(float(v))]
    return (min(nums), max(nums)) if nums else None


class _AxisData:
    """What the traces put on one axis."""

    def __init__(self) -> None:
        self.coords: list[Any] = []  # positions (dates, numbers or categories)
        self.value_extent: list[float] = []  # bar values incl. stacking and the zero base
        self.unsupported = False  # a trace type we cannot compute ticks for
        self.horizontal_bars = False


def _bar_extent(traces: list[Any], stacked: bool, horizontal: bool) -> list[float]:
    if not stacked:
        vals = [v for t in traces for v in _flat(t.x if horizontal else t.y) if _is_number(v)]
        return [0.0, *map(float, vals)]
    pos: dict[Hashable, float] = {}
    neg: dict[Hashable, float] = {}
    for t in traces:
        values = _flat(t.x if horizontal else t.y)
        coords = _flat(t.y if horizontal else t.x) or list(range(len(values)))
        for c, v in zip(coords, values, strict=False):
            if _is_number(v) and math.isfinite(float(v)):
                key = c.item() if isinstance(c, np.generic) else c
                bucket = pos if v >= 0 else neg
                bucket[key] = bucket.get(key, 0.0) + float(v)
    return [0.0, *pos.values(), *neg.values()]


def _collect_axis_data(fig: go.Figure) -> dict[str, _AxisData]:
    data: dict[str, _AxisData] = {}

    def axis(ref: str | None, letter: str) -> _AxisData:
        name = f"{letter}axis{(ref or letter)[1:]}"
        return data.setdefault(name, _AxisData())

    stacked = fig.layout.barmode in ("stack", "relative")
    bar_groups: dict[tuple[str, str, bool], list[Any]] = {}
    for trace in fig.data:
        if not hasattr(trace, "xaxis"):
            continue  # not cartesian (pie, table, ...)
        xa, ya = axis(trace.xaxis, "x"), axis(trace.yaxis, "y")
        if trace.type not in _KNOWN_TYPES:
            xa.unsupported = ya.unsupported = True
            continue
        x, y = _flat(trace.x), _flat(trace.y)
        if trace.type == "bar":
            horizontal = trace.orientation == "h"
            # Positions go on the category axis now; values are summed per axis below.
            (ya if horizontal else xa).coords.extend(y if horizontal else x)
            xa.horizontal_bars |= horizontal
            key = (trace.xaxis or "x", trace.yaxis or "y", horizontal)
            bar_groups.setdefault(key, []).append(trace)
            continue
        if trace.type == "heatmap" and trace.z is not None:
            # Without x/y a heatmap is indexed 0..n-1 along each dimension.
            z = _decode(trace.z)
            x = x or list(range(len(z[0]) if len(z) else 0))
            y = y or list(range(len(z)))
        if trace.type in _SCATTER_TYPES and not x:
            x = list(range(len(y)))
        xa.coords.extend(x)
        ya.coords.extend(y)
    for (xref, yref, horizontal), traces in bar_groups.items():
        value_axis = axis(xref, "x") if horizontal else axis(yref, "y")
        value_axis.value_extent.extend(_bar_extent(traces, stacked, horizontal))
    return data


# --- locale application -------------------------------------------------------


def _axis_value_format(axis: Any) -> ValueFormat:
    # Builders mark value axes with a d3 tickformat; reuse it to pick our labels.
    fmt = axis.tickformat or ""
    if "%" in fmt:
        return "percent"
    if fmt.startswith("+"):
        return "signed"
    return "number"


def _explicit_range(axis: Any) -> list[Any] | None:
    rng = axis.range
    if rng is None or axis.autorange not in (None, False) or None in rng:
        return None
    return list(rng)


def _localize_axis(axis: Any, data: _AxisData, locale: str, is_x: bool) -> None:
    rtl = is_rtl(locale)
    kind = _classify(data.coords + data.value_extent, axis.type)
    if axis.ticktext is not None:
        # The caller chose its own ticks: respect them, only fix the digits.
        axis.ticktext = [localize_digits(str(t), locale) for t in axis.ticktext]
    elif not data.unsupported and kind in ("date", "number") and axis.showticklabels is not False:
        rng = _explicit_range(axis)
        if kind == "date":
            extent = _date_extent(rng if rng else data.coords)
            if extent:
                vals, text = jalali_date_ticks(*extent, locale)
                axis.update(type="date", tickmode="array", tickvals=[v.isoformat() for v in vals])
                axis.ticktext = [_rtl_lines(label, locale) for label in text]
        else:
            num_extent = _number_extent(rng if rng else data.coords + data.value_extent)
            if num_extent:
                nvals, text = number_ticks(
                    *num_extent, locale, value_format=_axis_value_format(axis)
                )
                axis.update(tickmode="array", tickvals=nvals, ticktext=text)

    if is_x:
        # Mirror for RTL reading: time and categories run right-to-left, bars grow
        # leftwards. A plain numeric x (scatter of two measures) keeps its direction.
        if rtl and (kind in ("date", "category") or data.horizontal_bars):
            rng = _explicit_range(axis)
            if rng is not None:
                axis.range = sorted(rng, reverse=True)  # sorted: idempotent
            else:
                axis.autorange = "reversed"
    else:
        # Value labels sit on the reading-start side; a secondary (overlaying)
        # axis goes to the opposite side.
        primary_side, other_side = ("right", "left") if rtl else ("left", "right")
        axis.side = other_side if axis.overlaying else primary_side


def _localize_colorbar(colorbar: Any, z: list[Any], cmin: Any, cmax: Any, locale: str) -> None:
    rtl = is_rtl(locale)
    # y-axis labels move to the right in 'fa', so the colour bar moves left (a bar laid
    # across, under or over the plot, stays where its figure put it).
    if colorbar.orientation != "h":
        colorbar.update(x=-0.02 if rtl else 1.02, xanchor="right" if rtl else "left")
    if colorbar.ticktext is not None:
        colorbar.ticktext = [localize_digits(str(t), locale) for t in colorbar.ticktext]
        return
    extent = _number_extent(z)
    lo = cmin if cmin is not None else (extent[0] if extent else None)
    hi = cmax if cmax is not None else (extent[1] if extent else None)
    if lo is None or hi is None:
        return
    vals, text = number_ticks(lo, hi, locale, value_format=_axis_value_format(colorbar))
    colorbar.update(tickmode="array", tickvals=vals, ticktext=text)


def apply_locale(fig: go.Figure, locale: str) -> go.Figure:
    """Localise ``fig`` in place (and return it): font, RTL mirroring, Jalali and
    Persian-digit tick labels, legend and title placement.

    - both: font 'Vazirmatn, sans-serif'; date axes get Jalali ticks (month names
      per locale); numeric axes and colour bars get computed ticks with localised
      digits and separators (axes with caller-supplied ``ticktext`` keep their
      ticks, only digits are localised).
    - 'fa': date/category x axes (and the value axis of horizontal bars) are
      reversed, y axes move to the right, the legend sits top-right in reverse
      trace order so the first series is rightmost, the title is right-aligned.

    Axes with trace types other than scatter/bar/heatmap keep Plotly's ticks.
    """
    _check_locale(locale)
    rtl = is_rtl(locale)
    fig.update_layout(
        font_family=FONT_FAMILY,
        hoverlabel={"font_family": FONT_FAMILY, "align": "right" if rtl else "left"},
        legend={
            "orientation": "h",
            "x": 1.0 if rtl else 0.0,
            "xanchor": "right" if rtl else "left",
            "y": 1.02,
            "yanchor": "bottom",
            "traceorder": "reversed" if rtl else "normal",
        },
        title={"x": 1.0 if rtl else 0.0, "xanchor": "right" if rtl else "left"},
    )

    axis_data = _collect_axis_data(fig)
    names = {n for n in fig.layout if _AXIS_NAME.fullmatch(n)} | set(axis_data)
    for name in sorted(names):
        _localize_axis(fig.layout[name], axis_data.get(name, _AxisData()), locale, name[0] == "x")

    for trace in fig.data:
        if trace.type != "heatmap":
            continue
        z = _flat(trace.z)
        if trace.coloraxis:
            cax = fig.layout[trace.coloraxis]
            _localize_colorbar(cax.colorbar, z, cax.cmin, cax.cmax, locale)
        else:
            _localize_colorbar(trace.colorbar, z, trace.zmin, trace.zmax, locale)
    return fig


# --- builders -----------------------------------------------------------------

_D3_FORMAT: dict[str, str] = {"number": ",", "percent": ".0%", "signed": "+"}


def _base_layout(title: str | None) -> dict[str, Any]:
    axis = {
        "gridcolor": _GRID_COLOR,
        "zerolinecolor": _GRID_COLOR,
        "linecolor": _GRID_COLOR,
        "automargin": True,
        "title_standoff": 8,
    }
    return {
        "template": "plotly_white",
        "colorway": list(PALETTE),
        "font": {"family": FONT_FAMILY, "size": 13, "color": _TEXT_COLOR},
        "title": {"text": title} if title else {"text": None},
        "margin": {"l": 16, "r": 16, "t": 56 if title else 32, "b": 16},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "xaxis": dict(axis),
        "yaxis": dict(axis),
        "hovermode": "closest",
        "showlegend": True,
    }


def _label_of(v: Any, locale: str, decimals: int = 0) -> str:
    """Display text for a category/coordinate value in hover and heatmap labels."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return MISSING
    if isinstance(v, pd.Timestamp | datetime):
        return format_date(_as_date(v), locale, "long")
    if isinstance(v, date):
        return format_date(v, locale, "long")
    if _is_number(v):
        return format_number(v, locale, decimals)
    return localize_digits(str(v), locale)


def _groups(df: pd.DataFrame, color: str | None) -> Iterable[tuple[str | None, pd.DataFrame]]:
    if color is None:
        yield None, df
        return
    for key, part in df.groupby(color, sort=False, dropna=False):
        yield (None if pd.isna(key) else str(key)), part


def _axis_titles(fig: go.Figure, labels: Mapping[str, str] | None, x: str, y: str) -> None:
    # Axis titles only from explicit labels: raw column names would leak English
    # identifiers into a Persian page.
    labels = labels or {}
    fig.update_xaxes(title_text=labels.get(x))
    fig.update_yaxes(title_text=labels.get(y))


def bar_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    locale: str,
    *,
    color: str | None = None,
    orientation: Literal["v", "h"] = "v",
    barmode: Literal["group", "stack", "relative", "overlay"] = "group",
    title: str | None = None,
    labels: Mapping[str, str] | None = None,
    value_format: ValueFormat = "number",
    decimals: int = 0,
    show_values: bool = False,
) -> go.Figure:
    """Bars of ``df``; like plotly.express, ``x``/``y`` are the columns on the x/y
    axes, so with ``orientation='h'`` ``x`` holds the values and ``y`` the categories.

    ``color`` splits into one series per value (legend name = the value);
    ``labels`` maps column names to axis/legend titles; ``value_format`` and
    ``decimals`` format the value axis, hover and ``show_values`` texts.
    Percent values are ratios (0.75 = 75%).
    """
    _check_locale(locale)
    horizontal = orientation == "h"
    cat_col, val_col = (y, x) if horizontal else (x, y)
    fig = go.Figure()
    for i, (name, part) in enumerate(_groups(df, color)):
        value_text = [format_value(v, locale, value_format, decimals) for v in part[val_col]]
        hover = [
            f"{_label_of(c, locale)}<br><b>{v}</b>"
            for c, v in zip(part[cat_col], value_text, strict=True)
        ]
        fig.add_bar(
            x=part[x],
            y=part[y],
            orientation=orientation,
            name=name or (labels or {}).get(val_col, val_col),
            marker_color=PALETTE[i % len(PALETTE)],
            hovertext=hover,
            hovertemplate="%{hovertext}<extra>" + (name or "") + "</extra>",
            text=value_text if show_values else None,
            textposition="outside" if show_values else None,
            cliponaxis=False,
        )
    fig.update_layout(**_base_layout(title), barmode=barmode, bargap=0.25)
    fig.update_layout(showlegend=color is not None, legend_title_text=(labels or {}).get(color))
    value_axis = fig.layout.xaxis if horizontal else fig.layout.yaxis
    value_axis.tickformat = _D3_FORMAT[value_format]
    (fig.layout.yaxis if horizontal else fig.layout.xaxis).showgrid = False
    _axis_titles(fig, labels, x, y)
    return apply_locale(fig, locale)


def line_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    locale: str,
    *,
    color: str | None = None,
    title: str | None = None,
    labels: Mapping[str, str] | None = None,
    value_format: ValueFormat = "number",
    decimals: int = 0,
    markers: bool = True,
    target: float | None = None,
    target_label: str | None = None,
) -> go.Figure:
    """Lines of ``y`` over ``x`` (usually dates), one per ``color`` value.

    ``target`` draws a dashed horizontal reference line named ``target_label``
    (a trace, so it is in the legend, the hover and the axis range).
    """
    _check_locale(locale)
    fig = go.Figure()
    for i, (name, part) in enumerate(_groups(df, color)):
        part = part.sort_values(x)
        value_text = [format_value(v, locale, value_format, decimals) for v in part[y]]
        hover = [
            f"{_label_of(c, locale)}<br><b>{v}</b>"
            for c, v in zip(part[x], value_text, strict=True)
        ]
        fig.add_scatter(
            x=part[x],
            y=part[y],
            mode="lines+markers" if markers else "lines",
            name=name or (labels or {}).get(y, y),
            line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
            marker={"size": 7},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra>" + (name or "") + "</extra>",
            connectgaps=False,
        )
    if target is not None and not df.empty:
        xs = df[x].dropna()
        label = target_label or ""
        target_text = format_value(target, locale, value_format, decimals)
        fig.add_scatter(
            x=[xs.min(), xs.max()],
            y=[target, target],
            mode="lines",
            name=label,
            line={"color": _TARGET_COLOR, "dash": "dash", "width": 1.5},
            hovertemplate=f"{label} <b>{target_text}</b><extra></extra>",
            showlegend=bool(label),
        )
    fig.update_layout(**_base_layout(title))
    fig.update_layout(
        showlegend=color is not None or bool(target_label),
        legend_title_text=(labels or {}).get(color),
    )
    fig.layout.yaxis.tickformat = _D3_FORMAT[value_format]
    fig.layout.xaxis.showgrid = False
    _axis_titles(fig, labels, x, y)
    return apply_locale(fig, locale)


def _ordered_keys(s: pd.Series, order: Sequence[Any] | None) -> list[Any]:
    if order is not None:
        return list(order)
    keys = list(pd.unique(s.dropna()))
    # Dates and numbers read best sorted; text keeps the caller's order.
    if keys and all(isinstance(k, date | np.datetime64) or _is_number(k) for k in keys):
        return sorted(keys)
    return keys


def heatmap(
    df: pd.DataFrame,
    x: str,
    y: str,
    z: str,
    locale: str,
    *,
    title: str | None = None,
    labels: Mapping[str, str] | None = None,
    value_format: ValueFormat = "number",
    decimals: int = 0,
    zmin: float | None = None,
    zmax: float | None = None,
    colorscale: Sequence[Sequence[Any]] | str | None = None,
    x_order: Sequence[Any] | None = None,
    y_order: Sequence[Any] | None = None,
    show_values: bool = True,
) -> go.Figure:
    """Grid of ``z`` by ``x`` (columns) and ``y`` (rows) from a long-format frame.

    Cells missing from ``df`` (for example groups suppressed for anonymity) stay
    blank. Row/column labels are localised text (dates in Jalali); rows run top
    to bottom in ``y_order`` (default: first appearance, sorted if dates/numbers).
    Duplicate (x, y) pairs are averaged.
    """
    _check_locale(locale)
    xs, ys = _ordered_keys(df[x], x_order), _ordered_keys(df[y], y_order)
    grid = df.pivot_table(index=y, columns=x, values=z, aggfunc="mean", dropna=False)
    grid = grid.reindex(index=ys, columns=xs)
    matrix = [[None if pd.isna(v) else float(v) for v in row] for row in grid.to_numpy()]
    text = [
        ["" if v is None else format_value(v, locale, value_format, decimals) for v in row]
        for row in matrix
    ]

    def key_label(k: Any) -> str:
        if isinstance(k, date | np.datetime64 | pd.Timestamp):
            return format_date(_as_date(pd.Timestamp(k)), locale)
        return _label_of(k, locale)

    x_labels, y_labels = [key_label(k) for k in xs], [key_label(k) for k in ys]
    hover = [
        [f"{yl} · {xl}<br><b>{t or MISSING}</b>" for xl, t in zip(x_labels, row, strict=True)]
        for yl, row in zip(y_labels, text, strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            x=x_labels,
            y=y_labels,
            z=matrix,
            zmin=zmin,
            zmax=zmax,
            colorscale=colorscale or SEQUENTIAL,
            text=text,
            texttemplate="%{text}" if show_values else None,
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            xgap=2,
            ygap=2,
            colorbar={"tickformat": _D3_FORMAT[value_format], "thickness": 12},
        )
    )
    fig.update_layout(**_base_layout(title))
    # Categories, not positions: keep labels such as '۱۴۰۳/۰۱/۰۵' verbatim, first row on top.
    fig.update_xaxes(type="category", showgrid=False)
    fig.update_yaxes(type="category", showgrid=False, autorange="reversed")
    _axis_titles(fig, labels, x, y)
    return apply_locale(fig, locale)
