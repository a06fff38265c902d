"""Home: what needs the reader's attention today."""

import streamlit as st

from dashboard import news_ui, survey_ui
from dashboard.formatting import format_date, local_today
from dashboard.ui import current_actor, locale, read, t
from data_access import departments

actor = current_actor()
st.title(t("home.title", name=actor.display_name))
department = next((d for d in read(departments.tree) if d.id == actor.department_id), None)
st.caption(t("home.subtitle", department=department.label(locale()) if department else "—",
             today=format_date(local_today(), locale(), style="long", weekday=True)))
survey_ui.home_reminder(actor)
news_ui.home_section(actor)
