"""System health on the admin's home page (dashboard/features.py HOME_SECTIONS): database
kind and size, people active lately, the last recorded backup, and the migrations and
survey-key checks of `python -m dashboard check` (the same run_checks, one implementation)."""

from __future__ import annotations

import streamlit as st

from dashboard.cache import ViewerKey, actor_of, cached, database_key, viewer_key
from dashboard.formatting import format_datetime, format_number
from dashboard.ui import locale, read, t
from data_access import health
from data_access.permissions import Actor

GROUP = "admin_health"
CHECKED = ("migrations", "survey keys")  # the rows of run_checks shown here


@cached(GROUP, ttl=300, max_entries=50)
def _health(key: ViewerKey) -> health.Health:
    return read(health.system_health, actor_of(key))


@cached(GROUP, ttl=300, max_entries=10)
def _checks(database: str) -> list[tuple[str, str, str]]:
    from dashboard.__main__ import run_checks

    return [row for row in run_checks() if row[1] in CHECKED]


def size_text(size: int | None, loc: str) -> str:
    if size is None:
        return t("home.health.unknown")
    return t("home.health.megabytes", size=format_number(size / 2**20, loc, 1))


def home_section(actor: Actor) -> None:
    loc = locale()
    found = _health(viewer_key(actor))
    checks = {what: status for status, what, _ in _checks(database_key())}
    with st.container(border=True, key="home_health"):
        st.markdown(f"**{t('home.health.title')}**")
        first, second = st.columns(2)
        first.metric(t("home.health.database"),
                     t(f"home.health.kind.{found.database_kind}"))
        first.caption(size_text(found.database_bytes, loc))
        second.metric(t("home.health.active", days=format_number(health.ACTIVE_DAYS, loc)),
                      format_number(found.active_users, loc))
        second.caption(t("home.health.active_help"))
        backup = (format_datetime(found.last_backup_at, loc, "long") if found.last_backup_at
                  else t("home.health.unknown"))
        st.markdown(f":material/backup: {t('home.health.backup', when=backup)}")
        for what, label in (("migrations", "home.health.migrations"),
                            ("survey keys", "home.health.survey_key")):
            status = checks.get(what, "FAIL")
            icon = ":material/check_circle:" if status == "ok" else ":material/error:"
            word = t("home.health.ok" if status == "ok" else "home.health.problem")
            st.markdown(f"{icon} {t(label)}: {word}")
        if any(status != "ok" for status in checks.values()) or len(checks) < len(CHECKED):
            st.caption(t("home.health.run_check"))
