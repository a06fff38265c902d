"""Internal news in the web layer: the pieces shown on every page (sidebar badge, urgent
banner, home section), the cached reads behind them, and the views of the news page
(feed, opened item, events, composer, manage list, reach), which pages/news.py routes.

The hooks run on every rerun of every page, so they make one cached call
(`attention`): unread count and urgent notices for this reader. Cache keys
carry everything that changes a result: the reader's id, role and department,
and a per-session generation that the reader's own writes move forward.
Publishing writes clear the caches for everyone in this process; other
replicas catch up within the TTL.

No rules here: every decision is data_access.news's. User text never reaches
HTML: titles and names through `escape_markdown`, comments through `st.text`,
bodies through `st.markdown` (raw HTML off).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.charts import apply_locale, bar_chart
from dashboard.exports import csv_bytes
from dashboard.formatting import (
    format_date,
    format_datetime,
    format_number,
    format_percent,
    jalali_month_name,
    local_today,
    localize_digits,
)
from dashboard.i18n import translate
from dashboard.jalali_input import jalali_date_input, jalali_datetime_input
from dashboard.navigation import PAGES
from dashboard.ui import (
    date_messages,
    department_tree,
    escape_markdown,
    flash,
    locale,
    read,
    run_write,
    safe_markdown,
    t,
)
from data_access import news
from data_access.db import database_url
from data_access.errors import NotFound
from data_access.permissions import Actor, can

NEWS_PAGE = next(spec.path for spec in PAGES if spec.file == "news.py")
GENERATION = "news_generation"
BADGE_SLOT = "_news_badge_slot"
# (database, user id, username, role, department): everything a reader's results depend on.
ActorKey = tuple[str, int, str, str, int]

def plain_text(text: str) -> None:
    """Multi-line user text (comments) with no Markdown or HTML parsing at all."""
    st.text(text, text_alignment="right" if locale() == "fa" else "left")


# --- cache keys ------------------------------------------------------------------------------

def actor_key(actor: Actor) -> ActorKey:
    # The database is part of every key: one process may serve (or benchmark) several.
    return (database_url(), actor.id, actor.username, actor.role, actor.department_id)


def _actor(key: ActorKey) -> Actor:
    return Actor(id=key[1], username=key[2], role=key[3], department_id=key[4])


def generation() -> int:
    return st.session_state.get(GENERATION, 0)


def invalidate_mine() -> None:
    """After this reader's own read, acknowledgement, dismissal or comment."""
    st.session_state[GENERATION] = generation() + 1


def invalidate_all() -> None:
    """After a publishing or moderation write: everyone's news may have changed."""
    invalidate_mine()
    for cached in (_attention, cached_feed, cached_events, _categories, cached_picture,
                   cached_reach_items, cached_item_reach, cached_pending, cached_activity):
        cached.clear()


# --- cached reads ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Attention:
    unread: int
    urgent: list[news.UrgentNotice]


def _read_attention(session, actor: Actor) -> Attention:
    return Attention(news.unread_count(session, actor), news.urgent_notices(session, actor))


@st.cache_data(ttl=60, show_spinner=False, max_entries=5_000)
def _attention(key: ActorKey, generation: int) -> Attention:
    return read(_read_attention, _actor(key))


def attention(actor: Actor) -> Attention:
    return _attention(actor_key(actor), generation())


@st.cache_data(ttl=60, show_spinner=False, max_entries=5_000)
def cached_feed(key: ActorKey, generation: int, category_id: int | None, search: str,
                unread_only: bool, page: int, page_size: int = news.PAGE_SIZE) -> news.FeedPage:
    return read(news.feed, _actor(key), category_id=category_id, search=search,
                unread_only=unread_only, page=page, page_size=page_size)


@st.cache_data(ttl=300, show_spinner=False, max_entries=5_000)
def cached_events(key: ActorKey, generation: int, today: date) -> list[news.EventMonth]:
    return read(news.upcoming_events, _actor(key), today)


def cached_categories(include_inactive: bool = False) -> list[news.Category]:
    return _categories(database_url(), include_inactive)


@st.cache_data(ttl=300, show_spinner=False)
def _categories(database: str, include_inactive: bool) -> list[news.Category]:
    return read(news.categories, include_inactive)


@st.cache_data(ttl=3_600, show_spinner=False, max_entries=64)
def cached_file(file_id: int, key: ActorKey) -> news.StoredFile:
    # Keyed by the reader too: file_content checks that this reader may see the item.
    return read(news.file_content, _actor(key), file_id)


@dataclass(frozen=True)
class Picture:
    content: bytes
    format: str  # what st.image is told, so that it does not re-encode on every run


@st.cache_data(ttl=3_600, show_spinner=False, max_entries=256)
def cached_picture(file_id: int, key: ActorKey, max_width: int) -> Picture:
    """A cover scaled and encoded once for display (Streamlit would redo it on every run)."""
    from PIL import Image

    with Image.open(io.BytesIO(cached_file(file_id, key).content)) as image:
        image.thumbnail((max_width, max_width * 4))
        alpha = image.mode in ("RGBA", "LA", "P")
        out = io.BytesIO()
        if alpha:
            image.save(out, format="PNG", optimize=True)
        else:
            image.convert("RGB").save(out, format="JPEG", quality=85)
    return Picture(out.getvalue(), "PNG" if alpha else "JPEG")


def picture(file_id: int, actor: Actor, max_width: int, **kwargs) -> None:
    shown = cached_picture(file_id, actor_key(actor), max_width)
    st.image(shown.content, output_format=shown.format, **kwargs)


