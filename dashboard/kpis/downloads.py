"""The data behind a chart as CSV and Excel, through dashboard/exports.py (every cell
formula-guarded). The chart itself downloads as PNG from its own toolbar."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.exports import csv_bytes, xlsx_bytes
from dashboard.i18n import is_rtl
from dashboard.kpis.viewer import Viewer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def offer(viewer: Viewer, frame: pd.DataFrame, name: str, key: str) -> None:
    """Two buttons under a chart; the files are built only when one is pressed."""
    left, right = st.columns(2)
    left.download_button(viewer.t("kpis.ui.download_csv"), data=lambda: csv_bytes(frame),
                         file_name=f"{name}.csv", mime="text/csv", on_click="ignore",
                         key=f"{key}_csv", icon=":material/download:")
    right.download_button(viewer.t("kpis.ui.download_excel"),
                          data=lambda: xlsx_bytes(frame, "kpis", right_to_left=is_rtl(viewer.lang)),
                          file_name=f"{name}.xlsx", mime=XLSX, on_click="ignore",
                          key=f"{key}_xlsx", icon=":material/table_view:")
