"""KPI figures from plain rows: target line and status bands, the sorted department bars,
the status heatmap, sparklines; Jalali, Persian digits and right-to-left in fa."""

from __future__ import annotations

import math

import pytest

from dashboard.kpis import figures
from dashboard.kpis.viewer import format_kpi_value, period_label
from data_access.kpis import Period

MONTHS = [Period("month", 1404, m) for m in range(1, 7)]
HIGHER = figures.Measure("رضایت شهروندان", "percent", 0, "higher", target=80, amber=70, red=60)
LOWER = figures.Measure("اقدام‌های معوق", "count", 0, "lower", target=5, amber=10, red=20)


def _bands(figure) -> dict[str, tuple[float, float]]:
    words = {"در خطر": "at_risk", "خارج از مسیر": "off_track", "At risk": "at_risk",
             "Off track": "off_track"}
    found = {}
    for shape, note in zip(figure.layout.shapes, figure.layout.annotations, strict=False):
        word = note.text.strip("\u202b\u202c")
        found[words[word]] = (shape.y0, shape.y1)
    return found


def test_trend_has_the_target_line_and_bands_named_in_words_for_higher_is_better():
    rows = list(zip(MONTHS, [55, 65, 72, None, 81, 78], strict=True))
    figure = figures.trend(rows, HIGHER, "fa")
    line, target = figure.data
    shown = [None if math.isnan(v) else v for v in line.y]
    assert shown == [55, 65, 72, None, 81, 78]  # a missing month is a gap
    assert line.connectgaps is False
    assert set(target.y) == {80} and target.line.dash == "dash"
    bands = _bands(figure)
    low = figure.layout.yaxis.range[0]
    assert bands == {"off_track": (low, 60), "at_risk": (60, 70)}


def test_trend_bands_mirror_for_lower_is_better():
    rows = list(zip(MONTHS, [3, 8, 12, 25, 9, 4], strict=True))
    figure = figures.trend(rows, LOWER, "en")
    bands = _bands(figure)
    high = figure.layout.yaxis.range[1]
    assert bands == {"at_risk": (10, 20), "off_track": (20, high)}


def test_trend_in_persian_reads_right_to_left_with_jalali_ticks_and_persian_digits():
    rows = list(zip(MONTHS, [55, 65, 72, 70, 81, 78], strict=True))
    figure = figures.trend(rows, HIGHER, "fa", statuses=["off_track"] * 6)
    assert figure.layout.xaxis.autorange == "reversed"
    assert figure.layout.yaxis.side == "right"
    ticks = " ".join(figure.layout.xaxis.ticktext)
    assert "فروردین" in ticks and "۱۴۰۴" in ticks
    assert all(not any(c.isascii() and c.isdigit() for c in t)
               for t in figure.layout.yaxis.ticktext)
    assert "خارج از مسیر" in figure.data[0].hovertext[0]
    english = figures.trend(rows, HIGHER, "en")
    assert english.layout.xaxis.autorange != "reversed"
    assert "Farvardin" in " ".join(english.layout.xaxis.ticktext)


def test_compare_sorts_best_first_and_colours_each_bar_by_status_with_its_word():
    bars = [figures.Bar("منطقه ۱", 65, "at_risk"), figures.Bar("منطقه ۲", 85, "on_track"),
            figures.Bar("منطقه ۳", 50, "off_track"), figures.Bar("منطقه ۴", None),
            figures.Bar("منطقه ۵", 90, "on_track", suppressed=True)]
    figure = figures.compare(bars, HIGHER, "fa")
    (trace,) = figure.data
    assert list(trace.y) == ["منطقه ۲", "منطقه ۱", "منطقه ۳"]  # hidden and empty left out
    assert trace.marker.color[0] != trace.marker.color[2]
    assert "در مسیر" in trace.text[0] and "۸۵٪" in trace.text[0]
    assert figure.layout.yaxis.autorange == "reversed"  # the best on top
    lower = figures.compare(bars[:3], LOWER, "en")
    assert list(lower.data[0].y) == ["منطقه ۳", "منطقه ۱", "منطقه ۲"]


def test_status_heatmap_colours_by_status_and_names_the_statuses():
    cells = [figures.Cell("مشارکت", "منطقه ۱", "۷۰٪", "on_track"),
             figures.Cell("مشارکت", "منطقه ۲", "", None, suppressed=True),
             figures.Cell("eNPS", "منطقه ۱", "۱۲", "off_track")]
    figure = figures.status_heatmap(cells, ["مشارکت", "eNPS"], ["منطقه ۱", "منطقه ۲"], "fa")
    (trace,) = figure.data
    assert list(trace.colorbar.ticktext) == ["خارج از مسیر", "در خطر", "در مسیر"]
    assert trace.z[0][0] == 2 and trace.z[0][1] is None and trace.z[1][0] == 0
    assert trace.text[0][1] == "پنهان"
    assert figure.layout.xaxis.autorange == "reversed"


@pytest.mark.parametrize(("lang", "expected"), [("fa", [3.0, 2.0, 1.0]), ("en", [1.0, 2.0, 3.0])])
def test_sparkline_runs_right_to_left_in_persian_and_skips_hidden_values(lang, expected):
    assert figures.sparkline([1, None, 2, 3], lang) == expected


def test_labels_and_values_in_the_readers_language():
    assert period_label(Period("month", 1405, 3), "fa") == "خرداد ۱۴۰۵"
    assert period_label(Period("quarter", 1405, 2), "fa") == "تابستان ۱۴۰۵"
    assert period_label(Period("quarter", 1405, 2), "en") == "Q2 (summer) 1405"
    assert format_kpi_value(72.5, "percent", 1, "fa") == "۷۲٫۵٪"
    assert format_kpi_value(None, "count", 0, "en") == "—"


def test_the_status_map_wraps_long_kpi_names_and_names_them_in_full_on_hover():
    """On a phone the KPI names, one line each, took most of the map's width."""
    first = "درصد پروژه‌های عمرانی طبق برنامه (برنامه ۲)"
    second = "درصد پروژه‌های عمرانی طبق برنامه (برنامه ۳)"
    cells = [figures.Cell(first, "منطقه ۱", "۷۰٪", "on_track"),
             figures.Cell(second, "منطقه ۱", "۵۰٪", "off_track")]
    figure = figures.status_heatmap(cells, [first, second], ["منطقه ۱"], "fa")
    (trace,) = figure.data
    labels = list(trace.y)
    assert len(set(labels)) == 2  # every word kept: the two never become one row
    for label in labels:
        lines = [line.strip("\u202b\u202c") for line in label.split("<br>")]
        assert 1 < len(lines) <= figures.NAME_LINES
        assert max(map(len, lines)) < len(first) / 2
        assert " ".join(lines) in (first, second)
    assert first in trace.hovertext[0][0] and second in trace.hovertext[1][0]
    assert figure.layout.margin.r < 24 + 7 * len(first) / 2  # was the whole name's width
    # The statuses' colour bar lies across, under the map, not in the cells' room beside it.
    assert (trace.colorbar.orientation, trace.colorbar.x, trace.colorbar.yanchor) == (
        "h", 0.5, "top")
    short = figures.status_heatmap(cells[:1], ["مشارکت کارکنان در نظرسنجی"], ["منطقه ۱"], "fa")
    lines = short.data[0].y[0].split("<br>")
    assert all(len(line.strip("\u202b\u202c")) <= figures.ROW_NAME_WIDTH for line in lines)
    assert trace.z[0][0] == 2 and trace.z[1][0] == 0  # each row keeps its own cells
