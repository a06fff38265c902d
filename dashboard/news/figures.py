"""Reach figures and tables, built once per viewer and item.

Plotly figures are slow to build and to unpickle, so the views live in
st.cache_resource (one shared object, never mutated once built), keyed by the stamp
of the cached data they show (news/reads.py): clearing or expiring the data
rebuilds them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.cache import ViewerKey
from dashboard.charts import apply_locale, bar_chart
from dashboard.exports import csv_bytes
from dashboard.formatting import (
    format_datetime,
    format_number,
    format_percent,
    jalali_month_name,
    localize_digits,
)
from dashboard.i18n import translate
from dashboard.news import reads
from data_access import news


def _translator(loc: str) -> Callable[[str], str]:
    """`t` for a given locale: the cached builders are shared, so they do not read the session."""
    return lambda name: translate(name, loc)


def _full_scale(figure, axis: str, loc: str):
    """Rates on a fixed 0-100% axis, so that 1% never looks like a full bar."""
    figure.update_layout({f"{axis}axis": {"range": [0, 1], "autorange": False, "tickmode": None,
                                          "tickvals": None, "ticktext": None}})
    return apply_locale(figure, loc)  # again: ticks and right-to-left order for the range


@dataclass(frozen=True)
class ReachView:
    reach: news.ItemReach
    figure: object  # plotly Figure by branch
    table: pd.DataFrame  # by department, formatted for the page
    csv: bytes  # the same table with raw numbers


def _reach_view(reach: news.ItemReach, loc: str) -> ReachView:
    tr = _translator(loc)
    measures = [("read_rate", tr("news.reach.read_rate"))]
    if reach.ack_required:
        measures.append(("ack_rate", tr("news.reach.ack_rate")))
    bars = pd.DataFrame([{"department": row.label(loc), "measure": label,
                          "rate": getattr(row, name) or 0.0}
                         for row in reach.branches for name, label in measures])
    figure = None
    if not bars.empty:
        figure = bar_chart(bars, x="rate", y="department", locale=loc, orientation="h",
                           color="measure", value_format="percent",
                           labels={"rate": tr("news.reach.rate"),
                                   "measure": tr("news.reach.measure")})
        figure.update_layout(height=max(320, 34 * len(reach.branches) * len(measures) + 120))
        figure = _full_scale(figure, "x", loc)
    columns = {"department": tr("news.reach.department"), "audience": tr("news.reach.audience"),
               "reads": tr("news.reach.reads"), "read_rate": tr("news.reach.read_rate"),
               "acknowledgements": tr("news.reach.acknowledgements"),
               "ack_rate": tr("news.reach.ack_rate")}
    if not reach.ack_required:
        del columns["acknowledgements"], columns["ack_rate"]
    raw = pd.DataFrame([{columns[name]: row.label(loc) if name == "department"
                         else getattr(row, name) for name in columns}
                        for row in reach.departments], columns=list(columns.values()))
    shown = raw.copy()
    for name, column in columns.items():
        if name.endswith("rate"):
            shown[column] = [format_percent(v, loc) for v in raw[column]]
        elif name != "department":
            shown[column] = [format_number(v, loc) for v in raw[column]]
    return ReachView(reach, figure, shown, csv_bytes(raw))


def pending_table(people: list[news.PendingPerson], loc: str) -> pd.DataFrame:
    return pd.DataFrame([{
        translate("news.reach.person", loc): p.display_name,
        translate("news.reach.username", loc): p.username,
        translate("news.reach.department", loc): (p.department_en or p.department)
        if loc == "en" else p.department,
        translate("news.reach.read_at", loc): format_datetime(p.read_at, loc) if p.read_at
        else translate("news.reach.not_read", loc),
    } for p in people])


def _pending_view(pending: tuple[list[news.PendingPerson], int], loc: str
                  ) -> tuple[pd.DataFrame, int, int]:
    people, total = pending
    return pending_table(people, loc), len(people), total


@dataclass(frozen=True)
class TrendView:
    per_month: object | None  # plotly Figure
    per_month_csv: bytes
    rates: object | None  # plotly Figure
    rates_csv: bytes


def _trend_view(activity: news.Activity, loc: str) -> TrendView:
    tr = _translator(loc)
    labels = {c.id: c.label(loc) for c in reads.categories(True)}

    per_month = pd.DataFrame([{
        "month": f"{jalali_month_name(m.month, loc)} {localize_digits(str(m.year), loc)}",
        "category": labels.get(m.category_id, "—"), "items": m.items,
    } for m in activity.months], columns=["month", "category", "items"])
    rates = pd.DataFrame([{"category": labels.get(c.category_id, "—"),
                           "rate": c.average_read_rate, "items": c.items}
                          for c in activity.categories], columns=["category", "rate", "items"])
    month_figure = rate_figure = None
    if not per_month.empty:
        month_figure = bar_chart(per_month, x="month", y="items", locale=loc, color="category",
                                 barmode="stack", labels={"items": tr("news.reach.items"),
                                                          "category": tr("news.field.category")})
    if not rates.empty:
        rate_figure = _full_scale(bar_chart(rates, x="category", y="rate", locale=loc,
                                            value_format="percent", show_values=True,
                                            labels={"rate": tr("news.reach.read_rate")}),
                                  "y", loc)
    return TrendView(
        month_figure,
        csv_bytes(per_month.rename(columns={"month": tr("news.reach.month"),
                                            "category": tr("news.field.category"),
                                            "items": tr("news.reach.items")})),
        rate_figure,
        csv_bytes(rates.rename(columns={"category": tr("news.field.category"),
                                        "rate": tr("news.reach.read_rate"),
                                        "items": tr("news.reach.items")})))


# --- the views, built once per viewer, data and locale ------------------------------------------

_BUILDERS: dict[str, Callable[[object, str], object]] = {
    "reach": _reach_view, "pending": _pending_view, "trend": _trend_view}


@st.cache_resource(ttl=600, max_entries=900, show_spinner=False)
def _built(kind: str, key: ViewerKey, what: tuple, loc: str, stamp: float, _data: object):
    """The `kind` of view of `_data` (not hashed: the stamp of its read stands for it)."""
    return _BUILDERS[kind](_data, loc)


def reach_view(key: ViewerKey, item_id: int, loc: str) -> ReachView:
    data = reads.item_reach(key, item_id)
    return _built("reach", key, (item_id,), loc, data.stamp, data.value)


def pending_view(key: ViewerKey, item_id: int, loc: str, limit: int
                 ) -> tuple[pd.DataFrame, int, int]:
    """(first `limit` people not yet acknowledged, formatted; how many shown; total)."""
    data = reads.pending(key, item_id, limit)
    return _built("pending", key, (item_id, limit), loc, data.stamp, data.value)


def trend_view(key: ViewerKey, months: int, loc: str) -> TrendView:
    data = reads.activity(key, months)
    return _built("trend", key, (months,), loc, data.stamp, data.value)