@st.cache_data(ttl=120, show_spinner=False, max_entries=500)
def cached_reach_items(key: ActorKey) -> list[news.ReachChoice]:
    return read(news.reach_items, _actor(key))


@dataclass(frozen=True)
class Stamped:
    """A cached read and when it was made: the figure caches below are keyed by the stamp,
    so they are rebuilt exactly when the data under them is read again."""

    value: object
    stamp: float


@st.cache_data(ttl=120, show_spinner=False, max_entries=500)
def cached_item_reach(key: ActorKey, item_id: int) -> Stamped:
    return Stamped(read(news.item_reach, _actor(key), item_id), time.time())


@st.cache_data(ttl=120, show_spinner=False, max_entries=500)
def cached_pending(key: ActorKey, item_id: int, limit: int | None) -> Stamped:
    return Stamped(read(news.pending_acknowledgements, _actor(key), item_id, limit=limit),
                   time.time())


@st.cache_data(ttl=600, show_spinner=False, max_entries=500)
def cached_activity(key: ActorKey, months: int) -> Stamped:

    return Stamped(read(news.activity, _actor(key), months=months), time.time())


def category_label(category_id: int) -> str:
    for category in cached_categories(True):
        if category.id == category_id:
            return category.label(locale())
    return "—"


# --- hooks -----------------------------------------------------------------------------------

def _badge(actor: Actor) -> None:
    unread = attention(actor).unread
    if unread:
        st.page_link(NEWS_PAGE, label=t("news.sidebar.unread", count=unread),
                     icon=":material/mark_email_unread:")


def sidebar(actor: Actor) -> None:
    """Unread count in the sidebar, in a slot the news page can refresh after a read."""
    slot = st.empty()
    st.session_state[BADGE_SLOT] = slot
    with slot.container():
        _badge(actor)


def refresh_badge(actor: Actor) -> None:
    """Redraw the sidebar badge in this run (the page marked an item read after it was drawn)."""
    invalidate_mine()
    slot = st.session_state.get(BADGE_SLOT)
    if slot is not None:
        with slot.container():
            _badge(actor)


def _acknowledge(item_id: int) -> None:
    if run_write(news.acknowledge, item_id).ok:
        invalidate_mine()


def _dismiss(item_id: int) -> None:
    if run_write(news.dismiss_banner, item_id).ok:
        invalidate_mine()


def top_banner(actor: Actor) -> None:
    """Urgent notices at the top of every page until acknowledged or dismissed."""
    for notice in attention(actor).urgent:
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
    summary = attention(actor)
    latest = cached_feed(actor_key(actor), generation(), None, "", False, 1, 5)
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


# --- shared renderers ------------------------------------------------------------------------

PRIORITY_COLORS = {"important": "orange", "urgent": "red"}


def badges(pinned: bool, priority: str, category_id: int, unread: bool = False,
           ack_required: bool = False, acknowledged: bool = False) -> None:
    with st.container(horizontal=True, gap="small"):
        if pinned:
            st.badge(t("news.badge.pinned"), icon=":material/push_pin:", color="violet")
        if priority in PRIORITY_COLORS:
            st.badge(t(f"news.priority.{priority}"), color=PRIORITY_COLORS[priority])
        st.badge(escape_markdown(category_label(category_id)), color="blue")
        if unread:
            st.badge(t("news.badge.unread"), icon=":material/fiber_new:", color="green")
        if ack_required:
            if acknowledged:
                st.badge(t("news.badge.acknowledged"), icon=":material/task_alt:", color="gray")
            else:
                st.badge(t("news.badge.ack_required"), icon=":material/assignment_late:",
                         color="orange")


# --- reach: figures and tables, built once per viewer and item ------------------------------
# Plotly figures are slow to build and to unpickle, so the views live in
# st.cache_resource (one shared object, never mutated once built), keyed by the stamp
# of the cached data they show: clearing or expiring the data rebuilds them.

def _full_scale(figure, axis: str, loc: str):
    """Rates on a fixed 0-100% axis, so that 1% never looks like a full bar."""
    figure.update_layout({f"{axis}axis": {"range": [0, 1], "autorange": False, "tickmode": None,
                                          "tickvals": None, "ticktext": None}})
    return apply_locale(figure, loc)  # again: ticks and right-to-left order for the range


@dataclass(frozen=True)
class ReachView:
    reach: news.ItemReach
    figure: object  # plotly Figure by branch
    table: pd.DataFrame  # by department, formatted for the page
    csv: bytes  # the same table with raw numbers


def reach_view(key: ActorKey, item_id: int, loc: str) -> ReachView:
    data = cached_item_reach(key, item_id)
    return _reach_view(key, item_id, loc, data.stamp, data.value)


