"""Administration: users, departments, CSV import and the audit log (admins only)."""

import hashlib
import json
from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard.exports import csv_bytes
from dashboard.formatting import format_datetime, format_number, tehran_local_to_utc
from dashboard.jalali_input import jalali_date_input
from dashboard.ui import (
    date_messages,
    department_tree,
    done,
    locale,
    read,
    require_page,
    run_write,
    t,
)
from data_access import audit, departments, imports, users
from data_access.models import LOCALES, ROLES

actor = require_page("administer")
PAGE_SIZE = 50
st.title(t("nav.admin"))
tree = department_tree()
by_id = {d.id: d for d in tree}
active_departments = [d.id for d in tree if d.active]


def department_label(dept_id: int | None) -> str:
    if dept_id is None:
        return t("admin.no_parent")
    node = by_id.get(dept_id)
    return ("\u2003" * node.depth + node.label(locale())) if node else "—"


def role_label(role: str) -> str:
    return t(f"roles.{role}")


SECTIONS = {"users": "admin.tab_users", "departments": "admin.tab_departments",
            "import": "admin.tab_import", "audit": "admin.tab_audit"}
LARGE_IMPORT = 300

def _first_page() -> None:
    st.session_state["user_page"] = 1  # new filters: page 10 of the old list means nothing


