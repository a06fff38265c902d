"""Who is looking at the news page and what their capabilities let them see there, the
moves between the page's views, and the small renderers every view shares.

The views live in imported modules, not in pages/news.py, because Streamlit
recompiles a page script (with its "magic" AST pass) on every AppTest run; the
page itself stays a short router.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.cache import ViewerKey, viewer_key
from dashboard.formatting import MISSING, format_number, format_percent
from dashboard.i18n import is_rtl
from dashboard.news.reads import category_label
from dashboard.ui import department_tree, escape_markdown, locale, t
from data_access.permissions import Actor, can


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the news page, and what their capabilities let them see there."""

    actor: Actor
    loc: str
    key: ViewerKey
    may_publish: bool
    may_moderate: bool
    may_reach: bool
    sees_all_reach: bool  # every department's reach, not only their own subtree

    @classmethod
    def of(cls, actor: Actor) -> Viewer:
        return cls(actor, locale(), viewer_key(actor), can(actor, "publish_news"),
                   can(actor, "moderate_news"), can(actor, "view_reach"),
                   can(actor, "view_all_reach"))

    @property
    def views(self) -> list[str]:
        return ["feed", "events"] + (["compose", "manage"] if self.may_publish else []) + \
            (["reach"] if self.may_reach else [])


# --- moving inside the page --------------------------------------------------------------------

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


def back_icon() -> str:
    return ":material/arrow_forward:" if locale() == "fa" else ":material/arrow_back:"


# --- shared renderers --------------------------------------------------------------------------

PRIORITY_COLORS = {"important": "orange", "urgent": "red"}


def number(value: int | float | None) -> str:
    return format_number(value, locale())


def percent(value: float | None) -> str:
    return format_percent(value, locale())


def plain_text(text: str) -> None:
    """Multi-line user text (comments) with no Markdown or HTML parsing at all."""
    st.text(text, text_alignment="right" if locale() == "fa" else "left")


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


def department_labels(v: Viewer) -> dict[int, str]:
    """Active departments with their parent's name where names repeat across the tree."""
    nodes = [node for node in department_tree() if node.active]
    names = {node.id: node.label(v.loc) for node in nodes}
    return {node.id: names[node.id] if node.depth <= 1 or node.parent_id not in names
            else f"{names[node.id]} — {names[node.parent_id]}" for node in nodes}


AUDIENCE_NAMES_SHOWN = 2


def audience_text(v: Viewer, audience: tuple[int, ...] | list[int]) -> str:
    """Everyone, or the chosen departments' names: the first few and how many more."""
    if not audience:
        return t("news.field.everyone")
    names = {node.id: node.label(v.loc) for node in department_tree()}
    shown = [names.get(d, MISSING) for d in audience[:AUDIENCE_NAMES_SHOWN]]
    joined = ("، " if is_rtl(v.loc) else ", ").join(shown)
    more = len(audience) - len(shown)
    return t("news.manage.audience_more", names=joined, count=more) if more else joined
