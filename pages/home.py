"""Home: what needs the reader's attention today, one section per feature
(dashboard/features.py)."""

import streamlit as st

from dashboard import features
from dashboard.formatting import format_date, local_today
from dashboard.ui import department_of, escape_markdown, locale, require_page, t

actor = require_page("use_intranet")
st.title(t("home.title", name=escape_markdown(actor.display_name)))
department = department_of(actor.department_id)
st.caption(t("home.subtitle",
             department=escape_markdown(department.label(locale())) if department else "—",
             today=format_date(local_today(), locale(), style="long", weekday=True)))
for section in features.hooks("home_section", actor):
    section(actor)
