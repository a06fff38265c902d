"""Plotly localisation: Jalali/Persian ticks, RTL mirroring and the builders."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.charts import (
    FONT_FAMILY,
    PLOTLY_TEXTS,
    apply_locale,
    bar_chart,
    heatmap,
    jalali_date_ticks,
    line_chart,
    number_ticks,
    plotly_config,
)
from dashboard.formatting import gregorian_to_jalali, jalali_month_name
from dashboard.i18n import translate

ASCII_DIGIT = re.compile("[0-9]")
PERSIAN_DIGIT = re.compile("[۰-۹]")
EN_MONTHS = {jalali_month_name(m, "en") for m in range(1, 13)}
FA_MONTHS = {jalali_month_name(m, "fa") for m in range(1, 13)}


def _persian_only(labels: list[str] | tuple[str, ...]) -> bool:
    """Every label has Persian digits (or none) and no Western digit."""
    return all(not ASCII_DIGIT.search(label) for label in labels)


# --- jalali_date_ticks ----------------------------------------------------------


@given(
    st.dates(date(1990, 1, 1), date(2100, 1, 1)),
    st.integers(0, 20_000),
    st.integers(1, 12),
    st.sampled_from(["fa", "en"]),
)
def test_date_ticks_are_increasing_within_range_and_localised(
    start: date, span: int, max_ticks: int, locale: str
) -> None:
    end = start + timedelta(days=span)
    vals, labels = jalali_date_ticks(start, end, locale, max_ticks=max_ticks)
    assert 1 <= len(vals) <= max_ticks
    assert len(labels) == len(vals)
    assert vals == sorted(set(vals)), "strictly increasing"
    assert all(start <= v <= end for v in vals) or vals == [start]
    if locale == "fa":
        assert _persian_only(labels)
        # Month-name labels carry no digits, but the first tick always shows the year.
        assert PERSIAN_DIGIT.search(labels[0])
    else:
        assert not any(PERSIAN_DIGIT.search(label) for label in labels)


def test_long_ranges_tick_on_jalali_month_starts() -> None:
    vals, labels = jalali_date_ticks(date(2024, 3, 1), date(2024, 12, 31), "fa")
    assert all(gregorian_to_jalali(v)[2] == 1 for v in vals)
    assert labels[0] == "فروردین<br>۱۴۰۳"
    assert all(label.split("<br>")[0] in FA_MONTHS for label in labels)


def test_english_labels_use_transliterated_months_and_western_digits() -> None:
    vals, labels = jalali_date_ticks(date(2024, 3, 1), date(2024, 12, 31), "en")
    assert labels[0] == "Farvardin<br>1403"
    assert all(label.split("<br>")[0] in EN_MONTHS for label in labels)


def test_year_appears_where_it_changes() -> None:
    # 17 months with at most 8 ticks: quarters, aligned to Farvardin (the seasons).
    vals, labels = jalali_date_ticks(date(2024, 1, 1), date(2025, 6, 1), "en")
    assert labels == ["Farvardin<br>1403", "Tir", "Mehr", "Dey", "Farvardin<br>1404"]
    vals, labels = jalali_date_ticks(date(2024, 3, 10), date(2024, 3, 30), "en", max_ticks=3)
    assert labels == ["26 Esfand<br>1402", "4 Farvardin<br>1403", "11 Farvardin"]


def test_short_ranges_tick_on_days() -> None:
    vals, labels = jalali_date_ticks(date(2024, 3, 18), date(2024, 3, 22), "fa")
    assert vals == [date(2024, 3, 18) + timedelta(days=i) for i in range(5)]
    assert labels == ["۲۸ اسفند<br>۱۴۰۲", "۲۹ اسفند", "۱ فروردین<br>۱۴۰۳", "۲ فروردین", "۳ فروردین"]


def test_weekly_ticks_fall_on_saturday() -> None:
    vals, _ = jalali_date_ticks(date(2024, 4, 1), date(2024, 5, 10), "fa")
    assert len(vals) > 1
    assert all(v.weekday() == 5 for v in vals)  # Saturday, first day of the Persian week


def test_many_years_tick_on_nowruz() -> None:
    vals, labels = jalali_date_ticks(date(2000, 1, 1), date(2030, 1, 1), "fa", max_ticks=8)
    assert all(gregorian_to_jalali(v)[1:] == (1, 1) for v in vals)
    assert all(re.fullmatch("[۰-۹]{4}", label) for label in labels)


def test_single_day_and_reversed_range() -> None:
    assert jalali_date_ticks(date(2024, 3, 20), date(2024, 3, 20), "en") == (
        [date(2024, 3, 20)],
        ["1 Farvardin<br>1403"],
    )
    forward = jalali_date_ticks(date(2024, 3, 1), date(2024, 6, 1), "en")
    assert jalali_date_ticks(date(2024, 6, 1), date(2024, 3, 1), "en") == forward


def test_date_ticks_reject_bad_arguments() -> None:
    with pytest.raises(ValueError):
        jalali_date_ticks(date(2024, 1, 1), date(2024, 2, 1), "fa", max_ticks=0)
    with pytest.raises(ValueError):
        jalali_date_ticks(date(2024, 1, 1), date(2024, 2, 1), "de")


# --- number_ticks -----------------------------------------------------------------


def test_number_ticks_are_nice_and_persian() -> None:
    vals, labels = number_ticks(0, 87, "fa")
    assert vals == [0, 20, 40, 60, 80]
    assert labels == ["۰", "۲۰", "۴۰", "۶۰", "۸۰"]
    vals, labels = number_ticks(0, 45_000, "fa")
    assert labels[-1] == "۴۰٬۰۰۰"


def test_number_ticks_percent_and_signed() -> None:
    _, labels = number_ticks(0, 1, "fa", value_format="percent")
    assert labels[0] == "۰٪" and labels[-1] == "۱۰۰٪"
    _, labels = number_ticks(-40, 40, "en", value_format="signed")
    assert labels[0] == "\u221240" and labels[-1] == "+40"


@given(
    st.floats(-1e9, 1e9, allow_nan=False),
    st.floats(1e-3, 1e9, allow_nan=False),
    st.integers(2, 10),
)
def test_number_ticks_fit_the_range(lo: float, span: float, max_ticks: int) -> None:
    vals, labels = number_ticks(lo, lo + span, "fa", max_ticks=max_ticks)
    assert 1 <= len(vals) <= max_ticks
    assert vals == sorted(vals)
    assert _persian_only(labels)


# --- apply_locale -----------------------------------------------------------------


def _date_line() -> go.Figure:
    days = pd.date_range("2024-03-01", "2024-09-01", freq="7D")
    fig = go.Figure()
    fig.add_scatter(x=days, y=[i * 150 for i in range(len(days))], name="a")
    fig.add_scatter(x=days, y=[i * 100 for i in range(len(days))], name="b")
    return fig


def test_apply_locale_fa_mirrors_and_uses_jalali_persian_ticks() -> None:
    fig = apply_locale(_date_line(), "fa")
    layout = fig.layout
    assert layout.font.family == FONT_FAMILY
    assert layout.xaxis.autorange == "reversed"
    assert layout.yaxis.side == "right"
    assert layout.legend.xanchor == "right"
    assert layout.legend.traceorder == "reversed"
    tickvals = [date.fromisoformat(v) for v in layout.xaxis.tickvals]
    assert tickvals == sorted(tickvals)
    assert _persian_only(layout.xaxis.ticktext)
    assert any(_plain(label).split("<br>")[0] in FA_MONTHS for label in layout.xaxis.ticktext)
    # Each line is embedded right-to-left so SVG text reads «۵ آذر», not «آذر ۵».
    assert all(label.startswith("\u202b") for label in layout.xaxis.ticktext)
    assert _persian_only(layout.yaxis.ticktext)
    assert "۳٬۰۰۰" in layout.yaxis.ticktext
    json.loads(fig.to_json())  # still serialisable for st.plotly_chart


def test_apply_locale_en_keeps_direction_with_jalali_ticks() -> None:
    fig = apply_locale(_date_line(), "en")
    layout = fig.layout
    assert layout.font.family == FONT_FAMILY
    assert layout.xaxis.autorange != "reversed"
    assert layout.yaxis.side == "left"
    assert layout.legend.xanchor == "left"
    assert any(label.split("<br>")[0] in EN_MONTHS for label in layout.xaxis.ticktext)
    assert not any(PERSIAN_DIGIT.search(t) for t in layout.xaxis.ticktext)
    assert "3,000" in layout.yaxis.ticktext


def test_apply_locale_handles_python_dates_and_json_figures() -> None:
    days = [date(2024, 3, 20) + timedelta(days=30 * i) for i in range(6)]
    source = go.Figure(go.Bar(x=days, y=[1.5, 2.5, 3.0, 2.0, 1.0, 4.0]))
    # A figure that went through JSON holds Plotly's base64 typed arrays.
    fig = apply_locale(go.Figure(json.loads(source.to_json())), "fa")
    assert fig.layout.xaxis.type == "date"
    assert _plain(fig.layout.xaxis.ticktext[0]) == "فروردین<br>۱۴۰۳"
    assert fig.layout.yaxis.tickvals[0] == 0  # bars start at zero
    assert _persian_only(fig.layout.yaxis.ticktext)


def test_numeric_scatter_x_is_not_mirrored() -> None:
    fig = apply_locale(go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2])), "fa")
    assert fig.layout.xaxis.autorange != "reversed"
    assert fig.layout.yaxis.side == "right"
    assert _persian_only(fig.layout.xaxis.ticktext)


def test_categorical_x_is_mirrored_in_fa() -> None:
    fig = apply_locale(go.Figure(go.Bar(x=["الف", "ب"], y=[3, 5])), "fa")
    assert fig.layout.xaxis.autorange == "reversed"
    assert fig.layout.xaxis.ticktext is None  # categories are shown as given


def test_explicit_ticktext_is_kept_with_localised_digits() -> None:
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2]))
    fig.update_yaxes(tickvals=[1, 2], ticktext=["level 1", "level 2"])
    apply_locale(fig, "fa")
    assert fig.layout.yaxis.ticktext == ("level ۱", "level ۲")


def test_apply_locale_is_idempotent() -> None:
    once = apply_locale(_date_line(), "fa").to_plotly_json()["layout"]
    twice = apply_locale(apply_locale(_date_line(), "fa"), "fa").to_plotly_json()["layout"]
    assert once == twice


def test_apply_locale_rejects_unknown_locale() -> None:
    with pytest.raises(ValueError):
        apply_locale(go.Figure(), "FA")


# --- builders ---------------------------------------------------------------------


def test_line_chart_fa() -> None:
    df = pd.DataFrame(
        {
            "day": [date(2024, 3, 20) + timedelta(days=7 * i) for i in range(10)] * 2,
            "score": [0.5 + 0.02 * i for i in range(20)],
            "dept": ["مالی"] * 10 + ["فنی"] * 10,
        }
    )
    fig = line_chart(
        df,
        "day",
        "score",
        "fa",
        color="dept",
        value_format="percent",
        target=0.8,
        target_label="هدف",
    )
    assert [t.name for t in fig.data] == ["مالی", "فنی", "هدف"]
    assert fig.layout.xaxis.autorange == "reversed"
    assert _persian_only(fig.layout.xaxis.ticktext)
    assert all(t.endswith("٪") for t in fig.layout.yaxis.ticktext)
    hover = fig.data[0].hovertext[0]
    assert "۱ فروردین ۱۴۰۳" in hover and "۵۰٪" in hover


def test_bar_chart_horizontal_percent_fa() -> None:
    df = pd.DataFrame({"dept": ["مالی", "فنی", "اداری"], "share": [0.52, 0.71, 0.9]})
    fig = bar_chart(
        df, "share", "dept", "fa", orientation="h", value_format="percent", show_values=True
    )
    assert fig.data[0].orientation == "h"
    assert fig.layout.xaxis.autorange == "reversed"  # bars grow from the right
    assert fig.layout.yaxis.side == "right"
    assert fig.layout.xaxis.ticktext[0] == "۰٪"
    assert tuple(fig.data[0].text) == ("۵۲٪", "۷۱٪", "۹۰٪")


def test_bar_chart_stacked_en() -> None:
    df = pd.DataFrame(
        {"month": ["a", "b", "a", "b"], "n": [1200, 800, 300, 2500], "kind": ["x", "x", "y", "y"]}
    )
    fig = bar_chart(df, "month", "n", "en", color="kind", barmode="stack")
    assert fig.layout.barmode == "stack"
    assert len(fig.data) == 2
    assert fig.layout.yaxis.tickvals[-1] >= 3000  # ticks cover the stacked total 3,300
    assert "3,000" in fig.layout.yaxis.ticktext


def test_heatmap_fa() -> None:
    df = pd.DataFrame(
        {
            "wave": [date(2024, 3, 20), date(2024, 4, 3)] * 2,
            "dept": ["مالی", "مالی", "فنی", "فنی"],
            "enps": [12, -5, 30, None],
        }
    )
    fig = heatmap(df, "wave", "dept", "enps", "fa", value_format="signed", zmin=-100, zmax=100)
    trace = fig.data[0]
    assert tuple(trace.x) == ("۱۴۰۳/۰۱/۰۱", "۱۴۰۳/۰۱/۱۵")
    assert tuple(trace.y) == ("مالی", "فنی")
    assert list(trace.text[0]) == ["\u200e+۱۲", "\u200e\u2212۵"]
    assert trace.text[1][1] == ""  # missing (suppressed) cell stays blank
    assert trace.z[1][1] is None
    assert fig.layout.yaxis.autorange == "reversed"  # first row on top
    assert fig.layout.xaxis.autorange == "reversed"
    assert _persian_only(trace.colorbar.ticktext)
    assert trace.colorbar.ticktext[0] == "\u200e\u2212۱۰۰"


def test_builders_use_one_font_and_palette() -> None:
    df = pd.DataFrame({"c": ["a", "b"], "v": [1, 2]})
    for fig in (bar_chart(df, "c", "v", "en"), line_chart(df, "c", "v", "en")):
        assert fig.layout.font.family == FONT_FAMILY
        assert fig.layout.hoverlabel.font.family == FONT_FAMILY


def _plain(label: str) -> str:
    return label.replace("\u202b", "").replace("\u202c", "")


# --- the chart's toolbar (plotly_config) --------------------------------------------


def test_png_comes_from_the_chart_toolbar_without_plotly_links():
    config = plotly_config("fa", "peyvand-kpi")
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "peyvand-kpi",
                                              "scale": 2}
    assert config["displaylogo"] is False and config["showLink"] is False
    assert not any("http" in str(v) for v in config.values())


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_plotlys_own_texts_come_from_the_locale_files(locale):
    """The toolbar's tooltips ("Download plot as a PNG", "Zoom", "Reset axes"…) were
    English on a Persian page: Plotly looks them up in the config's own dictionary."""
    config = plotly_config(locale, "chart")
    assert config["locale"] == locale
    dictionary = config["locales"][locale]["dictionary"]
    assert dictionary == {english: translate(key, locale) for english, key in PLOTLY_TEXTS.items()}
    assert {"Download plot as a PNG", "Zoom", "Pan", "Zoom in", "Zoom out",
            "Reset axes"} <= dictionary.keys()
    if locale == "fa":
        assert dictionary["Reset axes"] == "بازگشت به نمای اول"
        assert not any(ASCII_DIGIT.search(t) or re.search("[A-Za-z]", t)
                       for t in dictionary.values())
    json.dumps(config)  # Streamlit sends it as JSON


def test_a_chart_without_toolbar_still_speaks_the_readers_language():
    config = plotly_config("fa", toolbar=False)
    assert config["displayModeBar"] is False and config["locale"] == "fa"
    assert "toImageButtonOptions" not in config
    with pytest.raises(ValueError):
        plotly_config("de")
