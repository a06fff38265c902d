"""Placeholder until the data layer lands."""

from __future__ import annotations

import streamlit as st

from dashboard.kpis.filters import Filters
from dashboard.kpis.viewer import Viewer


def show(viewer: Viewer, filters: Filters) -> None:
    st.info(viewer.t("kpis.ui.no_kpis"))
