"""KPI cards: this period's value, the target, the change from the previous period, the
status (colour, word and icon) and a sparkline; one card per KPI of the chosen group."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.formatting import format_signed
from dashboard.kpis import downloads, figures, reads
from dashboard.kpis.filters import Filters
from dashboard.kpis.viewer import STATUS_BADGE, STATUS_ICON, Viewer, kpi_description
from dashboard.ui import escape_markdown, read_or_explain
from data_access import kpis

COLUMNS = 3


def _delta(card: kpis.Card, viewer: Viewer) -> dict:
    """st.metric's change: the locale's digits, and its colour from the KPI's direction
    (a fall is good news when lower is better)."""
    change = card.change
    if change is None or card.suppressed:
        return {}
    # Judged as shown: a change that rounds to nothing at the KPI's decimals is no change
    # (it read "↓0" in red beside an unchanged value).
    change = round(change, card.kpi.decimals) + 0.0  # + 0.0: no "-0"
    text = format_signed(change, viewer.lang, card.kpi.decimals)
    if card.kpi.unit == "percent":
        text += "٪" if viewer.lang == "fa" else "%"
    if change == 0:
        return {"delta": text, "delta_color": "gray", "delta_arrow": "off"}
    better = (change > 0) == (card.kpi.direction == "higher")
    return {"delta": text, "delta_color": "green" if better else "red",
            "delta_arrow": "up" if change > 0 else "down",
            "delta_description": viewer.t("kpis.ui.card.vs_previous")}


def draw(viewer: Viewer, card: kpis.Card) -> None:
    """One card (also used by the home page's KPI section)."""
    kpi = card.kpi
    spark = figures.sparkline([None if p.suppressed else p.value for p in card.sparkline],
                              viewer.lang)
    shown = viewer.t("kpis.ui.hidden_short") if card.suppressed \
        else viewer.value(kpi, card.value)
    st.metric(escape_markdown(viewer.name(kpi)), shown,
              help=kpi_description(kpi, viewer.lang) or None,
              chart_data=spark if len(spark) > 1 else None, chart_type="line",
              **_delta(card, viewer))
    status = None if card.suppressed else card.status
    if card.suppressed:
        word = viewer.t("kpis.ui.hidden_short")
    elif status is None and card.value is None:
        word = viewer.t("kpis.status.no_value")
    else:  # a status, or a value with no thresholds to judge it by
        word = viewer.status(status)
    st.badge(word, icon=STATUS_ICON[status], color=STATUS_BADGE[status])
    notes = []
    if kpi.target is not None:
        notes.append(viewer.t("kpis.ui.card.target", target=viewer.value(kpi, kpi.target)))
    if card.suppressed:
        notes.append(viewer.t("kpis.ui.hidden_note"))
    if notes:
        st.caption(" · ".join(notes))


def grid(viewer: Viewer, cards: list[kpis.Card], key: str) -> None:
    for start in range(0, len(cards), COLUMNS):
        columns = st.columns(COLUMNS)
        for index, (column, card) in enumerate(zip(columns, cards[start:start + COLUMNS],
                                                   strict=False)):
            with column.container(border=True, key=f"{key}_{start + index}"):
                draw(viewer, card)


def frame(viewer: Viewer, cards: list[kpis.Card]) -> pd.DataFrame:
    def column(name: str) -> str:
        return viewer.t(f"kpis.ui.col.{name}")

    return pd.DataFrame([{
        column("kpi"): viewer.name(c.kpi),
        column("period"): viewer.period(c.period),
        column("value"): None if c.suppressed else c.value,
        column("previous"): c.previous,
        column("change"): None if c.suppressed else c.change,
        column("target"): c.kpi.target,
        column("status"): viewer.status(None if c.suppressed else c.status),
    } for c in cards])


def show(viewer: Viewer, filters: Filters) -> None:
    period = filters.last
    st.subheader(viewer.t("kpis.ui.cards.title", period=viewer.period(period),
                          department=escape_markdown(
                              reads.department_name(filters.department_id, viewer.lang))))
    cards = read_or_explain(reads.cards, viewer.actor, filters.department_id, period,
                            filters.group)
    if not cards:
        st.info(viewer.t("kpis.ui.cards.empty"))
        return
    grid(viewer, cards, "kpi_card")
    downloads.offer(viewer, frame(viewer, cards), f"peyvand-kpis-{period.key}", "kpi_cards")
