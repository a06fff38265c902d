"""Peyvand's entrypoint: database, sign-in gate, theme and the role-based router."""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit_authenticator.utilities import LoginError  # noqa: E402

from dashboard import features, theme, warmup  # noqa: E402
from dashboard.auth import build_authenticator, sign_out  # noqa: E402
from dashboard.navigation import pages_for  # noqa: E402
from dashboard.ui import (  # noqa: E402
    apologise,
    database_guard,
    database_trouble,
    explain_database_trouble,
    forget_refusals,
    language_picker,
    locale,
    read,
    run_write,
    show_flash,
    t,
)
from data_access import config, db, settings, users  # noqa: E402
from data_access.models import utcnow  # noqa: E402

log = logging.getLogger("peyvand")

# A local icon: a Material icon name here would make the browser fetch it from the internet.
st.set_page_config(page_title="Peyvand · پیوند",
                   page_icon=str(ROOT / "dashboard" / "static" / "favicon.png"), layout="wide")


@st.cache_resource
def _migrated(url: str) -> bool:
    db.upgrade(db.get_engine(url))
    return True


@functools.lru_cache(maxsize=8)
def _keys_checked_for(survey_key: str | None, key_dir: str) -> str | None:
    from data_access.surveys import sealing  # the survey rules: not needed to sign in

    try:
        sealing.check_configuration()
    except sealing.KeyConfigurationError as error:
        log.error("configuration error: %s", error)
        return str(error)
    return None


def _keys_checked() -> str | None:
    """The survey key settings, checked once per process and setting: None, or what is
    wrong. Keyed by the settings themselves, so a changed environment is checked again."""
    return _keys_checked_for(config.survey_key(), str(config.key_dir()))


def _start():
    """Migrations, the key settings and the cookie sign-in: the authenticator of this run."""
    _migrated(db.database_url())
    authenticator = build_authenticator()
    try:
        authenticator.login(location="unrendered")  # a valid cookie signs the user back in
    except LoginError:
        st.session_state["authentication_status"] = None
    except Exception as error:  # do not show internals
        if database_trouble(error):
            raise  # the guard says "try again"; the cookie is tried again on the next run
        st.session_state["authentication_status"] = None
        apologise("cookie sign-in")
    return authenticator


def _resolve_actor():
    """The signed-in user as the database knows them now, or None."""
    if not st.session_state.get("authentication_status"):
        st.session_state.pop("actor", None)
        return None
    signed_in_at = st.session_state.setdefault("_signed_in_at", utcnow())
    actor = read(users.active_actor, st.session_state.get("username"), signed_in_at)
    if actor is None:  # deactivated, or signed out elsewhere since this session began
        sign_out(authenticator, None)
        st.session_state["_session_ended"] = True
        st.session_state.pop("actor", None)
        return None
    st.session_state["actor"] = actor
    if not st.session_state.get("locale_loaded"):
        st.session_state["locale"] = actor.locale
        st.session_state["locale_loaded"] = True
    elif st.session_state.pop("_save_locale", False) and actor.locale != locale():
        # The language picked on the sign-in page becomes the account's language.
        run_write(users.set_own_locale, locale())
    return actor


def login_page() -> None:
    language_picker(st, key="language_login")
    st.title(t("app.name"))
    st.caption(t("app.tagline"))
    if st.session_state.pop("_session_ended", False):
        st.info(t("login.session_ended"))
    try:
        authenticator.login(location="main", key="login", fields={
            "Form name": t("login.title"), "Username": t("login.username"),
            "Password": t("login.password"), "Login": t("login.submit"),
        })
    except LoginError:
        st.session_state["authentication_status"] = False
    except Exception as error:
        st.session_state["authentication_status"] = None
        if not explain_database_trouble(error, "sign-in"):
            apologise("sign-in")
    status = st.session_state.get("authentication_status")
    if status:
        st.session_state["_signed_in_at"] = utcnow()
        st.session_state["_set_cookie"] = True
        if st.session_state.pop("_login_locale_chosen", False):
            st.session_state["locale_loaded"] = True
            st.session_state["_save_locale"] = True
        else:
            st.session_state.pop("locale_loaded", None)
        st.rerun()
    elif status is False:
        if st.session_state.get("_sign_in_outcome") == "locked":
            st.error(t("login.locked", minutes=users.minutes_until(
                st.session_state.get("_locked_until"))))
        else:
            st.error(t("login.invalid"))
    if read(settings.demo_mode):
        st.info(t("login.demo_hint"))


def sidebar(actor) -> None:
    with st.sidebar:  # the app's name already heads the page list above
        st.text(actor.display_name)
        st.caption(t(f"roles.{actor.role}"))
        for counter in features.hooks("sidebar_counter", actor):
            counter(actor)
        language_picker(st.sidebar, key="language_sidebar")
        if st.button(t("login.sign_out"), icon=":material/logout:", key="sign_out"):
            sign_out(authenticator, actor.id)
            st.rerun()


def _route() -> None:
    """The signed-in user's navigation, or the sign-in page."""
    global _themed
    actor = _resolve_actor()
    theme.apply(locale())
    _themed = True
    if actor is not None and _keys_checked() is not None:  # every page would fail: say so
        st.error(t("errors.misconfigured"))
        st.stop()
    if actor is None:
        if st.session_state.pop("_delete_cookie", False):
            authenticator.cookie_controller.delete_cookie()
        st.navigation([st.Page(login_page, title=t("login.title"), url_path="login",
                               default=True)], position="hidden").run()
        # The sign-in page is drawn: import what the pages behind it need meanwhile.
        warmup.start()
    else:
        sections: dict[str, list] = {}
        for spec in pages_for(actor.role):
            sections.setdefault(t(spec.section), []).append(
                st.Page(spec.path, title=t(spec.title_key), icon=spec.icon,
                        url_path=spec.url or None, default=spec.url == ""))
        navigation = st.navigation(sections)
        if st.session_state.pop("_set_cookie", False):
            # Set here, in the first signed-in run, so that the cookie script is not
            # discarded by the rerun that follows the sign-in form (auth.DocumentCookies).
            authenticator.cookie_controller.set_cookie()
        for tick in features.hooks("clock_tick"):  # once per run, before anything reads
            tick()
        sidebar(actor)
        for banner in features.hooks("banner", actor):
            banner(actor)
        show_flash()
        try:
            navigation.run()
        finally:
            forget_refusals()


# Every run is inside the one database guard: a database that is down, restarting,
# read-only or full shows its localised "try again" message (errors.database_*), never a
# traceback. Session state is kept, so the first rerun after it returns carries on,
# signed in, without restarting the app (PostgreSQL: the pool's pre-ping reconnects).
_themed = False  # this run's theme (app.py runs afresh on every rerun)


def _theme_once() -> None:
    if not _themed:
        theme.apply(locale())


with database_guard("page", before_message=_theme_once):
    authenticator = _start()
    _route()
