"""What news shows outside its own page: the sidebar counter, the urgent banner at the top
of every page, and the home page's section. The app's feature registry calls these three.

They run on every rerun of every page, so they make one cached call (`attention`).
"""

from __future__ import annotations

import streamlit as st

from dashboard.formatting import format_datetime, format_number
from dashboard.navigation import PAGES
from dashboard.news import reads
from dashboard.news.viewer import badges
from dashboard.ui import escape_markdown, locale, run_write, t
from data_access import news
from data_access.permissions import Actor

NEWS_PAGE = next(spec.path for spec in PAGES if spec.file == "news.py")
BADGE_SLOT = "_news_badge_slot"


def _badge(actor: Actor) -> None:
    unread = reads.attention(actor).unread
    if unread:
        st.page_link(NEWS_PAGE, label=t("news.sidebar.unread", count=unread),
                     icon=":material/mark_email_unread:")


def sidebar_counter(actor: Actor) -> None:
    """Unread count in the sidebar, in a slot the news page can refresh after a read."""
    slot = st.empty()
    st.session_state[BADGE_SLOT] = slot
    with slot.container():
        _badge(actor)


def refresh_badge(actor: Actor) -> None:
    """Redraw the sidebar badge in this run (the page marked an item read after it was drawn)."""
    reads.invalidate_mine()
    slot = st.session_state.get(BADGE_SLOT)
    if slot is not None:
        with slot.container():
            _badge(actor)


def _acknowledge(item_id: int) -> None:
    if run_write(news.acknowledge, item_id).ok:
        reads.invalidate_mine()


def _dismiss(item_id: int) -> None:
    if run_write(news.dismiss_banner, item_id).ok:
        reads.invalidate_mine()


def urgent_banner(actor: Actor) -> None:
    """Urgent notices at the top of every page until acknowledged or dismissed."""
    for notice in reads.attention(actor).urgent:
        with st.container(border=True, key=f"urgent_banner_{notice.id}"):
            st.error(escape_markdown(notice.title), icon=":material/campaign:")
            st.caption(escape_markdown(notice.excerpt))
            with st.container(horizontal=True, gap="small"):
                st.page_link(NEWS_PAGE, label=t("news.banner.open"),
                             icon=":material/open_in_new:", query_params={"item": notice.id})
                if notice.ack_required:
                    st.button(t("news.ack.button"), key=f"banner_ack_{notice.id}",
                              type="primary", icon=":material/task_alt:",
                              on_click=_acknowledge, args=(notice.id,))
                st.button(t("news.banner.dismiss"), key=f"banner_dismiss_{notice.id}",
                          icon=":material/close:", on_click=_dismiss, args=(notice.id,),
                          help=t("news.banner.dismiss_help") if notice.ack_required else None)


def home_section(actor: Actor) -> None:
    """Unread count, pinned items and the latest news on the home page."""
    summary = reads.attention(actor)
    latest = reads.feed(actor, page_size=5)
    st.subheader(t("news.home.title"), anchor=False)
    col_count, col_link = st.columns([1, 3], vertical_alignment="center")
    col_count.metric(t("news.home.unread"), format_number(summary.unread, locale()))
    with col_link:
        st.page_link(NEWS_PAGE, label=t("news.home.all"), icon=":material/campaign:")
    if not latest.items:
        st.info(t("news.feed.empty"))
        return
    for item in latest.items:
        with st.container(border=True):
            badges(item.pinned, item.priority, item.category_id, not item.read)
            st.page_link(NEWS_PAGE, label=escape_markdown(item.title),
                         query_params={"item": item.id})
            st.caption(format_datetime(item.publish_at, locale(), "long"))
