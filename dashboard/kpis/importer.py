"""Values from a CSV or Excel file: upload → a preview that lists every bad row with its
line and reason → confirm → a progress bar. data_access.kpis checks the whole file
again when it saves, and saves nothing unless every row is valid."""

from __future__ import annotations

import streamlit as st

from dashboard import tables, uploads
from dashboard.formatting import format_number
from dashboard.kpis import reads
from dashboard.kpis.filters import Filters
from dashboard.kpis.viewer import Viewer
from dashboard.ui import flash, read, run_write
from data_access import kpis
from data_access.kpis import Period

PREVIEW_ROWS = 200
TEMPLATE = "kpi,department,period,value\nc1,روابط عمومی,1404-06,85\n"


def _reason(viewer: Viewer, problem) -> str:
    return viewer.t(problem.key, **problem.params)


def _period(key: str, viewer: Viewer) -> str:
    try:
        return viewer.period(Period.parse(key))
    except ValueError:
        return key


def show(viewer: Viewer, filters: Filters) -> None:
    st.subheader(viewer.t("kpis.ui.view.import"))
    st.caption(viewer.t("kpis.ui.import.help"))
    st.download_button(viewer.t("kpis.ui.import.template"), TEMPLATE.encode("utf-8-sig"),
                       "peyvand-kpi-values.csv", "text/csv", on_click="ignore",
                       key="kpi_import_template", icon=":material/download:")
    upload = uploads.checked_upload(
        viewer.t("kpis.ui.import.file"), ["csv", "xlsx"], "kpi_import",
        lambda raw, name: read(kpis.import_preview, viewer.actor, raw, name))
    if upload is None:
        return
    preview = upload.checked

    def column(key: str) -> str:
        return viewer.t(f"kpis.ui.import.col.{key}")

    if preview.errors:
        st.error(viewer.t("kpis.ui.import.errors", count=len(preview.errors)))
        tables.show([{column("line"): format_number(problem.line, viewer.lang),
                      column("reason"): _reason(viewer, problem)}
                     for problem in preview.errors], viewer.lang, key="kpi_import_errors")
        return
    st.success(viewer.t("kpis.ui.import.ready", count=len(preview.rows)))
    names = {k.code: viewer.name(k) for k in reads.kpi_list(viewer.actor, include_inactive=True)}
    tables.show([{column("line"): format_number(row.line, viewer.lang),
                  column("kpi"): names.get(row.code, row.code),
                  column("department"): reads.department_name(row.department_id, viewer.lang),
                  column("period"): _period(row.period, viewer),
                  column("value"): row.value,
                  column("current"): row.current} for row in preview.rows[:PREVIEW_ROWS]],
                viewer.lang, key="kpi_import_rows", optional=[column("current")])
    if not st.button(viewer.t("kpis.ui.import.confirm", count=len(preview.rows)),
                     type="primary", key="kpi_import_now"):
        return
    # Written in the click's run, not in a callback: the progress bar must be drawn here,
    # under the button, while the rows are saved (a callback's output lands at the top of
    # the page), and the page above (uploader, preview) must then be drawn again without
    # the saved file: so this write keeps its second run.
    bar = st.progress(0.0, text=viewer.t("kpis.ui.import.progress"))

    def progress(done_rows: int, total: int) -> None:
        bar.progress(done_rows / max(total, 1), text=viewer.t("kpis.ui.import.progress"))

    outcome = run_write(kpis.import_commit, upload.raw, upload.name, progress=progress)
    if outcome.ok:
        reads.after_write()
        uploads.start_over("kpi_import")
        flash(viewer.t("kpis.ui.import.done", count=outcome.value))
        st.rerun()