@st.cache_resource(ttl=120, max_entries=300, show_spinner=False)
def _reach_view(key: ActorKey, item_id: int, loc: str, stamp: float,
                _reach: news.ItemReach) -> ReachView:
    reach = _reach

    def tr(name: str) -> str:
        return translate(name, loc)

    measures = [("read_rate", tr("news.reach.read_rate"))]
    if reach.ack_required:
        measures.append(("ack_rate", tr("news.reach.ack_rate")))
    bars = pd.DataFrame([{"department": row.label(loc), "measure": label,
                          "rate": getattr(row, name) or 0.0}
                         for row in reach.branches for name, label in measures])
    figure = None
    if not bars.empty:
        figure = bar_chart(bars, x="rate", y="department", locale=loc, orientation="h",
                           color="measure", value_format="percent",
                           labels={"rate": tr("news.reach.rate"),
                                   "measure": tr("news.reach.measure")})
        figure.update_layout(height=max(320, 34 * len(reach.branches) * len(measures) + 120))
        figure = _full_scale(figure, "x", loc)
    columns = {"department": tr("news.reach.department"), "audience": tr("news.reach.audience"),
               "reads": tr("news.reach.reads"), "read_rate": tr("news.reach.read_rate"),
               "acknowledgements": tr("news.reach.acknowledgements"),
               "ack_rate": tr("news.reach.ack_rate")}
    if not reach.ack_required:
        del columns["acknowledgements"], columns["ack_rate"]
    raw = pd.DataFrame([{columns[name]: row.label(loc) if name == "department"
                         else getattr(row, name) for name in columns}
                        for row in reach.departments], columns=list(columns.values()))
    shown = raw.copy()
    for name, column in columns.items():
        if name.endswith("rate"):
            shown[column] = [format_percent(v, loc) for v in raw[column]]
        elif name != "department":
            shown[column] = [format_number(v, loc) for v in raw[column]]
    return ReachView(reach, figure, shown, csv_bytes(raw))


def pending_table(people: list[news.PendingPerson], loc: str) -> pd.DataFrame:
    return pd.DataFrame([{
        translate("news.reach.person", loc): p.display_name,
        translate("news.reach.username", loc): p.username,
        translate("news.reach.department", loc): (p.department_en or p.department)
        if loc == "en" else p.department,
        translate("news.reach.read_at", loc): format_datetime(p.read_at, loc) if p.read_at
        else translate("news.reach.not_read", loc),
    } for p in people])


def pending_view(key: ActorKey, item_id: int, loc: str, limit: int
                 ) -> tuple[pd.DataFrame, int, int]:
    """(first `limit` people not yet acknowledged, formatted; how many shown; total)."""
    data = cached_pending(key, item_id, limit)
    return _pending_view(key, item_id, loc, limit, data.stamp, data.value)


@st.cache_resource(ttl=120, max_entries=300, show_spinner=False)
def _pending_view(key: ActorKey, item_id: int, loc: str, limit: int, stamp: float,
                  _pending: tuple[list[news.PendingPerson], int]
                  ) -> tuple[pd.DataFrame, int, int]:
    people, total = _pending
    return pending_table(people, loc), len(people), total


@dataclass(frozen=True)
class TrendView:
    per_month: object | None  # plotly Figure
    per_month_csv: bytes
    rates: object | None  # plotly Figure
    rates_csv: bytes


def trend_view(key: ActorKey, months: int, loc: str) -> TrendView:
    data = cached_activity(key, months)
    return _trend_view(key, months, loc, data.stamp, data.value)


@st.cache_resource(ttl=600, max_entries=300, show_spinner=False)
def _trend_view(key: ActorKey, months: int, loc: str, stamp: float,
                _activity: news.Activity) -> TrendView:
    activity = _activity
    labels = {c.id: c.label(loc) for c in cached_categories(True)}

    def tr(name: str) -> str:
        return translate(name, loc)

    per_month = pd.DataFrame([{
        "month": f"{jalali_month_name(m.month, loc)} {localize_digits(str(m.year), loc)}",
        "category": labels.get(m.category_id, "—"), "items": m.items,
    } for m in activity.months], columns=["month", "category", "items"])
    rates = pd.DataFrame([{"category": labels.get(c.category_id, "—"),
                           "rate": c.average_read_rate, "items": c.items}
                          for c in activity.categories], columns=["category", "rate", "items"])
    month_figure = rate_figure = None
    if not per_month.empty:
        month_figure = bar_chart(per_month, x="month", y="items", locale=loc, color="category",
                                 barmode="stack", labels={"items": tr("news.reach.items"),
                                                          "category": tr("news.field.category")})
    if not rates.empty:
        rate_figure = _full_scale(bar_chart(rates, x="category", y="rate", locale=loc,
                                            value_format="percent", show_values=True,
                                            labels={"rate": tr("news.reach.read_rate")}),
                                  "y", loc)
    return TrendView(
        month_figure,
        csv_bytes(per_month.rename(columns={"month": tr("news.reach.month"),
                                            "category": tr("news.field.category"),
                                            "items": tr("news.reach.items")})),
        rate_figure,
        csv_bytes(rates.rename(columns={"category": tr("news.field.category"),
                                        "rate": tr("news.reach.read_rate"),
                                        "items": tr("news.reach.items")})))


# --- the news page ---------------------------------------------------------------------------
# pages/news.py routes between these views. They live here, in an imported module,
# because Streamlit recompiles a page script (with its "magic" AST pass) for every
# AppTest run; the page itself stays a few lines.

@dataclass(frozen=True)
class Viewer:
    """Who is looking at the news page, and what their role lets them see there."""

    actor: Actor
    loc: str
    key: ActorKey
    may_publish: bool
    may_moderate: bool
    may_reach: bool

    @classmethod
    def of(cls, actor: Actor) -> Viewer:
        return cls(actor, locale(), actor_key(actor), can(actor, "publish_news"),
                   can(actor, "moderate_news"), can(actor, "view_reach"))

    @property
    def views(self) -> list[str]:
        return ["feed", "events"] + (["compose", "manage"] if self.may_publish else []) + \
            (["reach"] if self.may_reach else [])


def back_icon() -> str:
    return ":material/arrow_forward:" if locale() == "fa" else ":material/arrow_back:"


# navigation inside the page ----------------------------------------------------------------

