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
from dashboard.ui import escape_markdown, flash, locale, run_write, t
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
    """From the banner, the same feedback as on the item's page; the banner is gone in
    this very run (the callback runs before the page is drawn)."""
    if run_write(news.acknowledge, item_id).ok:
        reads.invalidate_mine()
        flash(t("news.ack.thanks"))


def _dismiss(item_id: int) -> None:
    if run_write(news.dismiss_banner, item_id).ok:
        reads.invalidate_mine()


def _notice(notice) -> None:
    """One notice on one line: the title (a link to the item, its excerpt on hover), then
    "I have read it" when it asks for that, and close."""
    # One line on a wide screen; on a phone the theme (its 640 px block) lets the title
    # take two lines and puts the buttons under it: one line clipped it to three words.
    with st.container(border=True, key=f"urgent_banner_{notice.id}", horizontal=True,
                      vertical_alignment="center", gap="small", wrap=False):
        st.page_link(NEWS_PAGE, label=escape_markdown(notice.title),
                     icon=":material/campaign:", query_params={"item": notice.id},
                     help=escape_markdown(notice.excerpt), width="stretch")
        if notice.ack_required:
            st.button(t("news.banner.ack"), key=f"banner_ack_{notice.id}", type="primary",
                      icon=":material/task_alt:", on_click=_acknowledge, args=(notice.id,),
                      help=t("news.ack.button"))
        st.button(t("news.banner.dismiss"), key=f"banner_dismiss_{notice.id}",
                  type="tertiary", icon=":material/close:", on_click=_dismiss,
                  args=(notice.id,),
                  help=t("news.banner.dismiss_help") if notice.ack_required else None)


def urgent_banner(actor: Actor) -> None:
    """Urgent notices at the top of every page until acknowledged or dismissed: one line
    each; several fold into one bar that says how many and opens to list them."""
    notices = reads.attention(actor).urgent
    if len(notices) == 1:
        _notice(notices[0])
    elif notices:
        with st.expander(t("news.banner.several", count=len(notices)),
                         icon=":material/campaign:", key="urgent_banners"):
            for notice in notices:
                _notice(notice)


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
