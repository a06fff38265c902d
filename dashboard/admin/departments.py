"""Departments: the tree, a new department, rename, move, deactivate."""

from __future__ import annotations

import streamlit as st

from dashboard import tables
from dashboard.admin.viewer import Viewer
from dashboard.ui import done, escape_markdown, read, run_write, t
from data_access import departments, users
from data_access.departments import DepartmentNode


def show(viewer: Viewer) -> None:
    tables.show([{
        t("admin.department"): viewer.department_label(d.id),
        t("admin.name_en"): d.name_en or "",
        t("admin.status"): t("admin.active") if d.active else t("admin.inactive"),
    } for d in viewer.tree], viewer.lang)
    col1, col2 = st.columns(2)
    with col1.form("create_department", clear_on_submit=True):
        st.subheader(t("admin.create_department"))
        name = st.text_input(t("admin.name_fa"), max_chars=200)
        name_en = st.text_input(t("admin.name_en"), max_chars=200)
        parent = st.selectbox(t("admin.parent"), [None, *viewer.active_departments],
                              format_func=viewer.department_label)
        if st.form_submit_button(t("admin.create")) and \
                run_write(departments.create, name, parent, name_en).ok:
            done(t("admin.saved"))
    with col2:
        st.subheader(t("admin.change_department"))
        chosen = st.selectbox(t("admin.department"), list(viewer.by_id),
                              format_func=viewer.department_label, key="dept_choice")
        node = viewer.by_id.get(chosen)
        if node:
            _change(viewer, node)


def _change(viewer: Viewer, node: DepartmentNode) -> None:
    with st.form(f"rename_{node.id}"):
        name = st.text_input(t("admin.name_fa"), node.name, max_chars=200)
        name_en = st.text_input(t("admin.name_en"), node.name_en or "", max_chars=200)
        if st.form_submit_button(t("admin.rename")) and \
                run_write(departments.rename, node.id, name, name_en).ok:
            done(t("admin.saved"))
    with st.form(f"move_{node.id}"):
        parents = [None, *[d for d in viewer.active_departments if d != node.id]]
        new_parent = st.selectbox(t("admin.parent"), parents,
                                  index=parents.index(node.parent_id)
                                  if node.parent_id in parents else 0,
                                  format_func=viewer.department_label)
        if st.form_submit_button(t("admin.move")) and \
                run_write(departments.move, node.id, new_parent).ok:
            done(t("admin.saved"))
    if node.active:
        _deactivate(viewer, node)
    elif st.button(t("admin.activate"), key=f"dept_on_{node.id}") and \
            run_write(departments.set_active, node.id, True).ok:
        done(t("admin.saved"))


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
        if st.button(t("admin.department_deactivate_confirm"), type="primary",
                     key=f"dept_off_{node.id}") and \
                run_write(departments.set_active, node.id, False).ok:
            done(t("admin.department_deactivated", name=name))
