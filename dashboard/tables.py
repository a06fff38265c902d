"""The one way a table is shown: every `st.dataframe` of the app goes through `show`.

Rows are dicts keyed by already-translated headers; the first key is the row's
identifying column (a name, a title, a time). In Persian the columns run right to
left, so the identifying column is the rightmost one and every cell is aligned to
the right; in English it is the leftmost, pinned. Numbers are shown with the
locale's digits, a missing value as "—", and a table with no rows is one
translated sentence instead of Streamlit's English "empty".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from numbers import Real

import pandas as pd
import streamlit as st

from dashboard.formatting import MISSING, format_number
from dashboard.i18n import is_rtl, translate

__all__ = ["frame", "reading_order", "show"]


def _cell(value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    if isinstance(value, Real) and not isinstance(value, bool):
        return format_number(value, lang, 0 if float(value).is_integer() else 2)
    return str(value)


def reading_order(columns: Sequence[str], lang: str) -> list[str]:
    """`columns` (first = identifying) in the order a grid draws them left to right for
    `lang`: for an editable grid (`st.data_editor(column_order=...)`), which `show`
    does not draw."""
    return list(reversed(columns)) if is_rtl(lang) else list(columns)


def frame(rows: Sequence[Mapping[str, object]], lang: str,
          optional: Iterable[str] = ()) -> pd.DataFrame:
    """The frame `show` draws: cells as display text, columns in reading order for
    `lang` (reversed in Persian), and each `optional` column left out when every one
    of its cells is blank (a "notes" column with nothing to note)."""
    headers = list(dict.fromkeys(h for row in rows for h in row))
    blank = {h for h in optional
             if all(str(row.get(h) or "").strip() in ("", MISSING) for row in rows)}
    headers = [h for h in headers if h not in blank]
    headers = reading_order(headers, lang)
    return pd.DataFrame([{h: _cell(row.get(h), lang) for h in headers} for row in rows],
                        columns=headers)


def show(rows: Sequence[Mapping[str, object]] | pd.DataFrame, lang: str, *,
         empty: str | None = None, optional: Iterable[str] = (), key: str | None = None,
         selectable: bool = False) -> int | None:
    """Draws `rows` (or a frame built for an export too) as a table in `lang`, or the
    `empty` sentence when there are none. `selectable` (needs a `key`): a row can be
    picked, and its position in `rows` is returned (None when none is)."""
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    if not rows:
        st.caption(empty or translate("table.empty", lang))
        return None
    table = frame(rows, lang, optional)
    identifying = next(iter(rows[0]))
    rtl = is_rtl(lang)
    config = {h: st.column_config.Column(
        alignment="right" if rtl else None,
        # Streamlit pins columns on the left edge only: in Persian that would tear the
        # identifying column away from the right, where the eye starts.
        pinned=True if h == identifying and not rtl else None,
    ) for h in table.columns}
    if not selectable:
        st.dataframe(table, hide_index=True, width="stretch", column_config=config, key=key,
                     placeholder=MISSING)
        return None
    state = st.dataframe(table, hide_index=True, width="stretch", column_config=config,
                         key=key, placeholder=MISSING, on_select="rerun",
                         selection_mode="single-row")
    picked = state.selection.rows if state is not None else []
    return picked[0] if picked and picked[0] < len(rows) else None
