"""`/` for every role, in Persian and English: each role's home shows the sections the
registry (dashboard/features.py) gives it, and nothing of another role's."""

from __future__ import annotations

import pytest

from dashboard import cache
from dashboard.i18n import translate
from data_access import db, health

ROLES = ("employee", "manager", "pr", "admin")


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.proto.label for e in at.get("page_link")]
    parts += [m.label for m in at.metric]
    return " ".join(parts)


# (title key, params): the headings each section writes when it has something to say.
ORGANISATION_ONLY = [("home.reach.title", {}), ("home.surveys.open_title", {})]


@pytest.mark.parametrize("lang", ["fa", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_its_home(open_app, role, lang):
    cache.clear_all()
    at = open_app(role, "home.py", locale=lang)
    assert not at.exception
    text = _text(at)
    # Every role: the news section and upcoming occasions (the demo has events).
    assert translate("news.home.title", lang) in [h.value for h in at.subheader]
    for key, _ in ORGANISATION_ONLY:
        assert (translate(key, lang) in text) == (role in ("pr", "admin")), key
    assert (translate("home.health.title", lang) in text) == (role == "admin")
    prepare = translate("home.occasions.prepare_title", lang, days="")[:12]
    occasions = translate("home.occasions.title", lang, days="")[:12]
    if role in ("pr", "admin"):
        assert prepare in text and occasions not in text
    else:
        assert occasions in text and prepare not in text
    if lang == "fa":
        assert not any(ch.isascii() and ch.isdigit() for m in at.metric for ch in m.value)


def test_the_manager_home_shows_the_team_and_the_latest_headline(open_app):
    cache.clear_all()
    at = open_app("manager", "home.py", locale="fa")
    assert not at.exception
    text = _text(at)
    assert translate("home.surveys.headline_title", "fa", title="")[:10] in text
    assert translate("home.surveys.results_link", "fa") in text
    employee = _text(open_app("employee", "home.py", locale="fa"))
    assert translate("home.surveys.headline_title", "fa", title="")[:10] not in employee


def test_the_admin_sees_the_last_backup_once_recorded(open_app, app_env):
    cache.clear_all()
    at = open_app("admin", "home.py", locale="en")
    assert "Last backup: unknown" in _text(at)
    with db.session_scope(db.get_engine(app_env)) as session:
        health.record_backup(session, "/var/backups/peyvand/peyvand-test.db")
    cache.clear_all()
    at = open_app("admin", "home.py", locale="en")
    text = _text(at)
    assert "Last backup: unknown" not in text and "Last backup:" in text
    assert "Database schema at the latest migration: yes" in text
