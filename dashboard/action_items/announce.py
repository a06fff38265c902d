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
from dashboard.ui import escape_markdown, flash, read, run_write, t
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
            with st.form(f"actions_announce_{item.id}_{item.version}"):
                title = st.text_input(t("actions.announce.field_title"), value=title,
                                      max_chars=news.TITLE_MAX)
                body = st.text_area(t("actions.announce.field_body"), value=body,
                                    height=200, max_chars=news.BODY_MAX)
                if st.form_submit_button(t("actions.announce.publish"), type="primary",
                                         icon=":material/campaign:"):
                    data = news.AnnouncementInput(title=title, body=body, category_id=category)
                    outcome = run_write(action_items.announce, item.id, item.version, data)
                    if outcome.ok:
                        refresh_news()
                        reads.invalidate_all()
                        flash(t("actions.announce.done"))
                        st.rerun()


def announcement_link(announcement_id: int) -> None:
    """From an item to the announcement that reported it done."""
    st.page_link(page_path("news.py"), label=t("actions.announce.open"),
                 icon=":material/campaign:", query_params={"item": str(announcement_id)})