def open_item(item_id: int) -> None:
    st.query_params["item"] = str(item_id)


def close_item() -> None:
    st.query_params.pop("item", None)


def go_to(view: str, **state: object) -> None:
    close_item()
    st.session_state["news_view"] = view
    st.session_state.update(state)


def start_edit(item_id: int | None) -> None:
    """Load an item (or a blank form) into the composer; new widget keys reset every field."""
    go_to("compose", news_edit_id=item_id, news_edit_version=None,
          news_form_nonce=st.session_state.get("news_form_nonce", 0) + 1)


def number(value: int | float | None) -> str:
    return format_number(value, locale())


def percent(value: float | None) -> str:
    return format_percent(value, locale())


def department_labels(v: Viewer) -> dict[int, str]:
    """Active departments with their parent's name where names repeat across the tree."""
    nodes = [node for node in department_tree() if node.active]
    names = {node.id: node.label(v.loc) for node in nodes}
    return {node.id: names[node.id] if node.depth <= 1 or node.parent_id not in names
            else f"{names[node.id]} — {names[node.parent_id]}" for node in nodes}


# --- reading -----------------------------------------------------------------------------------

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
                picture(item.cover_id, v.actor, 480, width="stretch")


def reset_page() -> None:
    st.session_state["news_page"] = 1


def set_page(page: int) -> None:
    st.session_state["news_page"] = page


def show_feed(v: Viewer) -> None:
    categories = cached_categories()
    search_col, category_col, unread_col = st.columns([3, 2, 2], vertical_alignment="bottom")
    search = search_col.text_input(t("news.feed.search"), key="news_search", max_chars=200,
                                   placeholder=t("news.feed.search_hint"), on_change=reset_page)
    # 0, not None, stands for "all": a None option would show Streamlit's placeholder.
    category_id = category_col.selectbox(
        t("news.feed.category"), [0, *(c.id for c in categories)], key="news_category",
        format_func=lambda c: t("news.feed.all_categories") if not c
        else category_label(c), on_change=reset_page) or None
    unread_only = unread_col.toggle(t("news.feed.unread_only"), key="news_unread_only",
                                    on_change=reset_page)
    page = cached_feed(v.key, generation(), category_id, search.strip(),
                               unread_only, st.session_state.get("news_page", 1))
    st.caption(t("news.feed.count", count=page.total))
    if not page.items:
        st.info(t("news.feed.no_match") if search or category_id or unread_only
                else t("news.feed.empty"))
        return
    for item in page.items:
        show_card(v, item)
    if page.pages > 1:
        newer, where, older = st.columns([1, 2, 1], vertical_alignment="center")
        newer.button(t("news.feed.newer"), disabled=page.page <= 1, on_click=set_page,
                     args=(page.page - 1,), key="news_newer")
        where.caption(t("news.feed.page", page=page.page, pages=page.pages))
        older.button(t("news.feed.older"), disabled=page.page >= page.pages, on_click=set_page,
                     args=(page.page + 1,), key="news_older")


def _acknowledge_in_detail(item_id: int) -> None:
    if run_write(news.acknowledge, item_id).ok:
        invalidate_mine()
        flash(t("news.ack.thanks"))


def _toggle_comments(item_id: int, key: str) -> None:
    if run_write(news.set_comments_enabled, item_id, bool(st.session_state[key])).ok:
        invalidate_all()


def _hide_comment(comment_id: int, hidden: bool) -> None:
    if run_write(news.set_comment_hidden, comment_id, hidden).ok:
        flash(t("news.comments.hidden_done") if hidden else t("news.comments.shown_done"))


def show_comments(v: Viewer, detail: news.ItemDetail) -> None:
    comments = read(news.comments, v.actor, detail.id)
    st.subheader(t("news.comments.title", count=len(comments)), anchor=False)
    if v.may_moderate:
        key = f"news_comments_on_{detail.id}_{detail.version}"
        st.toggle(t("news.comments.enabled"), value=detail.comments_enabled, key=key,
                  on_change=_toggle_comments, args=(detail.id, key))
    for comment in comments:
        with st.container(border=True, key=f"news_comment_{comment.id}"):
            st.caption(f"{escape_markdown(comment.author)} · "
                       f"{format_datetime(comment.created_at, v.loc)}")
            plain_text(comment.body)
            if comment.hidden:
                st.caption(t("news.comments.hidden_marker"))
            if v.may_moderate:
                st.button(t("news.comments.show") if comment.hidden else t("news.comments.hide"),
                          key=f"news_hide_{comment.id}", on_click=_hide_comment,
                          args=(comment.id, not comment.hidden),
                          icon=":material/visibility:" if comment.hidden
                          else ":material/visibility_off:")
    if not detail.comments_enabled:
        st.caption(t("news.comments.closed"))
    elif detail.stage == "published":
        with st.form(f"news_comment_form_{detail.id}", clear_on_submit=True):
            body = st.text_area(t("news.comments.new"), max_chars=news.COMMENT_MAX, height=100)
            if st.form_submit_button(t("news.comments.send"), icon=":material/send:"):
                if run_write(news.add_comment, detail.id, body).ok:
                    invalidate_mine()
                    flash(t("news.comments.added"))
                    st.rerun()


