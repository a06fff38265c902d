"""Profile: who I am here, my language, my password."""

import streamlit as st

from dashboard.ui import current_actor, locale, read, run_write, t
from data_access import departments, users

actor = current_actor()
st.title(t("nav.profile"))
department = next((d for d in read(departments.tree) if d.id == actor.department_id), None)
col1, col2, col3 = st.columns(3)
col1.metric(t("profile.name"), actor.display_name)
col2.metric(t("profile.department"), department.label(locale()) if department else "—")
col3.metric(t("profile.role"), t(f"roles.{actor.role}"))
st.caption(t("profile.username", username=actor.username))

st.subheader(t("profile.language"))
labels = {"fa": "فارسی", "en": "English"}
choice = st.radio(t("profile.language"), ["fa", "en"], format_func=labels.get,
                  index=["fa", "en"].index(locale()), horizontal=True,
                  label_visibility="collapsed", key="profile_language")
if choice != locale():
    st.session_state["locale"] = choice
    run_write(users.set_own_locale, choice)
    st.rerun()

st.subheader(t("profile.change_password"))
with st.form("change_password", clear_on_submit=True):
    current = st.text_input(t("profile.current_password"), type="password")
    new = st.text_input(t("profile.new_password"), type="password",
                        help=t("profile.password_rules", min=users.PASSWORD_MIN,
                               max=users.PASSWORD_MAX))
    repeat = st.text_input(t("profile.repeat_password"), type="password")
    if st.form_submit_button(t("profile.save_password")):
        if new != repeat:
            st.error(t("errors.passwords_differ"))
        elif run_write(users.change_own_password, current, new).ok:
            st.success(t("profile.password_changed"))
