"""The feed: search, category and unread filters over cards, one page at a time."""

from __future__ import annotations

import streamlit as st

from dashboard.formatting import format_date, format_datetime
from dashboard.news import reads
from dashboard.news.viewer import Viewer, badges, open_item
from dashboard.pager import page_number, pager
from dashboard.ui import escape_markdown, t
from data_access import news

PAGE_KEY = "news_page"


def show_card(v: Viewer, item: news.FeedItem) -> None:
    with st.container(border=True, key=f"news_card_{item.id}"):
        text_col, image_col = st.columns([3, 1]) if item.cover_id else (st.container(), None)
        with text_col:
            badges(item.pinned, item.priority, item.category_id, not item.read,
                   item.ack_required, item.acknowledged)
            st.subheader(escape_markdown(item.title), anchor=False)
            meta = format_datetime(item.publish_at, v.loc, "long")
            if item.event_date:
                meta += " · " + t("news.feed.event_on",
                                  date=format_date(item.event_date, v.loc, "long"))
            st.caption(meta)
            st.markdown(escape_markdown(item.excerpt))
            st.button(t("news.feed.read_more"), key=f"news_open_{item.id}", on_click=open_item,
                      args=(item.id,), icon=":material/article:")
        if image_col is not None:
            with image_col:
                reads.picture(item.cover_id, v.actor, 480, width="stretch")


def _first_page() -> None:
    st.session_state[PAGE_KEY] = 1


def show_feed(v: Viewer) -> None:
    categories = reads.categories()
    search_col, category_col, unread_col = st.columns([3, 2, 2], vertical_alignment="bottom")
    search = search_col.text_input(t("news.feed.search"), key="news_search", max_chars=200,
                                   placeholder=t("news.feed.search_hint"), on_change=_first_page)
    # 0, not None, stands for "all": a None option would show Streamlit's placeholder.
    category_id = category_col.selectbox(
        t("news.feed.category"), [0, *(c.id for c in categories)], key="news_category",
        format_func=lambda c: t("news.feed.all_categories") if not c
        else reads.category_label(c), on_change=_first_page) or None
    unread_only = unread_col.toggle(t("news.feed.unread_only"), key="news_unread_only",
                                    on_change=_first_page)
    page = reads.feed(v.actor, category_id, search.strip(), unread_only, page_number(PAGE_KEY))
    st.caption(t("news.feed.count", count=page.total))
    if not page.items:
        st.info(t("news.feed.no_match") if search or category_id or unread_only
                else t("news.feed.empty"))
        return
    for item in page.items:
        show_card(v, item)
    pager(page, PAGE_KEY)
