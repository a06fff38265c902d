"""Action items on the role home pages (dashboard/features.py HOME_SECTIONS): my items
due soon (or overdue), and for a team leader the team's overdue items. Quiet when empty."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboard.action_items import reads
from dashboard.formatting import format_date, format_number, local_today
from dashboard.navigation import page_path
from dashboard.ui import escape_markdown, locale, t
from data_access import action_items
from data_access.models.action_items import CLOSED
from data_access.paging import Page
from data_access.permissions import Actor

DUE_SOON_DAYS = 14
SHOWN = 5


def due_soon_items(items: list[action_items.MyActionItem], today: date,
                   days: int = DUE_SOON_DAYS) -> list[action_items.MyActionItem]:
    """Open items overdue or due within `days`, soonest first (the list comes sorted)."""
    last = today + timedelta(days=days)
    return [i for i in items if i.status not in CLOSED and i.due_on <= last]


def _when(due_on: date, overdue: bool, loc: str) -> str:
    key = "home.actions.overdue_since" if overdue else "home.actions.due_on"
    return t(key, date=format_date(due_on, loc, "long"))


def due_soon(actor: Actor) -> None:
    items = due_soon_items(reads.mine(actor, include_done=False), local_today())
    if not items:
        return
    loc = locale()
    with st.container(border=True, key="home_actions_mine"):
        st.markdown(f"**{t('home.actions.mine_title', days=format_number(DUE_SOON_DAYS, loc))}**")
        for item in items[:SHOWN]:
            icon = ":material/warning:" if item.overdue else ":material/task_alt:"
            st.markdown(f"{icon} {escape_markdown(item.title)}")
            st.caption(_when(item.due_on, item.overdue, loc))
        st.page_link(page_path("action_items.py"), label=t("home.actions.all"),
                     icon=":material/task_alt:")


def _team_overdue(actor: Actor) -> Page[action_items.TeamActionItem]:
    return reads.team(actor, "managed", None, True, "", "due_on", False, 1, SHOWN)


def team_overdue(actor: Actor) -> None:
    page = _team_overdue(actor)
    if not page.total:
        return
    loc = locale()
    with st.container(border=True, key="home_actions_team"):
        st.markdown(f"**{t('home.actions.team_title', count=format_number(page.total, loc))}**")
        for item in page.items:
            st.markdown(f":material/warning: {escape_markdown(item.title)}")
            st.caption(f"{escape_markdown(item.owner)} · "
                       f"{_when(item.due_on, True, loc)}")
        st.page_link(page_path("action_items.py"), label=t("home.actions.team_all"),
                     icon=":material/groups:")