def show_detail(v: Viewer, item_id: int) -> None:
    st.button(t("news.detail.back"), icon=back_icon(), on_click=close_item, key="news_back")
    try:
        detail = read(news.get_item, v.actor, item_id)
    except NotFound:
        st.warning(t("news.detail.not_found"))
        return
    if detail.stage == "published" and detail.read_at is None:
        if run_write(news.mark_read, item_id).ok:
            refresh_badge(v.actor)
    badges(detail.pinned, detail.priority, detail.category_id, False,
                   detail.ack_required, detail.acknowledged_at is not None)
    st.header(escape_markdown(detail.title), anchor=False)
    meta = [t("news.detail.published", when=format_datetime(detail.publish_at, v.loc, "long"))
            if detail.publish_at else t("news.stage.draft"),
            escape_markdown(detail.author)]
    if v.may_publish:
        meta.append(t(f"news.stage.{detail.stage}"))
    if detail.expires_at:
        meta.append(t("news.detail.expires", when=format_datetime(detail.expires_at, v.loc)))
    st.caption(" · ".join(meta))
    if detail.event_date:
        st.info(t("news.detail.event_on",
                  date=format_date(detail.event_date, v.loc, "long", weekday=True)),
                icon=":material/event:")
    if detail.cover:
        picture(detail.cover.id, v.actor, 1400, width="content")
    with st.container(key="news_body"):
        st.markdown(safe_markdown(detail.body))
    if detail.attachments:
        st.caption(t("news.detail.attachments"))
        for attachment in detail.attachments:
            st.download_button(
                f"{escape_markdown(attachment.filename)} "
                f"({number(max(1, attachment.size // 1024))} {t('news.kb')})",
                data=lambda file_id=attachment.id: read(news.file_content, v.actor,
                                                        file_id).content,
                file_name=attachment.filename, mime=attachment.mime_type,
                key=f"news_attachment_{attachment.id}", on_click="ignore",
                icon=":material/attach_file:")
    if detail.ack_required:
        if detail.acknowledged_at:
            st.success(t("news.ack.done", when=format_datetime(detail.acknowledged_at, v.loc)),
                       icon=":material/task_alt:")
        elif detail.stage == "published":
            st.warning(t("news.ack.needed"), icon=":material/assignment_late:")
            st.button(t("news.ack.button"), type="primary", key=f"news_ack_{detail.id}",
                      on_click=_acknowledge_in_detail, args=(detail.id,),
                      icon=":material/task_alt:")
    if v.may_publish or v.may_reach:
        with st.container(horizontal=True, gap="small"):
            if v.may_publish and detail.stage != "archived":
                st.button(t("news.manage.edit"), key="news_detail_edit", on_click=start_edit,
                          args=(detail.id,), icon=":material/edit:")
            if v.may_reach and detail.stage in ("published", "expired", "archived"):
                st.button(t("news.manage.reach"), key="news_detail_reach", on_click=go_to,
                          args=("reach",), kwargs={"news_reach_choice": detail.id},
                          icon=":material/monitoring:")
    st.divider()
    show_comments(v, detail)


def show_events(v: Viewer) -> None:
    months = cached_events(v.key, generation(), local_today())
    if not months:
        st.info(t("news.events.none"))
        return
    for month in months:
        st.subheader(f"{jalali_month_name(month.month, v.loc)} "
                     f"{localize_digits(str(month.year), v.loc)}", anchor=False)
        for event in month.events:
            with st.container(border=True, key=f"news_event_{event.id}"):
                day_col, title_col, open_col = st.columns([2, 5, 1], vertical_alignment="center")
                when = format_date(event.event_date, v.loc, "long", weekday=True)
                day_col.markdown(f"**{when}**")
                title_col.markdown(escape_markdown(event.title))
                open_col.button(t("news.events.open"), key=f"news_event_open_{event.id}",
                                on_click=open_item, args=(event.id,))


# --- composing -------------------------------------------------------------------------------

def _uploads(files) -> list[news.Upload]:
    return [news.Upload(f.name, f.getvalue()) for f in files or []]


