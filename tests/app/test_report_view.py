"""The monthly report's download (dashboard/report/view.py), as /kpis will show it: a
manager prepares last month's report and downloads a Word file; an employee sees none."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from data_access import config


def _page(role: str) -> None:
    from dashboard.report import view
    from data_access import db, users

    with db.session_scope() as session:
        actor = users.active_actor(session, role)
    view.show(actor)


def _open(role: str, locale: str = "fa") -> AppTest:
    at = AppTest.from_function(_page, args=(role,), default_timeout=180)
    at.session_state["locale"] = locale
    at.run()
    return at


def test_an_employee_gets_no_report(app_env):
    at = _open("employee")
    assert not at.exception and not at.button and not at.selectbox


@pytest.mark.skipif(shutil.which(config.chromium_path()) is None,
                    reason="needs Chromium for the charts")
def test_a_manager_prepares_and_downloads_the_month(app_env):
    at = _open("manager")
    assert not at.exception
    assert at.selectbox(key="report_month").value  # the last complete month first
    at.button(key="report_make").click().run()
    assert not at.exception and not at.error
    downloads = at.get("download_button")
    assert len(downloads) == 1
    assert "گزارش ماهانه" in downloads[0].proto.label
