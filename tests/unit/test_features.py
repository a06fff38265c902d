"""The feature registry: hooks as data, iterated by the router and the home page."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import features
from data_access.permissions import CAPABILITIES, Actor

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("feature", features.FEATURES, ids=lambda f: f.name)
def test_every_hook_names_a_function(feature):
    for hook in features.HOOKS:
        name = getattr(feature, hook)
        if name is not None:
            assert callable(features.resolve(name)), (feature.name, hook)


@pytest.mark.parametrize("source", ["dashboard/app.py", "pages/home.py"])
def test_the_sidebar_and_home_name_no_feature(source):
    text = (ROOT / source).read_text(encoding="utf-8")
    named = [word for word in ("news_ui", "survey_ui", "dashboard.news", "dashboard.surveys",
                               "import news", "import surveys") if word in text]
    assert named == []


def test_home_sections_put_reminders_first():
    ranked = sorted([(f.home_rank, f.home_section) for f in features.FEATURES if f.home_section]
                    + [(s.rank, s.hook) for s in features.HOME_SECTIONS], key=lambda p: p[0])
    sections = [features.resolve(hook) for _, hook in ranked]
    assert list(features.hooks("home_section")) == sections
    assert sections[0].__module__ == "dashboard.surveys.hooks"


@pytest.mark.parametrize("section", features.HOME_SECTIONS, ids=lambda s: s.name)
def test_every_home_section_names_a_function_and_a_capability(section):
    assert callable(features.resolve(section.hook))
    assert section.capability in CAPABILITIES
    assert section.unless is None or section.unless in CAPABILITIES


# The KPI cards are the kpi-ui engineer's Feature row ("kpis"); listed once it is there.
KPIS = ["kpis"] if any(f.name == "kpis" for f in features.FEATURES) else []
EMPLOYEE_HOME = ["surveys", "action_items/due_soon", "meetings", "news", "news/occasions"]
ORGANISATION = ["news/acknowledgements", "action_items/due_soon", "meetings", *KPIS,
                "surveys/participation", "news/reach", "news/occasions_to_prepare", "news"]


@pytest.mark.parametrize(("role", "expected"), [
    ("employee", EMPLOYEE_HOME),
    ("manager", ["surveys", "action_items/due_soon", "meetings", "action_items/team_overdue",
                 *KPIS, "surveys/headline", "news", "news/occasions"]),
    ("pr", ["surveys", *ORGANISATION]),
    ("admin", ["surveys", *ORGANISATION, "admin/health"]),
])
def test_each_role_home_lists_its_sections_in_order(role, expected):
    actor = Actor(id=1, username=role, role=role, department_id=1)
    assert [s.name for s in features.home_sections(actor)] == expected
    assert list(features.hooks("home_section", actor)) == [
        features.resolve(s.hook) for s in features.home_sections(actor)]


def test_home_sections_follow_capabilities_not_role_names(monkeypatch):
    """A role's home changes with the capability table alone."""
    monkeypatch.setitem(CAPABILITIES, "lead_team",
                        frozenset({"manager", "employee"}))
    employee = Actor(id=1, username="e", role="employee", department_id=1)
    assert "action_items/team_overdue" in [s.name for s in features.home_sections(employee)]


def test_hooks_follow_the_capability_table(monkeypatch):
    monkeypatch.setattr(features, "FEATURES", (
        features.Feature("probe", "administer", banner="dashboard.surveys:sidebar_counter"),))
    employee = Actor(id=1, username="e", role="employee", department_id=1)
    admin = Actor(id=2, username="a", role="admin", department_id=1)
    assert list(features.hooks("banner", employee)) == []
    assert len(list(features.hooks("banner", admin))) == 1
    with pytest.raises(ValueError):
        list(features.hooks("no_such_hook"))
