"""One pager for every long list: page N of M, in the user's digits."""

from __future__ import annotations

import streamlit as st

from dashboard.formatting import format_number
from dashboard.ui import locale, t
from data_access.paging import Page


def page_number(key: str) -> int:
    """The page the viewer is on (1 until they move)."""
    return int(st.session_state.get(key, 1))


def _go_to(key: str, page: int) -> None:
    st.session_state[key] = page


def pager(page: Page, key: str) -> None:
    """Previous / next buttons and "page N of M" under a list; nothing for one page.

    The move is the buttons' callback: it runs before the list is drawn, so the list shows
    the new page in the click's own run (one run, not two).
    """
    if page.pages <= 1:
        return
    lang = locale()
    previous, label, following = st.columns([1, 2, 1], vertical_alignment="center")
    previous.button(t("pager.previous"), key=f"{key}_prev", disabled=page.page <= 1,
                    use_container_width=True, on_click=_go_to, args=(key, page.page - 1))
    label.caption(t("pager.position", page=format_number(page.page, lang),
                    pages=format_number(page.pages, lang)))
    following.button(t("pager.next"), key=f"{key}_next", disabled=page.page >= page.pages,
                     use_container_width=True, on_click=_go_to, args=(key, page.page + 1))
