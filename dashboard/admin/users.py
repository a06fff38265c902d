"""Users: find (paged), create, edit, deactivate and reset a password."""

from __future__ import annotations

import streamlit as st

from dashboard import tables
from dashboard.admin.viewer import Viewer, any_or, role_label
from dashboard.pager import page_number, pager
from dashboard.ui import flash, read, run_write, show_refusal, t, write_in_callback
from data_access import paging, users
from data_access.models import LOCALES, ROLES

PAGE_SIZE = 50
PAGE_KEY = "user_page"


def _first_page() -> None:
    st.session_state[PAGE_KEY] = 1  # new filters: page 10 of the old list means nothing


def show(viewer: Viewer) -> None:
    rows, picked = _search(viewer)
    _create(viewer)
    if rows:
        _edit(viewer, rows, picked)


def _search(viewer: Viewer) -> tuple[list[users.UserRow], int | None]:
    col1, col2, col3, col4 = st.columns([3, 2, 2, 2])
    search = col1.text_input(t("admin.search_users"), key="user_search", on_change=_first_page)
    role_filter = col2.selectbox(t("admin.role"), [None, *ROLES], key="user_role_filter",
                                 format_func=any_or(role_label), on_change=_first_page,
                                 placeholder=t("admin.any"))
    dept_filter = col3.selectbox(t("admin.department"), [None, *viewer.by_id],
                                 key="user_dept_filter",
                                 format_func=any_or(viewer.department_label),
                                 on_change=_first_page, placeholder=t("admin.any"))
    active_filter = col4.selectbox(
        t("admin.status"), [True, False, None], key="user_active", on_change=_first_page,
        placeholder=t("admin.any"),
        format_func=any_or(lambda a: t("admin.active") if a else t("admin.inactive")))
    number = page_number(PAGE_KEY)
    rows, total = read(users.search_users, viewer.actor, text=search, department_id=dept_filter,
                       role=role_filter, active=active_filter, limit=PAGE_SIZE,
                       offset=paging.offset(number, PAGE_SIZE))
    st.caption(t("admin.users_found", count=total))
    if rows:
        st.caption(t("admin.pick_row_hint"))
    picked = tables.show([{
        t("admin.username"): r.username, t("admin.display_name"): r.display_name,
        t("admin.department"): viewer.by_id[r.department_id].label(viewer.lang)
        if r.department_id in viewer.by_id else r.department,
        t("admin.role"): role_label(r.role),
        t("admin.status"): t("admin.active") if r.active else t("admin.inactive"),
    } for r in rows], viewer.lang, empty=t("admin.no_users"), selectable=True,
        # a pick belongs to one page of one search: a new list starts unpicked
        key=f"user_table_{number}_{search}_{role_filter}_{dept_filter}_{active_filter}")
    pager(paging.paginate(rows, total, number, PAGE_SIZE), PAGE_KEY)
    return rows, picked


# Writes run in the buttons' callbacks (before the page is drawn): the table above shows
# the change, and the message its outcome, in the click's own run. After a create the form
# is emptied and the account remembered, and the edit form (keyed by the account's last
# change) is remembered once saved, so a double click's second submit writes nothing again.
CREATE = "create_user"
EDIT = "edit_user"
CREATED = "_created_username"
SAVED = "_saved_user_form"
FIELDS = ("new_username", "new_display_name", "new_email", "new_password")


def _create(viewer: Viewer) -> None:
    with st.expander(t("admin.create_user"), icon=":material/person_add:"), \
            st.form(CREATE, clear_on_submit=False):
        st.text_input(t("admin.username"), max_chars=64, key="new_username")
        st.text_input(t("admin.display_name"), max_chars=200, key="new_display_name")
        st.text_input(t("admin.email"), max_chars=254, key="new_email")
        st.selectbox(t("admin.department"), viewer.active_departments,
                     format_func=viewer.department_label, key="new_department_id")
        st.selectbox(t("admin.role"), ROLES, format_func=role_label, key="new_role")
        st.selectbox(t("profile.language"), LOCALES, format_func=lambda x: t(f"locale.{x}"),
                     key="new_locale")
        st.text_input(t("admin.initial_password"), type="password", key="new_password",
                      help=t("profile.password_rules", min=users.PASSWORD_MIN,
                             max=users.PASSWORD_MAX))
        st.form_submit_button(t("admin.create"), key="create_user_submit", on_click=_create_now)
        show_refusal(CREATE)


