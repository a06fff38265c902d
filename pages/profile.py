"""Profile: who I am here, my language, my password."""

import streamlit as st

from dashboard.ui import (
    LANGUAGE_NAMES,
    department_of,
    escape_markdown,
    flash,
    language_picker,
    locale,
    require_page,
    run_write,
    t,
)
from data_access import users
from data_access.models import utcnow

actor = require_page("use_intranet")
st.title(t("nav.profile"))
department = department_of(actor.department_id)
with st.container(border=True):
    for label, value in [
        (t("profile.name"), actor.display_name),
        (t("profile.department"), department.label(locale()) if department else "—"),
        (t("profile.role"), t(f"roles.{actor.role}")),
        (t("admin.username"), actor.username),
    ]:
        st.markdown(f"**{escape_markdown(label)}:** {escape_markdown(value)}")

st.subheader(t("profile.language"))
# The language in use, in words, then the switch to the other one.
st.markdown(f"**{escape_markdown(t('profile.language'))}:** {LANGUAGE_NAMES[locale()]}")
language_picker(st, key="language_profile")

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
            # Other sessions are signed out; this one continues with a fresh cookie.
            st.session_state["_signed_in_at"] = utcnow()
            st.session_state["_set_cookie"] = True
            # A second run on purpose: the router writes the fresh sign-in cookie at the
            # top of a run, before this page; the message shows on that run.
            flash(t("profile.password_changed"))
            st.rerun()
