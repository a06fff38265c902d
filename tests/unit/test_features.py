"""The feature registry: hooks as data, iterated by the router and the home page."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import features
from data_access.permissions import Actor

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
    sections = [features.resolve(f.home_section) for f in
                sorted(features.FEATURES, key=lambda f: f.home_rank) if f.home_section]
    assert list(features.hooks("home_section")) == sections
    assert sections[0].__module__ == "dashboard.surveys.hooks"


def test_hooks_follow_the_capability_table(monkeypatch):
    monkeypatch.setattr(features, "FEATURES", (
        features.Feature("probe", "administer", banner="dashboard.surveys:sidebar_counter"),))
    employee = Actor(id=1, username="e", role="employee", department_id=1)
    admin = Actor(id=2, username="a", role="admin", department_id=1)
    assert list(features.hooks("banner", employee)) == []
    assert len(list(features.hooks("banner", admin))) == 1
    with pytest.raises(ValueError):
        list(features.hooks("no_such_hook"))
