"""Managing (pr, admin): items by life-cycle stage and the actions each stage allows;
categories for admins."""

from __future__ import annotations

import streamlit as st

from dashboard import tables
from dashboard.formatting import format_datetime
from dashboard.news import reads
from dashboard.news.viewer import Viewer, audience_text, go_to, number, open_item, start_edit
from dashboard.pager import pager
from dashboard.ui import escape_markdown, flash, locale, read, run_write, t
from data_access import news
from data_access.permissions import can

PAGE_SIZE = 20
# Actions asked for twice (a popover to confirm): (rules' action, the write, icon, the
# message once done); labelled news.manage.<action> and news.manage.<action>_confirm.
CONFIRMED = (("archive", news.archive, ":material/archive:", "news.manage.archived"),
             ("delete", news.delete_draft, ":material/delete:", "news.manage.deleted"))


def _transition(action, item: news.ManagedItem, message: str, *args: object) -> None:
    if run_write(action, item.id, item.version, *args).ok:
        reads.invalidate_all()
        flash(t(message, title=escape_markdown(item.title)))


def _set_category_active(category_id: int, active: bool) -> None:
    """The button's callback: the table above is drawn after it (one run, not two)."""
    if run_write(news.set_category_active, category_id, active).ok:
        reads.invalidate_all()


def show_categories() -> None:
    with st.expander(t("news.categories.title"), icon=":material/category:"):
        rows = reads.categories(True)
        tables.show([{
            t("news.categories.name_fa"): c.name, t("news.categories.name_en"): c.name_en,
            t("news.categories.kind"): t("news.categories.builtin") if c.code
            else t("news.categories.added"),
            t("news.categories.status"): t("news.categories.active") if c.active
            else t("news.categories.inactive"),
        } for c in rows], locale())
        with st.form("news_category_add", clear_on_submit=True):
            name = st.text_input(t("news.categories.name_fa"), max_chars=news.CATEGORY_NAME_MAX)
            name_en = st.text_input(t("news.categories.name_en"),
                                    max_chars=news.CATEGORY_NAME_MAX)
            if st.form_submit_button(t("news.categories.add")):
                if run_write(news.add_category, name, name_en).ok:
                    reads.invalidate_all()
                    st.success(t("news.categories.added_done"))
        added = [c for c in rows if c.code is None]
        if added:
            chosen = st.selectbox(t("news.categories.choose"), [c.id for c in added],
                                  format_func=reads.category_label, key="news_category_pick")
            category = next(c for c in added if c.id == chosen)
            st.button(t("news.categories.deactivate") if category.active
                      else t("news.categories.activate"), key="news_category_toggle",
                      on_click=_set_category_active, args=(category.id, not category.active))


def _show_table(v: Viewer, rows: list[news.ManagedItem]) -> news.ManagedItem | None:
    """The page's items; the row picked in it, if any (its actions show below)."""
    # The key follows the rows: when the list changes (an item archived, another page),
    # a pick made on the old list does not land on another item.
    key = "news_manage_table_" + "_".join(str(r.id) for r in rows)
    picked = tables.show([{
        t("news.field.title"): r.title,
        t("news.field.category"): reads.category_label(r.category_id),
        t("news.field.priority"): t(f"news.priority.{r.priority}"),
        t("news.field.audience"): audience_text(v, () if r.audience_all else r.audience),
        t("news.manage.publish_at"): format_datetime(r.publish_at, v.loc),
        t("news.manage.expires"): format_datetime(r.expires_at, v.loc),
        t("news.manage.updated"): f"{format_datetime(r.updated_at, v.loc)} · {r.updated_by}",
    } for r in rows], v.loc, key=key, selectable=True)
    if picked is None and len(rows) == 1:  # a search that found one item: that one
        picked = 0
    return None if picked is None else rows[picked]


def _show_actions(v: Viewer, item: news.ManagedItem) -> None:
    """The buttons for what the item's stage allows (news.allowed), under its title."""
    st.markdown(f"**{escape_markdown(item.title)}**")
    with st.container(horizontal=True, gap="small", key="news_manage_actions"):
        st.button(t("news.manage.open"), key="news_m_open", on_click=open_item,
                  args=(item.id,), icon=":material/article:")
        if news.allowed("edit", item.stage):
            st.button(t("news.manage.edit"), key="news_m_edit", on_click=start_edit,
                      args=(item.id,), icon=":material/edit:")
        if news.allowed("pin", item.stage):
            st.button(t("news.manage.unpin") if item.pinned else t("news.manage.pin"),
                      key="news_m_pin", on_click=_transition,
                      args=(news.set_pinned, item, "news.manage.saved", not item.pinned),
                      icon=":material/push_pin:")
        if news.allowed("expire", item.stage):
            st.button(t("news.manage.expire"), key="news_m_expire", on_click=_transition,
                      args=(news.expire_now, item, "news.manage.expired"),
                      icon=":material/timer_off:")
        if news.allowed("withdraw", item.stage):
            st.button(t("news.manage.withdraw"), key="news_m_withdraw",
                      on_click=_transition, args=(news.withdraw, item, "news.manage.withdrawn"),
                      icon=":material/undo:")
        if news.allowed("view_reach", item.stage) and v.may_reach:
            st.button(t("news.manage.reach"), key="news_m_reach", on_click=go_to,
                      args=("reach",), kwargs={"news_reach_choice": item.id},
                      icon=":material/monitoring:")
        for action, write, icon, done in CONFIRMED:
            if news.allowed(action, item.stage):
                with st.popover(t(f"news.manage.{action}"), icon=icon):
                    st.caption(t(f"news.manage.{action}_confirm"))
                    st.button(t(f"news.manage.{action}"), key=f"news_m_{action}",
                              type="primary", on_click=_transition, args=(write, item, done))


def show_manage(v: Viewer) -> None:
    counts = read(news.stage_counts, v.actor)
    if st.session_state.get("news_manage_stage") not in news.STAGES:
        st.session_state["news_manage_stage"] = "published"
    stage = st.segmented_control(
        t("news.manage.stage"), list(news.STAGES), key="news_manage_stage", required=True,
        format_func=lambda s: f"{t(f'news.stage.{s}')} ({number(counts[s])})")
    search = st.text_input(t("news.manage.search"), key="news_manage_search", max_chars=200)
    listed = read(news.manage_list, v.actor, stage, search=search,
                  page=st.session_state.get("news_manage_page", 1), page_size=PAGE_SIZE)
    st.button(t("news.compose.new"), on_click=start_edit, args=(None,), key="news_manage_new",
              icon=":material/add:", type="primary")
    if not listed.items:
        st.info(t("news.manage.empty"))
    else:
        picked = _show_table(v, list(listed.items))
        pager(listed, "news_manage_page")  # page N of M in the reader's digits
        if picked is None:
            st.caption(t("news.manage.pick_row"))
        else:
            _show_actions(v, picked)
    if can(v.actor, "administer"):
        show_categories()
