"""Departments: the tree, a new department, rename, move, deactivate."""

from __future__ import annotations

import streamlit as st

from dashboard import tables
from dashboard.admin.viewer import Viewer
from dashboard.ui import escape_markdown, flash, read, show_refusal, t, write_in_callback
from data_access import departments, users
from data_access.departments import DepartmentNode

# Saved in the buttons' callbacks (before the page is drawn): the tree and the lists show
# the change, and the message its outcome, in the click's own run. Every form's key
# carries a nonce that each save moves on, so a double click's second submit finds no
# such form and writes nothing again.
CREATE = "dept_create"
CHANGE = "dept_change"
NONCE = "dept_form_nonce"


def _nonce() -> int:
    return st.session_state.get(NONCE, 0)


def _write(place: str, nonce: int, message: str, action, *args) -> None:
    if _nonce() != nonce:  # a form already saved
        return
    if write_in_callback(place, action, *args).ok:
        st.session_state[NONCE] = nonce + 1
        flash(message)


def _typed(form: str, name: str):
    return st.session_state.get(f"{form}_{name}")


def show(viewer: Viewer) -> None:
    tables.show([{
        t("admin.department"): viewer.department_label(d.id),
        t("admin.name_en"): d.name_en or "",
        t("admin.status"): t("admin.active") if d.active else t("admin.inactive"),
    } for d in viewer.tree], viewer.lang)
    col1, col2 = st.columns(2)
    nonce = _nonce()
    form = f"create_department_{nonce}"
    with col1.form(form):  # a fresh form after each save: its key carries the nonce
        st.subheader(t("admin.create_department"))
        st.text_input(t("admin.name_fa"), max_chars=200, key=f"{form}_name")
        st.text_input(t("admin.name_en"), max_chars=200, key=f"{form}_name_en")
        st.selectbox(t("admin.parent"), [None, *viewer.active_departments],
                     format_func=viewer.department_label, key=f"{form}_parent")
        st.form_submit_button(t("admin.create"), on_click=lambda: _write(
            CREATE, nonce, t("admin.saved"), departments.create, _typed(form, "name") or "",
            _typed(form, "parent"), _typed(form, "name_en") or ""))
        show_refusal(CREATE)
    with col2:
        st.subheader(t("admin.change_department"))
        chosen = st.selectbox(t("admin.department"), list(viewer.by_id),
                              format_func=viewer.department_label, key="dept_choice")
        node = viewer.by_id.get(chosen)
        if node:
            _change(viewer, node)
        show_refusal(CHANGE)


def _change(viewer: Viewer, node: DepartmentNode) -> None:
    nonce = _nonce()
    saved = t("admin.saved")
    rename = f"rename_{node.id}_{nonce}"
    with st.form(rename):
        st.text_input(t("admin.name_fa"), node.name, max_chars=200, key=f"{rename}_name")
        st.text_input(t("admin.name_en"), node.name_en or "", max_chars=200,
                      key=f"{rename}_name_en")
        st.form_submit_button(t("admin.rename"), on_click=lambda: _write(
            CHANGE, nonce, saved, departments.rename, node.id, _typed(rename, "name") or "",
            _typed(rename, "name_en") or ""))
    move = f"move_{node.id}_{nonce}"
    with st.form(move):
        parents = [None, *[d for d in viewer.active_departments if d != node.id]]
        st.selectbox(t("admin.parent"), parents,
                     index=parents.index(node.parent_id) if node.parent_id in parents else 0,
                     format_func=viewer.department_label, key=f"{move}_parent")
        st.form_submit_button(t("admin.move"), on_click=lambda: _write(
            CHANGE, nonce, saved, departments.move, node.id, _typed(move, "parent")))
    if node.active:
        _deactivate(viewer, node)
    else:
        st.button(t("admin.activate"), key=f"dept_on_{node.id}", on_click=_write,
                  args=(CHANGE, nonce, saved, departments.set_active, node.id, True))


def _deactivate(viewer: Viewer, node: DepartmentNode) -> None:
    """Asked twice, saying what it does; a department with people or active
    sub-departments says what must move first instead of offering the button."""
    with st.popover(t("admin.deactivate"), icon=":material/domain_disabled:"):
        name = escape_markdown(node.label(viewer.lang))
        members = read(users.search_users, viewer.actor, department_id=node.id, active=True,
                       limit=1)[1]
        children = sum(1 for d in viewer.tree if d.parent_id == node.id and d.active)
        if members or children:
            st.warning(t("admin.department_move_first", name=name, members=members,
                         children=children))
            return
        st.markdown(t("admin.department_deactivate_impact", name=name))
        st.button(t("admin.department_deactivate_confirm"), type="primary",
                  key=f"dept_off_{node.id}", on_click=_write,
                  args=(CHANGE, _nonce(), t("admin.department_deactivated", name=name),
                        departments.set_active, node.id, False))
