"""News on the role home pages (dashboard/features.py HOME_SECTIONS): upcoming occasions
for everyone; for pr, the reach of the latest item, notices still awaiting
acknowledgement and the occasions to prepare. Each says nothing when it has nothing."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboard.cache import viewer_key
from dashboard.formatting import format_date, format_number, format_percent, local_today
from dashboard.navigation import page_path
from dashboard.news import reads
from dashboard.ui import escape_markdown, locale, t
from data_access import news
from data_access.permissions import Actor

OCCASION_DAYS = 30
ACK_SHOWN = 3
ACK_LOOKED_AT = 10  # the newest released items checked for missing acknowledgements


def upcoming_occasions(months: list[news.EventMonth], today: date,
                       days: int = OCCASION_DAYS) -> list[news.EventItem]:
    """Event items from today to `days` ahead, soonest first."""
    last = today + timedelta(days=days)
    return [e for month in months for e in month.events if today <= e.event_date <= last]


def _occasions(actor: Actor, title_key: str, key: str) -> None:
    today = local_today()
    shown = upcoming_occasions(reads.events(actor, today), today)
    if not shown:
        return
    loc = locale()
    with st.container(border=True, key=key):
        st.markdown(f"**{t(title_key, days=format_number(OCCASION_DAYS, loc))}**")
        for event in shown[:6]:
            st.page_link(page_path("news.py"), label=escape_markdown(event.title),
                         icon=":material/celebration:", query_params={"item": event.id})
            st.caption(format_date(event.event_date, loc, "long", weekday=True))


def occasions(actor: Actor) -> None:
    _occasions(actor, "home.occasions.title", "home_occasions")


def occasions_to_prepare(actor: Actor) -> None:
    _occasions(actor, "home.occasions.prepare_title", "home_occasions_prepare")


def _item_reach(actor: Actor, item_id: int) -> news.ItemReach:
    return reads.item_reach(viewer_key(actor), item_id).value


def latest_reach(actor: Actor) -> None:
    """Read and acknowledgement rates of the newest released item."""
    items = reads.reach_items(viewer_key(actor))
    if not items:
        return
    latest = items[0]
    reach = _item_reach(actor, latest.id)
    if not reach.audience:
        return
    loc = locale()
    with st.container(border=True, key="home_news_reach"):
        st.markdown(f"**{t('home.reach.title')}**")
        st.page_link(page_path("news.py"), label=escape_markdown(latest.title),
                     icon=":material/campaign:", query_params={"item": latest.id})
        columns = st.columns(3 if latest.ack_required else 2)
        columns[0].metric(t("home.reach.audience"), format_number(reach.audience, loc))
        columns[1].metric(t("home.reach.read"), format_percent(reach.read_rate, loc))
        if latest.ack_required:
            columns[2].metric(t("home.reach.acknowledged"), format_percent(reach.ack_rate, loc))


def awaiting_acknowledgement(actor: Actor) -> None:
    """Recent notices that ask for acknowledgement and still miss some."""
    items = [i for i in reads.reach_items(viewer_key(actor))[:ACK_LOOKED_AT] if i.ack_required]
    missing = []
    for item in items:
        reach = _item_reach(actor, item.id)
        if reach.audience and reach.acknowledgements < reach.audience:
            missing.append((item, reach))
        if len(missing) == ACK_SHOWN:
            break
    if not missing:
        return
    loc = locale()
    with st.container(border=True, key="home_news_acks"):
        st.markdown(f"**{t('home.acks.title')}**")
        for item, reach in missing:
            st.page_link(page_path("news.py"), label=escape_markdown(item.title),
                         icon=":material/task_alt:", query_params={"item": item.id})
            st.caption(t("home.acks.pending",
                         pending=format_number(reach.audience - reach.acknowledgements, loc),
                         rate=format_percent(reach.ack_rate, loc)))
