""""You said, we did" (publish_news): a done item from survey results becomes an
announcement, prefilled from the item and edited before publishing; the item and the
announcement then link to each other. data_access.action_items.announce publishes
through data_access.news and refuses a second announcement of the same item."""

from __future__ import annotations

import streamlit as st

from dashboard.action_items import reads
from dashboard.action_items.viewer import Viewer
from dashboard.formatting import format_date
from dashboard.navigation import page_path
from dashboard.news import invalidate_all as refresh_news
from dashboard.surveys.viewer import driver_name
from dashboard.ui import escape_markdown, flash, read, show_refusal, t, write_in_callback
from data_access import action_items, news


def _prefill(v: Viewer, item: action_items.Announceable) -> tuple[str, str]:
    department = (item.department_en if v.loc == "en" and item.department_en
                  else item.department_fa) or ""
    driver = driver_name(item.source_driver, v.loc, missing="")
    title = t("actions.announce.prefill_title", title=item.title)
    body = t("actions.announce.prefill_body", title=item.title, driver=driver,
             department=department,
             date=format_date(item.done_at.date(), v.loc, "long") if item.done_at else "")
    if item.description:
        body += "\n\n" + item.description
    return title[:news.TITLE_MAX], body


def show_announce(v: Viewer) -> None:
    st.caption(t("actions.announce.help"))
    items = read(action_items.announceable, v.actor)
    if not items:
        st.info(t("actions.announce.empty"))
        return
    category = read(news.category_id, "news")
    for item in items:
        with st.expander(escape_markdown(item.title), icon=":material/campaign:"):
            title, body = _prefill(v, item)
            # The form's key carries the item's version (once announced, the item leaves
            # this list, and a second click of the same form finds nothing to call) and
            # the language, which the prefilled text is in.
            form = f"actions_announce_{item.id}_{item.version}_{v.loc}"
            with st.form(form):
                st.text_input(t("actions.announce.field_title"), value=title,
                              max_chars=news.TITLE_MAX, key=f"{form}_title")
                st.text_area(t("actions.announce.field_body"), value=body, height=200,
                             max_chars=news.BODY_MAX, key=f"{form}_body")
                st.form_submit_button(t("actions.announce.publish"), type="primary",
                                      icon=":material/campaign:", on_click=_announce,
                                      args=(item.id, item.version, category, form))
            show_refusal(form)


def _announce(item_id: int, version: int, category: int, form: str) -> None:
    """The publish button's callback: before the page is drawn, so the list no longer
    offers the item and the message shows in the click's own run."""
    data = news.AnnouncementInput(title=st.session_state.get(f"{form}_title") or "",
                                  body=st.session_state.get(f"{form}_body") or "",
                                  category_id=category)
    if write_in_callback(form, action_items.announce, item_id, version, data).ok:
        refresh_news()
        reads.invalidate_all()
        flash(t("actions.announce.done"))


def announcement_link(announcement_id: int) -> None:
    """From an item to the announcement that reported it done."""
    st.page_link(page_path("news.py"), label=t("actions.announce.open"),
                 icon=":material/campaign:", query_params={"item": str(announcement_id)})
