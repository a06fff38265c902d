""""You said, we do" for everyone: the items made from survey results for the viewer's
department, the departments above it and the whole organisation, as cards (a phone
reads a card, not a wide table). data_access.action_items.team_plans decides which."""

from __future__ import annotations

import streamlit as st

from dashboard.action_items import reads
from dashboard.action_items.viewer import Viewer
from dashboard.formatting import format_date
from dashboard.pager import page_number, pager
from dashboard.surveys.viewer import driver_name
from dashboard.ui import t
from data_access import action_items

STATUS_COLORS = {"open": "blue", "in_progress": "orange", "done": "green", "cancelled": "gray"}
PAGE_KEY = "actions_plans_page"


def _group(v: Viewer, plan: action_items.TeamPlan) -> str:
    name = plan.department_en if v.loc == "en" and plan.department_en else plan.department_fa
    return name or t("surveys.whole_audience")


def show_plans(v: Viewer) -> None:
    st.caption(t("actions.plans.help"))
    page = reads.plans(v.actor, page_number(PAGE_KEY))
    if not page.items:
        st.info(t("actions.plans.empty"))
        return
    for plan in page.items:
        with st.container(border=True, key=f"action_plan_{plan.id}"):
            with st.container(horizontal=True, gap="small"):
                st.badge(t(f"surveys.actions.status.{plan.status}"),
                         color=STATUS_COLORS.get(plan.status, "gray"))
                if plan.overdue:
                    st.badge(t("actions.overdue"), icon=":material/alarm:", color="red")
            st.text(plan.title)  # user text: never Markdown
            st.caption(" · ".join([
                t("actions.plans.meta", group=_group(v, plan),
                  driver=driver_name(plan.source_driver, v.loc), owner=plan.owner),
                t("actions.due", date=format_date(plan.due_on, v.loc, style="long"))]))
            if plan.description:
                st.text(plan.description)
            if plan.completion_note:
                st.caption(t("actions.note"))
                st.text(plan.completion_note)
            if plan.announcement_id is not None:
                from dashboard.action_items.announce import announcement_link
                announcement_link(plan.announcement_id)
    pager(page, PAGE_KEY)
