"""Reach (pr, admin; managers for their own subtree): one item's reach by department and
who has not acknowledged it yet, or activity over recent months."""

from __future__ import annotations

import streamlit as st

from dashboard import tables
from dashboard.charts import plotly_config
from dashboard.exports import csv_bytes
from dashboard.formatting import format_date
from dashboard.news import reads
from dashboard.news.figures import pending_table, pending_view, reach_view, trend_view
from dashboard.news.viewer import Viewer, number, percent
from dashboard.ui import locale, read, t
from data_access import news
from data_access.errors import NotFound


def _chart(figure, key: str) -> None:
    st.plotly_chart(figure, width="stretch", key=key, config=plotly_config(locale(), toolbar=False))


def _csv_button(label: str, data, file_name: str, key: str) -> None:
    """A CSV download (the bytes, or a callable made only when the button is pressed)."""
    st.download_button(label, data, file_name=file_name, mime="text/csv", key=key,
                       on_click="ignore", icon=":material/download:")


def show_item_reach(v: Viewer, choices: list[news.ReachChoice]) -> None:
    titles = {c.id: c for c in choices}
    if st.session_state.get("news_reach_choice") not in titles:
        st.session_state["news_reach_choice"] = choices[0].id
    item_id = st.selectbox(
        t("news.reach.item"), list(titles), key="news_reach_choice",
        format_func=lambda i: f"{titles[i].title} — {format_date(titles[i].publish_at, v.loc)}")
    try:
        view = reach_view(v.key, item_id, v.loc)
    except NotFound:
        st.info(t("news.reach.out_of_scope"))
        return
    reach = view.reach
    columns = st.columns(3 if reach.ack_required else 2)
    columns[0].metric(t("news.reach.audience"), number(reach.audience))
    columns[1].metric(t("news.reach.reads"), number(reach.reads),
                      delta=percent(reach.read_rate), delta_color="off", delta_arrow="off")
    if reach.ack_required:
        columns[2].metric(t("news.reach.acknowledgements"), number(reach.acknowledgements),
                          delta=percent(reach.ack_rate), delta_color="off", delta_arrow="off")
    if view.figure is None:
        st.info(t("news.reach.no_audience"))
        return
    st.subheader(t("news.reach.by_department"), anchor=False)
    _chart(view.figure, "news_reach_chart")
    with st.expander(t("news.reach.table"), icon=":material/table:"):
        tables.show(view.table, v.loc)
        _csv_button(t("news.reach.csv"), view.csv, f"reach-{reach.id}-departments.csv",
                    "news_reach_csv")
    if reach.ack_required:
        st.subheader(t("news.reach.pending"), anchor=False)
        table, shown, total = pending_view(v.key, reach.id, v.loc, 200)
        st.caption(t("news.reach.pending_count", count=total))
        if shown:
            tables.show(table, v.loc)
            if total > shown:
                st.caption(t("news.reach.pending_more", shown=shown, count=total))
            _csv_button(t("news.reach.pending_csv"), lambda: csv_bytes(pending_table(read(
                news.pending_acknowledgements, v.actor, reach.id, limit=None)[0], v.loc)),
                f"reach-{reach.id}-not-acknowledged.csv", "news_pending_csv")


def show_trends(v: Viewer) -> None:
    if st.session_state.get("news_trend_months") not in (3, 6, 12):
        st.session_state["news_trend_months"] = 6
    months = st.segmented_control(t("news.reach.period"), [3, 6, 12], key="news_trend_months",
                                  format_func=lambda m: t("news.reach.months", count=m),
                                  required=True)
    view = trend_view(v.key, months, v.loc)
    if view.per_month is None:
        st.info(t("news.reach.no_items"))
        return
    st.subheader(t("news.reach.per_month"), anchor=False)
    _chart(view.per_month, "news_trend_months_chart")
    _csv_button(t("news.reach.csv"), view.per_month_csv, "items-per-month.csv",
                "news_trend_months_csv")
    st.subheader(t("news.reach.rate_by_category"), anchor=False)
    st.caption(t("news.reach.rate_by_category_help"))
    if view.rates is None:
        st.info(t("news.reach.no_items"))
        return
    _chart(view.rates, "news_trend_rate_chart")
    _csv_button(t("news.reach.csv"), view.rates_csv, "read-rate-by-category.csv",
                "news_trend_rate_csv")


def show_reach(v: Viewer) -> None:
    st.caption(t("news.reach.scope_all") if v.sees_all_reach else t("news.reach.scope_subtree"))
    if st.session_state.get("news_reach_mode") not in ("item", "trend"):
        st.session_state["news_reach_mode"] = "item"
    mode = st.segmented_control(t("news.reach.mode"), ["item", "trend"], key="news_reach_mode",
                                format_func=lambda m: t(f"news.reach.mode_{m}"), required=True)
    if mode == "trend":
        show_trends(v)
        return
    choices = reads.reach_items(v.key)
    if not choices:
        st.info(t("news.reach.no_items"))
        return
    show_item_reach(v, choices)
