"""How the survey pages name what data_access returns (no Streamlit session needed)."""

from __future__ import annotations

from dashboard.surveys.viewer import Viewer, driver_name
from data_access import surveys
from data_access.permissions import Actor

PR = Actor(id=1, username="pr", role="pr", department_id=3)
MANAGER = Actor(id=2, username="m", role="manager", department_id=7)


def viewer(actor: Actor, lang: str) -> Viewer:
    return Viewer(actor, lang, False, False, False, actor.role == "pr")


def test_the_whole_audience_is_named_by_the_locale_files():
    whole = surveys.DepartmentRef(None, "", "")
    assert viewer(PR, "fa").group(whole) == "کل سازمان"
    assert viewer(PR, "en").group(whole) == "Whole organisation"
    named = surveys.DepartmentRef(5, "مالی", "Finance")
    assert viewer(PR, "en").group(named) == "Finance"


def test_the_first_group_shown_follows_the_results_scope():
    assert viewer(PR, "fa").default_group is None
    assert viewer(MANAGER, "fa").default_group == 7


def test_driver_names_and_text_in_both_languages():
    assert driver_name(None, "en", missing="—") == "—"
    assert driver_name("no-such-driver", "fa") == driver_name(None, "fa")
    assert viewer(PR, "en").text("متن", None) == "متن"
    assert viewer(PR, "en").text("متن", "text") == "text"
    assert viewer(PR, "fa").text("متن", "text") == "متن"
