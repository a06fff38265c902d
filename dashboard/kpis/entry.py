"""Values of a custom KPI, one form per period: every reporting department the viewer
may see, its value, and a field for those they may enter (data_access decides which).
Saved in one transaction; a value changed by someone else since the form was shown
is a conflict, shown in the viewer's language, and nothing is saved."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session

from dashboard.formatting import format_number
from dashboard.kpis import reads
from dashboard.kpis.filters import Filters, default_last, period_input
from dashboard.kpis.viewer import Viewer
from dashboard.ui import (
    escape_markdown,
    flash,
    read_or_explain,
    show_refusal,
    write_in_callback,
)
from data_access import kpis
from data_access.permissions import Actor


def _shown(value: float | None, decimals: int, lang: str) -> str:
    """The stored value as the field shows it (the data layer reads Persian digits and
    the Persian decimal separator back)."""
    if value is None:
        return ""
    return format_number(value, lang, decimals).replace("٬", "").replace(",", "")


def save_sheet(session: Session, actor: Actor, code: str, period_key: str,
               changes: list[tuple[int, str, int | None]]) -> int:
    """Every changed field of the form, in the one transaction run_write opens: a bad
    value or a conflict on any row writes none of them. Returns how many changed."""
    for department_id, text, version in changes:
        if text.strip():
            kpis.enter_value(session, actor, code, department_id, period_key, text, version)
        else:
            kpis.remove_value(session, actor, code, department_id, period_key, version)
    return len(changes)


def show(viewer: Viewer, filters: Filters) -> None:
    kpi = reads.kpi(viewer.actor, filters.kpi) if filters.kpi else None
    if kpi is None or kpi.source != "custom":
        st.info(viewer.t("kpis.ui.entry.no_custom"))
        return
    kind = kpi.frequency
    st.subheader(viewer.t("kpis.ui.entry.title", kpi=escape_markdown(viewer.name(kpi))))
    period = period_input(viewer.t("kpis.ui.entry.period"), key=f"kpi_entry_{kpi.code}",
                          kind=kind, value=default_last(kind), lang=viewer.lang)
    rows = read_or_explain(reads.entry_sheet, viewer.actor, kpi.code, period)
    if not rows:
        st.info(viewer.t("kpis.ui.entry.no_departments"))
        return
    if not any(row.may_edit for row in rows):
        st.caption(viewer.t("kpis.ui.entry.read_only"))
    shown = {row.department_id: _shown(row.value, kpi.decimals, viewer.lang) for row in rows}
    form_key = f"kpi_entry_form_{kpi.code}_{period.key}"
    with st.form(form_key, border=True):
        st.caption(viewer.t("kpis.ui.entry.help", period=viewer.period(period)))
        for row in rows:
            name = row.name_en or row.name_fa if viewer.lang == "en" else row.name_fa
            st.text_input(escape_markdown(name), value=shown[row.department_id],
                          key=f"{form_key}_{row.department_id}_{row.version}",
                          disabled=not row.may_edit)
        # Saved in the button's callback: the fields are drawn again on the saved
        # versions (new keys) in the click's own run, so a double click's second submit
        # finds fields that no longer exist and saves nothing twice.
        st.form_submit_button(viewer.t("kpis.ui.entry.save"), type="primary",
                              disabled=not any(row.may_edit for row in rows),
                              on_click=_save, args=(viewer, kpi.code, period.key, form_key,
                                                    rows, shown))
    show_refusal(PLACE)
    if st.session_state.pop(UNCHANGED, False):
        st.info(viewer.t("kpis.ui.entry.nothing_changed"))


PLACE = "kpi_entry"
UNCHANGED = "_kpi_entry_unchanged"


def _save(viewer: Viewer, code: str, period_key: str, form_key: str, rows: list,
          shown: dict[int, str]) -> None:
    typed = {row.department_id: st.session_state.get(
        f"{form_key}_{row.department_id}_{row.version}") for row in rows}
    if any(value is None for row in rows if row.may_edit
           for value in (typed[row.department_id],)):
        return  # a form drawn before the last save: its fields are gone
    changes = [(row.department_id, typed[row.department_id], row.version) for row in rows
               if row.may_edit and typed[row.department_id].strip()
               != shown[row.department_id]]
    if not changes:
        st.session_state[UNCHANGED] = True
        return
    if write_in_callback(PLACE, save_sheet, code, period_key, changes).ok:
        reads.after_write()
        flash(viewer.t("kpis.ui.entry.saved", count=len(changes)))