def _create_now() -> None:
    def value(name: str):
        return st.session_state.get(f"new_{name}")

    username = (value("username") or "").strip().lower()
    if username and st.session_state.get(CREATED) == username:
        return  # the second click of a double click: already created
    if write_in_callback(CREATE, users.create_user, username=value("username") or "",
                         display_name=value("display_name") or "", email=value("email") or "",
                         department_id=value("department_id"), role=value("role"),
                         locale=value("locale"), password=value("password") or "").ok:
        st.session_state[CREATED] = username
        for name in FIELDS:  # an empty form for the next account
            st.session_state[name] = ""
        flash(t("admin.user_created", username=username))


def _edit(viewer: Viewer, rows: list[users.UserRow], picked: int | None) -> None:
    """Opened by picking a row in the table (the dropdown follows the pick and can
    still choose another account)."""
    if picked is not None and st.session_state.get("user_table_picked") != rows[picked].id:
        st.session_state["user_table_picked"] = rows[picked].id
        st.session_state["edit_user_choice"] = rows[picked]
    with st.expander(t("admin.edit_user"), icon=":material/edit:", expanded=picked is not None):
        chosen = st.selectbox(t("admin.choose_user"), rows, key="edit_user_choice",
                              format_func=lambda r: f"{r.username} — {r.display_name}")
        form = f"{EDIT}_{chosen.id}_{int(chosen.updated_at.timestamp() * 1e6)}"
        with st.form(form):
            st.text_input(t("admin.display_name"), chosen.display_name, max_chars=200,
                          key=f"{form}_display_name")
            st.text_input(t("admin.email"), chosen.email or "", max_chars=254,
                          key=f"{form}_email")
            options = list(dict.fromkeys([chosen.department_id, *viewer.active_departments]))
            st.selectbox(t("admin.department"), options,
                         index=options.index(chosen.department_id),
                         format_func=viewer.department_label, key=f"{form}_department_id")
            st.selectbox(t("admin.role"), ROLES, index=ROLES.index(chosen.role),
                         format_func=role_label, key=f"{form}_role")
            st.selectbox(t("profile.language"), LOCALES, index=LOCALES.index(chosen.locale),
                         format_func=lambda x: t(f"locale.{x}"), key=f"{form}_locale")
            st.form_submit_button(t("admin.save"), on_click=_save,
                                  args=(form, chosen.id, chosen.updated_at))
        col1, col2 = st.columns(2)
        if chosen.active:
            col1.button(t("admin.deactivate"), key=f"deactivate_{chosen.id}",
                        icon=":material/person_off:", on_click=_set_active,
                        args=(chosen.id, False, chosen.username))
        else:
            col1.button(t("admin.activate"), key=f"activate_{chosen.id}",
                        on_click=_set_active, args=(chosen.id, True, chosen.username))
        show_refusal(EDIT)
        with col2.form(f"reset_{chosen.id}", clear_on_submit=True):
            new_password = st.text_input(t("admin.new_password"), type="password")
            if st.form_submit_button(t("admin.reset_password")) and \
                    run_write(users.reset_password, chosen.id, new_password).ok:
                st.success(t("admin.password_reset", username=chosen.username))


def _save(form: str, user_id: int, updated_at) -> None:
    def value(name: str):
        return st.session_state.get(f"{form}_{name}")

    if st.session_state.get(SAVED) == form:
        return  # the second click of a double click on a form already saved
    if write_in_callback(EDIT, users.update_user, user_id,
                         display_name=value("display_name") or "", email=value("email") or "",
                         department_id=value("department_id"), role=value("role"),
                         locale=value("locale"), expected_updated_at=updated_at).ok:
        st.session_state[SAVED] = form
        flash(t("admin.saved"))


def _set_active(user_id: int, active: bool, username: str) -> None:
    if write_in_callback(EDIT, users.set_active, user_id, active).ok:
        flash(t("admin.activated" if active else "admin.deactivated", username=username))
