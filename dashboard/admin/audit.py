"""The audit log: filtered by action, person, entity and dates, a page at a time."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard.admin.viewer import Viewer, any_or
from dashboard.formatting import format_datetime, tehran_local_to_utc
from dashboard.jalali_input import jalali_date_input
from dashboard.pager import page_number, pager
from dashboard.ui import date_messages, read, t
from data_access import audit, paging

PAGE_SIZE = 200
PAGE_KEY = "audit_page"
# Every entity type data_access records (the `entity` of each audit.record call);
# a test checks this list against the calls.
ENTITIES = ("user", "department", "announcement", "announcement_comment", "news_category",
            "survey", "survey_wave", "survey_bank_item", "action_item", "meeting", "decision",
            "meeting_type")


def _first_page() -> None:
    st.session_state[PAGE_KEY] = 1


def show(viewer: Viewer) -> None:
    col1, col2, col3, col4, col5 = st.columns([2, 2, 2, 3, 3])
    action = col1.selectbox(t("admin.action"), [None, *read(audit.actions)],
                            format_func=any_or(str), on_change=_first_page,
                            placeholder=t("admin.any"))
    who = col2.text_input(t("admin.actor"), on_change=_first_page)
    entity = col3.selectbox(t("admin.entity"), [None, *ENTITIES], format_func=any_or(str),
                            on_change=_first_page, placeholder=t("admin.any"))
    with col4:
        since = jalali_date_input(t("admin.since"), key="audit_since", locale=viewer.lang,
                                  messages=date_messages())
    with col5:
        until = jalali_date_input(t("admin.until"), key="audit_until", locale=viewer.lang,
                                  min_value=since, messages=date_messages())
    number = page_number(PAGE_KEY)
    entries, total = read(
        audit.search, viewer.actor, action=action, entity=entity,
        actor_username=who.strip().lower() or None,
        since=tehran_local_to_utc(since, 0, 0) if since else None,
        until=tehran_local_to_utc(until + timedelta(days=1), 0, 0) if until else None,
        limit=PAGE_SIZE, offset=paging.offset(number, PAGE_SIZE))
    st.caption(t("admin.audit_found", count=total))
    st.dataframe(pd.DataFrame([{
        t("admin.when"): format_datetime(e.at, viewer.lang),
        t("admin.actor"): e.actor or t("admin.system"),
        t("admin.action"): e.action,
        t("admin.entity"): f"{e.entity} {e.entity_id or ''}".strip(),
        t("admin.details"): json.dumps(json.loads(e.details), ensure_ascii=False)
        if e.details else "",
    } for e in entries]), hide_index=True, width="stretch")
    pager(paging.paginate(entries, total, number, PAGE_SIZE), PAGE_KEY)
