"""Placeholder until its feature lands: the page exists for the roles that will use it."""

import streamlit as st

from dashboard.ui import t

st.title(t("nav.kpis"))
st.info(t("empty.kpis"))
