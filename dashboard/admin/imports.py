"""CSV import of users: a template, a checked preview, then the import with the
generated passwords shown once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import tables, uploads
from dashboard.admin.viewer import Viewer, role_label
from dashboard.exports import csv_bytes
from dashboard.formatting import format_number
from dashboard.ui import read, run_write, t
from data_access import imports

LARGE_IMPORT = 300
TEMPLATE = ("username,display_name,email,department,role,locale,password\n"
            "sara.ahmadi,سارا احمدی,sara@example.org,روابط عمومی,employee,fa,\n")


def show(viewer: Viewer) -> None:
    st.markdown(t("admin.import_help"))
    st.download_button(t("admin.import_template"), TEMPLATE.encode("utf-8-sig"),
                       "peyvand-users.csv", "text/csv")
    if st.session_state.get("import_result") is not None:
        _result(st.session_state["import_result"])
        return
    upload = uploads.checked_upload(t("admin.import_file"), ["csv"], "import",
                                    lambda raw, _name: read(imports.preview, viewer.actor, raw))
    if upload is None:
        return
    checked = upload.checked
    if checked.errors:
        st.error(t("admin.import_errors", count=len(checked.errors)))
        tables.show([{
            t("admin.line"): format_number(e.line, viewer.lang),
            t("admin.field"): t(f"admin.{e.field}") if e.field else "—",
            t("admin.reason"): t(e.key, **e.params),
        } for e in checked.errors], viewer.lang)
        return
    _ready(viewer, checked)


def _result(result) -> None:
    # Kept until the admin confirms: the generated passwords are shown only here.
    st.success(t("admin.imported", count=result.created))
    if result.generated_passwords:
        st.warning(t("admin.generated_passwords"))
        st.download_button(
            t("admin.download_passwords"),
            csv_bytes(pd.DataFrame(sorted(result.generated_passwords.items()),
                                   columns=["username", "password"])),
            "peyvand-initial-passwords.csv", "text/csv", key="download_passwords")
    st.button(t("admin.import_another"), key="import_another", on_click=_import_another)


def _import_another() -> None:
    # In the callback: the click's own run shows the uploader again (no second run).
    st.session_state.pop("import_result", None)


def _ready(viewer: Viewer, checked) -> None:
    st.success(t("admin.import_ready", count=len(checked.rows)))
    tables.show([{
        t("admin.username"): r.username, t("admin.display_name"): r.display_name,
        t("admin.department"): viewer.department_label(r.department_id),
        t("admin.role"): role_label(r.role),
    } for r in checked.rows[:200]], viewer.lang)
    if len(checked.rows) > LARGE_IMPORT:
        st.info(t("admin.import_large", count=len(checked.rows)))
    if st.button(t("admin.import_now", count=len(checked.rows)), type="primary",
                 key="import_now"):
        # In the click's run, not a callback: the progress bar must be drawn here, under the
        # button, while passwords are hashed (a callback's output lands at the top of the
        # page), and the page above (uploader, preview) must then be drawn again as the
        # result: so the import keeps its second run.
        bar = st.progress(0.0, text=t("admin.hashing"))
        prepared = imports.prepare(checked, progress=lambda done, total: bar.progress(
            done / total, text=t("admin.hashing")))
        outcome = run_write(imports.apply, prepared)
        if outcome.ok:
            st.session_state["import_result"] = outcome.value
            uploads.start_over("import")
            st.rerun()