def show_compose(v: Viewer) -> None:
    edit_id = st.session_state.get("news_edit_id")
    detail = None
    if edit_id is not None:
        try:
            detail = read(news.load_for_edit, v.actor, edit_id)
        except NotFound:
            st.session_state["news_edit_id"] = None
    if detail is not None and st.session_state.get("news_edit_version") is None:
        st.session_state["news_edit_version"] = detail.version
    nonce = st.session_state.get("news_form_nonce", 0)

    def key(name: str) -> str:
        return f"news_f{nonce}_{name}"

    if detail is not None:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.info(t("news.compose.editing", title=escape_markdown(detail.title),
                      stage=t(f"news.stage.{detail.stage}")), icon=":material/edit:")
            if detail.stage != "draft":
                st.button(t("news.manage.open"), on_click=open_item, args=(detail.id,),
                          key="news_compose_open", icon=":material/article:")
            st.button(t("news.compose.new"), on_click=start_edit, args=(None,),
                      key="news_compose_new", icon=":material/add:")
        if detail.version != st.session_state.get("news_edit_version"):
            st.warning(t("news.compose.changed_elsewhere"), icon=":material/sync_problem:")
            st.button(t("news.compose.reload"), on_click=start_edit, args=(detail.id,),
                      key="news_compose_reload")
        if detail.stage == "archived":
            st.info(t("news.compose.archived"))
            return
    else:
        st.caption(t("news.compose.new_hint"))

    categories = cached_categories()
    category_ids = [c.id for c in categories]
    if detail is not None and detail.category_id not in category_ids:
        category_ids.append(detail.category_id)
    events = {c.id for c in cached_categories(True) if c.is_event}

    title = st.text_input(t("news.field.title"), value=detail.title if detail else "",
                          max_chars=news.TITLE_MAX, key=key("title"))
    category_id = st.selectbox(
        t("news.field.category"), category_ids, format_func=category_label,
        index=category_ids.index(detail.category_id) if detail else 0, key=key("category"))
    write_col, preview_col = st.columns(2)
    body = write_col.text_area(t("news.field.body"), value=detail.body if detail else "",
                               height=380, max_chars=news.BODY_MAX, key=key("body"),
                               help=t("news.field.body_help"))
    with preview_col:
        st.markdown(f"**{t('news.compose.preview')}**")
        with st.container(border=True, height=380, key="news_preview"):
            if body.strip():
                st.markdown(safe_markdown(body))
            else:
                st.caption(t("news.compose.preview_empty"))

    cover_col, files_col = st.container(key="news_uploads").columns(2)
    with cover_col:
        cover = st.file_uploader(t("news.field.cover"), type=["png", "jpg", "jpeg", "webp"],
                                 key=key("cover"),
                                 max_upload_size=news.IMAGE_MAX_BYTES // news.MB)
        st.caption(t("news.field.cover_help", max_mb=news.IMAGE_MAX_BYTES // news.MB))
        remove_cover = False
        if detail is not None and detail.cover is not None:
            picture(detail.cover.id, v.actor, 480, width=240)
            remove_cover = st.checkbox(t("news.field.remove_cover"), key=key("remove_cover"))
    with files_col:
        attachments = st.file_uploader(
            t("news.field.attachments"), type=["pdf", "docx", "xlsx"],
            accept_multiple_files=True, key=key("attachments"),
            max_upload_size=news.ATTACHMENT_MAX_BYTES // news.MB)
        st.caption(t("news.field.attachments_help",
                     max_mb=news.ATTACHMENT_MAX_BYTES // news.MB, count=news.ATTACHMENTS_MAX))
        remove_attachments = []
        for attachment in detail.attachments if detail else ():
            if st.checkbox(t("news.field.remove_attachment",
                             name=escape_markdown(attachment.filename)),
                           key=key(f"remove_attachment_{attachment.id}")):
                remove_attachments.append(attachment.id)

    labels = department_labels(v)
    audience = st.multiselect(
        t("news.field.audience"), list(labels), default=[d for d in (detail.audience if detail
                                                                     else ()) if d in labels],
        format_func=labels.get, key=key("audience"), placeholder=t("news.field.everyone"),
        help=t("news.field.audience_help"))
    priority = st.segmented_control(
        t("news.field.priority"), list(news.PRIORITIES),
        format_func=lambda p: t(f"news.priority.{p}"),
        default=detail.priority if detail else "normal", key=key("priority"), required=True)
    with st.container(horizontal=True, gap="medium"):
        pinned = st.checkbox(t("news.field.pinned"), value=detail.pinned if detail else False,
                             key=key("pinned"))
        ack_required = st.checkbox(t("news.field.ack_required"),
                                   value=detail.ack_required if detail else False,
                                   key=key("ack"), help=t("news.field.ack_required_help"))
        comments_enabled = st.checkbox(t("news.field.comments_enabled"),
                                       value=detail.comments_enabled if detail else True,
                                       key=key("comments"))
    event_date = None
    if category_id in events:
        event_date = jalali_date_input(t("news.field.event_date"), key=key("event"),
                                       value=detail.event_date if detail else None, locale=v.loc,
                                       messages=date_messages())
    stage = detail.stage if detail else None
    publish_at = None
    if stage in (None, "draft", "scheduled"):
        publish_at = jalali_datetime_input(
            t("news.field.publish_at"), key=key("publish"), locale=v.loc, messages=date_messages(),
            value=detail.publish_at if detail and stage == "scheduled" else None,
            help=t("news.field.publish_at_help"))
    expires_at = jalali_datetime_input(t("news.field.expires_at"), key=key("expires"),
                                       locale=v.loc, messages=date_messages(),
                                       value=detail.expires_at if detail else None,
                                       help=t("news.field.expires_at_help"))

    data = news.AnnouncementInput(
        title=title, body=body, category_id=category_id, priority=priority or "normal",
        pinned=pinned, ack_required=ack_required, comments_enabled=comments_enabled,
        audience=audience, expires_at=expires_at, event_date=event_date,
        cover=_uploads([cover])[0] if cover else None, remove_cover=remove_cover,
        attachments=_uploads(attachments), remove_attachments=remove_attachments)
    target = dict(item_id=detail.id if detail else None,
                  expected_version=st.session_state.get("news_edit_version"))
    clicked = None
    with st.container(horizontal=True, gap="small", key="news_compose_actions"):
        if stage in (None, "draft", "scheduled"):
            if st.button(t("news.compose.save_draft"), key="news_save_draft",
                         icon=":material/save:"):
                clicked = "draft"
            if st.button(t("news.compose.publish"), key="news_publish", type="primary",
                         icon=":material/campaign:"):
                clicked = "publish"
            if st.button(t("news.compose.schedule"), key="news_schedule",
                         icon=":material/schedule_send:"):
                clicked = "schedule"
        elif st.button(t("news.compose.save_changes"), key="news_save_changes", type="primary",
                       icon=":material/save:"):
            clicked = "save"
    if clicked is None:
        return
    # Written below the buttons, so that an error message spans the page.
    action, done = {
        "draft": (lambda: run_write(news.save_draft, data, **target), "news.compose.saved"),
        "publish": (lambda: run_write(news.publish, data, **target), "news.compose.published"),
        "schedule": (lambda: run_write(news.schedule, data, publish_at, **target),
                     "news.compose.scheduled"),
        "save": (lambda: run_write(news.publish, data, **target), "news.compose.saved"),
    }[clicked]
    outcome = action()
    if outcome.ok:
        saved: news.Saved = outcome.value
        invalidate_all()
        flash(t(done, title=escape_markdown(title)))
        st.session_state.update(news_edit_id=saved.id, news_edit_version=saved.version,
                                news_form_nonce=nonce + 1)
        st.rerun()


# --- managing --------------------------------------------------------------------------------

def _transition(action, item: news.ManagedItem, message: str, *args: object) -> None:
    if run_write(action, item.id, item.version, *args).ok:
        invalidate_all()
        flash(t(message, title=escape_markdown(item.title)))


def show_categories() -> None:
    with st.expander(t("news.categories.title"), icon=":material/category:"):
        rows = cached_categories(True)
        st.dataframe(pd.DataFrame([{
            t("news.categories.name_fa"): c.name, t("news.categories.name_en"): c.name_en,
            t("news.categories.kind"): t("news.categories.builtin") if c.code
            else t("news.categories.added"),
            t("news.categories.status"): t("news.categories.active") if c.active
            else t("news.categories.inactive"),
        } for c in rows]), hide_index=True, width="stretch")
        with st.form("news_category_add", clear_on_submit=True):
            name = st.text_input(t("news.categories.name_fa"), max_chars=news.CATEGORY_NAME_MAX)
            name_en = st.text_input(t("news.categories.name_en"),
                                    max_chars=news.CATEGORY_NAME_MAX)
            if st.form_submit_button(t("news.categories.add")):
                if run_write(news.add_category, name, name_en).ok:
                    invalidate_all()
                    st.success(t("news.categories.added_done"))
        added = [c for c in rows if c.code is None]
        if added:
            chosen = st.selectbox(t("news.categories.choose"), [c.id for c in added],
                                  format_func=category_label, key="news_category_pick")
            category = next(c for c in added if c.id == chosen)
            if st.button(t("news.categories.deactivate") if category.active
                         else t("news.categories.activate"), key="news_category_toggle"):
                if run_write(news.set_category_active, category.id, not category.active).ok:
                    invalidate_all()
                    st.rerun()


def show_manage(v: Viewer) -> None:
    counts = read(news.stage_counts, v.actor)
    if st.session_state.get("news_manage_stage") not in news.STAGES:
        st.session_state["news_manage_stage"] = "published"
    stage = st.segmented_control(
        t("news.manage.stage"), list(news.STAGES), key="news_manage_stage", required=True,
        format_func=lambda s: f"{t(f'news.stage.{s}')} ({number(counts[s])})")
    search = st.text_input(t("news.manage.search"), key="news_manage_search", max_chars=200)
    page_size = 20
    page = st.session_state.get("news_manage_page", 1)
    listed = read(news.manage_list, v.actor, stage, search=search, page=page,
                  page_size=page_size)
    rows, total = listed.items, listed.total
    st.button(t("news.compose.new"), on_click=start_edit, args=(None,), key="news_manage_new",
              icon=":material/add:", type="primary")
    if not rows:
        st.info(t("news.manage.empty"))
    else:
        st.dataframe(pd.DataFrame([{
            t("news.field.title"): r.title,
            t("news.field.category"): category_label(r.category_id),
            t("news.field.priority"): t(f"news.priority.{r.priority}"),
            t("news.field.audience"): t("news.field.everyone") if r.audience_all
            else t("news.manage.targeted"),
            t("news.manage.publish_at"): format_datetime(r.publish_at, v.loc),
            t("news.manage.expires"): format_datetime(r.expires_at, v.loc),
            t("news.manage.updated"): f"{format_datetime(r.updated_at, v.loc)} · {r.updated_by}",
        } for r in rows]), hide_index=True, width="stretch")
        pages = max(1, -(-total // page_size))
        if pages > 1:
            st.number_input(t("news.manage.page_of", pages=pages), min_value=1, max_value=pages,
                            key="news_manage_page")
        chosen_id = st.selectbox(t("news.manage.choose"), [r.id for r in rows],
                                 format_func=lambda i: next(r.title for r in rows if r.id == i),
                                 key="news_manage_choice")
        item = next(r for r in rows if r.id == chosen_id)
        with st.container(horizontal=True, gap="small", key="news_manage_actions"):
            st.button(t("news.manage.open"), key="news_m_open", on_click=open_item,
                      args=(item.id,), icon=":material/article:")
            if item.stage != "archived":
                st.button(t("news.manage.edit"), key="news_m_edit", on_click=start_edit,
                          args=(item.id,), icon=":material/edit:")
            if item.stage in ("draft", "scheduled", "published"):
                st.button(t("news.manage.unpin") if item.pinned else t("news.manage.pin"),
                          key="news_m_pin", on_click=_transition,
                          args=(news.set_pinned, item, "news.manage.saved", not item.pinned),
                          icon=":material/push_pin:")
            if item.stage == "published":
                st.button(t("news.manage.expire"), key="news_m_expire", on_click=_transition,
                          args=(news.expire_now, item, "news.manage.expired"),
                          icon=":material/timer_off:")
            if item.stage in ("scheduled", "published", "expired"):
                st.button(t("news.manage.withdraw"), key="news_m_withdraw",
                          on_click=_transition, args=(news.withdraw, item, "news.manage.withdrawn"),
                          icon=":material/undo:")
            if item.stage in ("published", "expired", "archived") and v.may_reach:
                st.button(t("news.manage.reach"), key="news_m_reach", on_click=go_to,
                          args=("reach",), kwargs={"news_reach_choice": item.id},
                          icon=":material/monitoring:")
            if item.stage != "archived":
                with st.popover(t("news.manage.archive"), icon=":material/archive:"):
                    st.caption(t("news.manage.archive_confirm"))
                    st.button(t("news.manage.archive"), key="news_m_archive", type="primary",
                              on_click=_transition,
                              args=(news.archive, item, "news.manage.archived"))
            if item.stage == "draft":
                with st.popover(t("news.manage.delete"), icon=":material/delete:"):
                    st.caption(t("news.manage.delete_confirm"))
                    st.button(t("news.manage.delete"), key="news_m_delete", type="primary",
                              on_click=_transition,
                              args=(news.delete_draft, item, "news.manage.deleted"))
    if can(v.actor, "administer"):
        show_categories()


# --- reach -----------------------------------------------------------------------------------

def show_item_reach(v: Viewer, choices: list[news.ReachChoice]) -> None:
    titles = {c.id: c for c in choices}
    if st.session_state.get("news_reach_choice") not in titles:
        st.session_state["news_reach_choice"] = choices[0].id
    item_id = st.selectbox(
        t("news.reach.item"), list(titles), key="news_reach_choice",
        format_func=lambda i: f"{titles[i].title} — {format_date(titles[i].publish_at, v.loc)}")
    try:
        view = reach_view(v.key, item_id, v.loc)
    except NotFound:
        st.info(t("news.reach.out_of_scope"))
        return
    reach = view.reach
    columns = st.columns(3 if reach.ack_required else 2)
    columns[0].metric(t("news.reach.audience"), number(reach.audience))
    columns[1].metric(t("news.reach.reads"), number(reach.reads),
                      delta=percent(reach.read_rate), delta_color="off", delta_arrow="off")
    if reach.ack_required:
        columns[2].metric(t("news.reach.acknowledgements"), number(reach.acknowledgements),
                          delta=percent(reach.ack_rate), delta_color="off", delta_arrow="off")
    if view.figure is None:
        st.info(t("news.reach.no_audience"))
        return
    st.subheader(t("news.reach.by_department"), anchor=False)
    st.plotly_chart(view.figure, width="stretch", key="news_reach_chart",
                    config={"displayModeBar": False})
    with st.expander(t("news.reach.table"), icon=":material/table:"):
        st.dataframe(view.table, hide_index=True, width="stretch")
        st.download_button(t("news.reach.csv"), view.csv,
                           file_name=f"reach-{reach.id}-departments.csv", mime="text/csv",
                           key="news_reach_csv", on_click="ignore", icon=":material/download:")
    if reach.ack_required:
        st.subheader(t("news.reach.pending"), anchor=False)
        table, shown, total = pending_view(v.key, reach.id, v.loc, 200)
        st.caption(t("news.reach.pending_count", count=total))
        if shown:
            st.dataframe(table, hide_index=True, width="stretch")
            if total > shown:
                st.caption(t("news.reach.pending_more", shown=shown, count=total))
            st.download_button(
                t("news.reach.pending_csv"),
                data=lambda: csv_bytes(pending_table(read(
                    news.pending_acknowledgements, v.actor, reach.id, limit=None)[0], v.loc)),
                file_name=f"reach-{reach.id}-not-acknowledged.csv", mime="text/csv",
                key="news_pending_csv", on_click="ignore", icon=":material/download:")


def show_trends(v: Viewer) -> None:
    if st.session_state.get("news_trend_months") not in (3, 6, 12):
        st.session_state["news_trend_months"] = 6
    months = st.segmented_control(t("news.reach.period"), [3, 6, 12], key="news_trend_months",
                                  format_func=lambda m: t("news.reach.months", count=m),
                                  required=True)
    view = trend_view(v.key, months, v.loc)
    if view.per_month is None:
        st.info(t("news.reach.no_items"))
        return
    st.subheader(t("news.reach.per_month"), anchor=False)
    st.plotly_chart(view.per_month, width="stretch", key="news_trend_months_chart",
                    config={"displayModeBar": False})
    st.download_button(t("news.reach.csv"), view.per_month_csv, file_name="items-per-month.csv",
                       mime="text/csv", key="news_trend_months_csv", on_click="ignore",
                       icon=":material/download:")
    st.subheader(t("news.reach.rate_by_category"), anchor=False)
    st.caption(t("news.reach.rate_by_category_help"))
    if view.rates is None:
        st.info(t("news.reach.no_items"))
        return
    st.plotly_chart(view.rates, width="stretch", key="news_trend_rate_chart",
                    config={"displayModeBar": False})
    st.download_button(t("news.reach.csv"), view.rates_csv, file_name="read-rate-by-category.csv",
                       mime="text/csv", key="news_trend_rate_csv", on_click="ignore",
                       icon=":material/download:")


def show_reach(v: Viewer) -> None:
    st.caption(t("news.reach.scope_all") if v.actor.role in ("pr", "admin")
               else t("news.reach.scope_subtree"))
    if st.session_state.get("news_reach_mode") not in ("item", "trend"):
        st.session_state["news_reach_mode"] = "item"
    mode = st.segmented_control(t("news.reach.mode"), ["item", "trend"], key="news_reach_mode",
                                format_func=lambda m: t(f"news.reach.mode_{m}"), required=True)
    if mode == "trend":
        show_trends(v)
        return
    choices = cached_reach_items(v.key)
    if not choices:
        st.info(t("news.reach.no_items"))
        return
    show_item_reach(v, choices)
