"""Home: what needs the reader's attention today."""

import streamlit as st

from dashboard import news, survey_ui
from dashboard.formatting import format_date, local_today
from dashboard.ui import current_actor, department_of, escape_markdown, locale, t

actor = current_actor()
st.title(t("home.title", name=escape_markdown(actor.display_name)))
department = department_of(actor.department_id)
st.caption(t("home.subtitle",
             department=escape_markdown(department.label(locale())) if department else "—",
             today=format_date(local_today(), locale(), style="long", weekday=True)))
survey_ui.home_reminder(actor)
news.home_section(actor)
