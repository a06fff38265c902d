"""What a closed wave adds to its results: the department × driver heatmap, the
comments (shuffled, undated, above their own threshold) and the exports."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import tables
from dashboard.exports import csv_bytes, xlsx_bytes
from dashboard.i18n import is_rtl
from dashboard.surveys import figures, reads
from dashboard.surveys.results import Selection, chart_options
from dashboard.surveys.viewer import Viewer, isolate
from dashboard.ui import escape_markdown, read, read_or_explain, t
from data_access import surveys


def show_heatmap(viewer: Viewer, chosen: Selection) -> None:
    st.subheader(t("surveys.results.heatmap"))
    wave_id = chosen.wave.wave_id
    rows = read_or_explain(reads.heatmap, viewer.actor, wave_id, chosen.department_id)
    if not rows:
        st.info(t("surveys.results.heatmap_empty"))
        return
    st.caption(t("surveys.results.heatmap_caption",
                 department=escape_markdown(viewer.group(rows[0].department))))
    st.plotly_chart(figures.heatmap(viewer.actor, wave_id, chosen.department_id, chosen.k,
                                    viewer.lang), **chart_options(viewer.lang))
    notes = [{t("surveys.results.col.department"): viewer.group(row.department),
              t("surveys.results.col.status"): chosen.hidden_text(row.hidden)
              + (" · " + t("surveys.results.reported_under",
                           department=viewer.group(row.reported_under))
                 if row.reported_under else "")}
             for row in rows if row.hidden]
    if notes:
        tables.show(notes, viewer.lang)


def show_comments(viewer: Viewer, chosen: Selection) -> None:
    st.subheader(t("surveys.results.comments"))
    wave_id, department_id = chosen.wave.wave_id, chosen.department_id
    found = read_or_explain(reads.comments, viewer.actor, wave_id, department_id)
    if not found.shown:
        st.info(t("surveys.results.comments_hidden", threshold=found.threshold))
        return
    st.caption(t("surveys.results.comments_note"))
    if not found.by_item:
        st.info(t("surveys.results.no_comments"))
    limit_key = f"comments_limit_{wave_id}_{department_id}"
    limit = st.session_state.get(limit_key, 20)
    for item, texts in found.by_item:
        st.markdown(f"**{escape_markdown(item.text(viewer.lang))}**")
        st.caption(t("surveys.results.comments_count", shown=min(limit, len(texts)),
                     total=len(texts)))
        for text in texts[:limit]:
            # User text: plain text only, never Markdown or HTML.
            st.container(border=True).text(isolate(text))
        if len(texts) > limit:  # in the callback: the longer list is drawn in the same run
            st.button(t("surveys.results.comments_more"), key=f"more_{item.id}",
                      on_click=_show_more, args=(limit_key, limit + 40))


def _show_more(limit_key: str, limit: int) -> None:
    st.session_state[limit_key] = limit


def _round(value: float | None, decimals: int = 1) -> float | None:
    return None if value is None else round(value, decimals)


def export_frame(viewer: Viewer, chosen: Selection) -> pd.DataFrame:
    """The wave's stored results as one table, hidden figures with their reason."""
    def column(name: str) -> str:
        return t(f"surveys.results.col.{name}")

    return pd.DataFrame([{
        column("department"): viewer.group(row.department),
        column("measure"): t(f"surveys.results.measure.{row.measure}"),
        column("code"): viewer.driver(row.code, missing=row.code or ""),
        column("item"): viewer.text(row.text_fa, row.text_en),
        column("n"): row.n,
        column("invited"): row.invited,
        column("participation"):
            None if row.participation is None else round(100 * row.participation, 1),
        column("favorable"): _round(row.favorable_pct),
        column("neutral"): _round(row.neutral_pct),
        column("unfavorable"): _round(row.unfavorable_pct),
        column("mean"): _round(row.mean, 2),
        column("score"): _round(row.score),
        column("enps"): _round(row.enps),
        column("promoters"): _round(row.promoters_pct),
        column("passives"): _round(row.passives_pct),
        column("detractors"): _round(row.detractors_pct),
        column("hidden"): chosen.hidden_text(row.hidden),
        column("reported_under"): viewer.group(row.reported_under) if row.reported_under
        else "",
    } for row in read(surveys.export_rows, viewer.actor, chosen.wave.wave_id)])


def show_exports(viewer: Viewer, chosen: Selection) -> None:
    """CSV and Excel through dashboard/exports.py: PR-written item text never runs as a
    formula. Built only when a button is pressed."""
    st.subheader(t("surveys.results.export"))
    st.caption(t("surveys.results.export_caption"))
    name = f"peyvand-survey-{chosen.wave.survey_id}-wave-{chosen.wave.number}"
    left, right = st.columns(2)
    left.download_button(t("surveys.results.export_csv"), file_name=f"{name}.csv",
                         data=lambda: csv_bytes(export_frame(viewer, chosen)),
                         mime="text/csv", on_click="ignore", icon=":material/download:")
    right.download_button(t("surveys.results.export_excel"), file_name=f"{name}.xlsx",
                          data=lambda: xlsx_bytes(export_frame(viewer, chosen), "results",
                                                  right_to_left=is_rtl(viewer.lang)),
                          on_click="ignore",
                          mime="application/vnd.openxmlformats-officedocument"
                               ".spreadsheetml.sheet", icon=":material/table_view:")
