"""The audit log: filtered by action, person, record and dates, a page at a time; each
entry in words (audit_text), never its stored codes."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import tables
from dashboard.admin.audit_text import ACTIONS, ENTITIES, action_label, describe, entity_label
from dashboard.admin.viewer import Viewer, any_or
from dashboard.formatting import tehran_local_to_utc
from dashboard.jalali_input import jalali_date_input
from dashboard.pager import page_number, pager
from dashboard.ui import date_messages, read, t
from data_access import audit, paging

__all__ = ["ENTITIES", "show"]

PAGE_SIZE = 200
PAGE_KEY = "audit_page"


def _first_page() -> None:
    st.session_state[PAGE_KEY] = 1


def _department(viewer: Viewer):
    def name(department_id: int) -> str:
        node = viewer.by_id.get(department_id)
        return node.label(viewer.lang) if node else t("audit.entity.department")
    return name


def show(viewer: Viewer) -> None:
    lang = viewer.lang
    # Every action the app can record, in the reader's words and alphabetical order.
    known = list(dict.fromkeys([*ACTIONS, *read(audit.actions)]))
    actions = sorted(known, key=lambda a: action_label(a, lang))
    entities = sorted(ENTITIES, key=lambda e: entity_label(e, lang))
    col1, col2, col3 = st.columns(3)
    action = col1.selectbox(t("admin.action"), [None, *actions],
                            format_func=any_or(lambda a: action_label(a, lang)),
                            on_change=_first_page, placeholder=t("admin.any"))
    who = col2.text_input(t("admin.actor"), on_change=_first_page)
    entity = col3.selectbox(t("admin.entity"), [None, *entities],
                            format_func=any_or(lambda e: entity_label(e, lang)),
                            on_change=_first_page, placeholder=t("admin.any"))
    col4, col5 = st.columns(2)
    with col4:
        since = jalali_date_input(t("admin.since"), key="audit_since", locale=lang,
                                  messages=date_messages())
    with col5:
        until = jalali_date_input(t("admin.until"), key="audit_until", locale=lang,
                                  min_value=since, messages=date_messages())
    number = page_number(PAGE_KEY)
    entries, total = read(
        audit.search, viewer.actor, action=action, entity=entity,
        actor_username=who.strip().lower() or None,
        since=tehran_local_to_utc(since, 0, 0) if since else None,
        until=tehran_local_to_utc(until + timedelta(days=1), 0, 0) if until else None,
        limit=PAGE_SIZE, offset=paging.offset(number, PAGE_SIZE))
    st.caption(t("admin.audit_found", count=total))
    department = _department(viewer)
    lines = [describe(e, lang, department) for e in entries]
    tables.show([{
        t("admin.when"): line.when, t("admin.actor"): line.who, t("admin.action"): line.what,
        t("admin.entity"): line.record, t("admin.details"): line.details,
    } for line in lines], lang, empty=t("audit.none"))
    pager(paging.paginate(entries, total, number, PAGE_SIZE), PAGE_KEY)