def users_section() -> None:
    col1, col2, col3, col4 = st.columns([3, 2, 2, 2])
    search = col1.text_input(t("admin.search_users"), key="user_search", on_change=_first_page)
    role_filter = col2.selectbox(t("admin.role"), [None, *ROLES], key="user_role_filter",
                                 format_func=lambda r: t("admin.any") if r is None
                                 else role_label(r), on_change=_first_page)
    dept_filter = col3.selectbox(t("admin.department"), [None, *by_id], key="user_dept_filter",
                                 format_func=lambda d: t("admin.any") if d is None
                                 else department_label(d), on_change=_first_page)
    active_filter = col4.selectbox(t("admin.status"), [True, False, None], key="user_active",
                                   format_func=lambda a: t("admin.any") if a is None
                                   else t("admin.active") if a else t("admin.inactive"),
                                   on_change=_first_page)
    page_number = st.session_state.get("user_page", 1)
    rows, total = read(users.search_users, actor, text=search, department_id=dept_filter,
                       role=role_filter, active=active_filter, limit=PAGE_SIZE,
                       offset=(page_number - 1) * PAGE_SIZE)
    st.caption(t("admin.users_found", count=total))
    st.dataframe(pd.DataFrame([{
        t("admin.username"): r.username, t("admin.display_name"): r.display_name,
        t("admin.department"): by_id[r.department_id].label(locale())
        if r.department_id in by_id else r.department,
        t("admin.role"): role_label(r.role),
        t("admin.status"): t("admin.active") if r.active else t("admin.inactive"),
    } for r in rows]), hide_index=True, width="stretch")
    pages = max(1, -(-total // PAGE_SIZE))
    if pages > 1:
        st.number_input(t("admin.page_of", pages=pages), min_value=1, max_value=pages,
                        key="user_page")

    with st.expander(t("admin.create_user"), icon=":material/person_add:"):
        with st.form("create_user", clear_on_submit=False):
            username = st.text_input(t("admin.username"), max_chars=64, key="new_username")
            display_name = st.text_input(t("admin.display_name"), max_chars=200,
                                         key="new_display_name")
            email = st.text_input(t("admin.email"), max_chars=254, key="new_email")
            department_id = st.selectbox(t("admin.department"), active_departments,
                                         format_func=department_label)
            role = st.selectbox(t("admin.role"), ROLES, format_func=role_label)
            user_locale = st.selectbox(t("profile.language"), LOCALES,
                                       format_func=lambda x: t(f"locale.{x}"))
            password = st.text_input(t("admin.initial_password"), type="password",
                                     key="new_password",
                                     help=t("profile.password_rules", min=users.PASSWORD_MIN,
                                            max=users.PASSWORD_MAX))
            if st.form_submit_button(t("admin.create"), key="create_user_submit"):
                outcome = run_write(users.create_user, username=username,
                                    display_name=display_name, email=email,
                                    department_id=department_id, role=role,
                                    locale=user_locale, password=password)
                if outcome.ok:
                    done(t("admin.user_created", username=username.strip().lower()))

    if rows:
        with st.expander(t("admin.edit_user"), icon=":material/edit:"):
            chosen = st.selectbox(t("admin.choose_user"), rows, key="edit_user_choice",
                                  format_func=lambda r: f"{r.username} — {r.display_name}")
            with st.form(f"edit_user_{chosen.id}"):
                display_name = st.text_input(t("admin.display_name"), chosen.display_name,
                                             max_chars=200)
                email = st.text_input(t("admin.email"), chosen.email or "", max_chars=254)
                options = list(dict.fromkeys([chosen.department_id, *active_departments]))
                department_id = st.selectbox(t("admin.department"), options,
                                             index=options.index(chosen.department_id),
                                             format_func=department_label)
                role = st.selectbox(t("admin.role"), ROLES, index=ROLES.index(chosen.role),
                                    format_func=role_label)
                user_locale = st.selectbox(t("profile.language"), LOCALES,
                                           index=LOCALES.index(chosen.locale),
                                           format_func=lambda x: t(f"locale.{x}"))
                if st.form_submit_button(t("admin.save")):
                    if run_write(users.update_user, chosen.id, display_name=display_name,
                                 email=email, department_id=department_id, role=role,
                                 locale=user_locale,
                                 expected_updated_at=chosen.updated_at).ok:
                        done(t("admin.saved"))
            col1, col2 = st.columns(2)
            if chosen.active:
                if col1.button(t("admin.deactivate"), key=f"deactivate_{chosen.id}",
                               icon=":material/person_off:"):
                    if run_write(users.set_active, chosen.id, False).ok:
                        done(t("admin.deactivated", username=chosen.username))
            elif col1.button(t("admin.activate"), key=f"activate_{chosen.id}"):
                if run_write(users.set_active, chosen.id, True).ok:
                    done(t("admin.activated", username=chosen.username))
            with col2.form(f"reset_{chosen.id}", clear_on_submit=True):
                new_password = st.text_input(t("admin.new_password"), type="password")
                if st.form_submit_button(t("admin.reset_password")):
                    if run_write(users.reset_password, chosen.id, new_password).ok:
                        st.success(t("admin.password_reset", username=chosen.username))

def departments_section() -> None:
    st.dataframe(pd.DataFrame([{
        t("admin.department"): department_label(d.id),
        t("admin.name_en"): d.name_en or "",
        t("admin.status"): t("admin.active") if d.active else t("admin.inactive"),
    } for d in tree]), hide_index=True, width="stretch")
    col1, col2 = st.columns(2)
    with col1.form("create_department", clear_on_submit=True):
        st.subheader(t("admin.create_department"))
        name = st.text_input(t("admin.name_fa"), max_chars=200)
        name_en = st.text_input(t("admin.name_en"), max_chars=200)
        parent = st.selectbox(t("admin.parent"), [None, *active_departments],
                              format_func=department_label)
        if st.form_submit_button(t("admin.create")):
            if run_write(departments.create, name, parent, name_en).ok:
                done(t("admin.saved"))
    with col2:
        st.subheader(t("admin.change_department"))
        chosen_dept = st.selectbox(t("admin.department"), list(by_id),
                                   format_func=department_label, key="dept_choice")
        node = by_id.get(chosen_dept)
        if node:
            with st.form(f"rename_{node.id}"):
                name = st.text_input(t("admin.name_fa"), node.name, max_chars=200)
                name_en = st.text_input(t("admin.name_en"), node.name_en or "", max_chars=200)
                if st.form_submit_button(t("admin.rename")):
                    if run_write(departments.rename, node.id, name, name_en).ok:
                        done(t("admin.saved"))
            with st.form(f"move_{node.id}"):
                parents = [None, *[d for d in active_departments if d != node.id]]
                new_parent = st.selectbox(t("admin.parent"), parents,
                                          index=parents.index(node.parent_id)
                                          if node.parent_id in parents else 0,
                                          format_func=department_label)
                if st.form_submit_button(t("admin.move")):
                    if run_write(departments.move, node.id, new_parent).ok:
                        done(t("admin.saved"))
            if node.active:
                if st.button(t("admin.deactivate"), key=f"dept_off_{node.id}"):
                    if run_write(departments.set_active, node.id, False).ok:
                        done(t("admin.saved"))
            elif st.button(t("admin.activate"), key=f"dept_on_{node.id}"):
                if run_write(departments.set_active, node.id, True).ok:
                    done(t("admin.saved"))

def import_section() -> None:
    st.markdown(t("admin.import_help"))
    template = "username,display_name,email,department,role,locale,password\n" \
               "sara.ahmadi,سارا احمدی,sara@example.org,روابط عمومی,employee,fa,\n"
    st.download_button(t("admin.import_template"), template.encode("utf-8-sig"),
                       "peyvand-users.csv", "text/csv")
    result = st.session_state.get("import_result")
    if result is not None:
        # Kept until the admin confirms: the generated passwords are shown only here.
        st.success(t("admin.imported", count=result.created))
        if result.generated_passwords:
            st.warning(t("admin.generated_passwords"))
            st.download_button(
                t("admin.download_passwords"),
                csv_bytes(pd.DataFrame(sorted(result.generated_passwords.items()),
                                       columns=["username", "password"])),
                "peyvand-initial-passwords.csv", "text/csv", key="download_passwords")
        if st.button(t("admin.import_another"), key="import_another"):
            del st.session_state["import_result"]
            st.rerun()
        return
    upload_key = f"import_file_{st.session_state.get('import_round', 0)}"
    upload = st.file_uploader(t("admin.import_file"), type=["csv"], key=upload_key)
    if upload is None:
        return
    raw = upload.getvalue()
    digest = hashlib.sha256(raw).hexdigest()
    cached = st.session_state.get("import_preview")
    if cached is None or cached[0] != digest:  # check each file once, not on every rerun
        cached = (digest, read(imports.preview, actor, raw))
        st.session_state["import_preview"] = cached
    checked = cached[1]
    if checked.errors:
        st.error(t("admin.import_errors", count=len(checked.errors)))
        st.dataframe(pd.DataFrame([{
            t("admin.line"): format_number(e.line, locale()),
            t("admin.field"): t(f"admin.{e.field}") if e.field else "—",
            t("admin.reason"): t(e.key, **e.params),
        } for e in checked.errors]), hide_index=True, width="stretch")
        return
    st.success(t("admin.import_ready", count=len(checked.rows)))
    st.dataframe(pd.DataFrame([{
        t("admin.username"): r.username, t("admin.display_name"): r.display_name,
        t("admin.department"): department_label(r.department_id),
        t("admin.role"): role_label(r.role),
    } for r in checked.rows[:200]]), hide_index=True, width="stretch")
    if len(checked.rows) > LARGE_IMPORT:
        st.info(t("admin.import_large", count=len(checked.rows)))
    if st.button(t("admin.import_now", count=len(checked.rows)), type="primary",
                 key="import_now"):
        bar = st.progress(0.0, text=t("admin.hashing"))
        prepared = imports.prepare(checked, progress=lambda done, total: bar.progress(
            done / total, text=t("admin.hashing")))
        outcome = run_write(imports.apply, prepared)
        if outcome.ok:
            st.session_state["import_result"] = outcome.value
            st.session_state.pop("import_preview", None)
            st.session_state["import_round"] = st.session_state.get("import_round", 0) + 1
            st.rerun()


def audit_section() -> None:
    col1, col2, col3, col4, col5 = st.columns([2, 2, 2, 3, 3])
    action = col1.selectbox(t("admin.action"), [None, *read(audit.actions)],
                            format_func=lambda a: t("admin.any") if a is None else a)
    who = col2.text_input(t("admin.actor"))
    entity = col3.selectbox(t("admin.entity"), [None, "user", "department", "announcement",
                                                "survey", "comment"],
                            format_func=lambda a: t("admin.any") if a is None else a)
    with col4:
        since = jalali_date_input(t("admin.since"), key="audit_since", locale=locale(),
                                  messages=date_messages())
    with col5:
        until = jalali_date_input(t("admin.until"), key="audit_until", locale=locale(),
                                  min_value=since, messages=date_messages())
    entries, total = read(
        audit.search, actor, action=action, entity=entity,
        actor_username=who.strip().lower() or None,
        since=tehran_local_to_utc(since, 0, 0) if since else None,
        until=tehran_local_to_utc(until + timedelta(days=1), 0, 0) if until else None,
        limit=200)
    st.caption(t("admin.audit_found", count=total))
    st.dataframe(pd.DataFrame([{
        t("admin.when"): format_datetime(e.at, locale()),
        t("admin.actor"): e.actor or t("admin.system"),
        t("admin.action"): e.action,
        t("admin.entity"): f"{e.entity} {e.entity_id or ''}".strip(),
        t("admin.details"): json.dumps(json.loads(e.details), ensure_ascii=False)
        if e.details else "",
    } for e in entries]), hide_index=True, width="stretch")


# Only the chosen section runs, so a page of 60,000 users or a long audit log
# is queried only when the admin looks at it.
if st.session_state.get("admin_section") is None:  # clicking the chosen section unselects it
    st.session_state["admin_section"] = "users"
section = st.segmented_control(t("admin.section"), list(SECTIONS), key="admin_section",
                               format_func=lambda key: t(SECTIONS[key]),
                               label_visibility="collapsed")
{"users": users_section, "departments": departments_section, "import": import_section,
 "audit": audit_section}[section]()
