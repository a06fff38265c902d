"""Small shared pieces every page uses: the current user and locale, translated
text, and one way to run a write and report its outcome."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import streamlit as st
from sqlalchemy import exc as sa_exc

from dashboard import theme
from dashboard.cache import for_this_run, run_memo
from dashboard.i18n import default_locale, is_rtl, translate
from data_access.db import session_scope
from data_access.errors import DomainError
from data_access.permissions import Actor, can

log = logging.getLogger("peyvand")
T = TypeVar("T")


def locale() -> str:
    return st.session_state.get("locale") or default_locale()


def t(key: str, **params: Any) -> str:
    return translate(key, locale(), **params)


def current_actor() -> Actor | None:
    return st.session_state.get("actor")


def require_page(capability: str) -> Actor:
    """Stop the page unless the signed-in user's role grants `capability`.

    Navigation already hides such pages; this guards a page reached any other way.
    """
    actor = current_actor()
    if not can(actor, capability):
        st.error(t("errors.permission_denied"))
        st.stop()
    return actor


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def escape_markdown(text: str) -> str:
    """User text placed inside Markdown shows literally: no links, emphasis or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


# The only images user Markdown may show: the app's own static files, written plainly
# (relative path, no title, no dots in folders; no backslash, backtick or angle bracket in
# the alt text, which could make Markdown close the image elsewhere). Every other image
# would make each reader's browser ask an outside host for it, telling that host who
# opened what.
_OWN_IMAGE = re.compile(
    r"!\[[^\[\]\\`<>\n]*\]\(/?app/static/(?:[\w-]+/)*[\w-]+\.(?:png|jpe?g|webp|gif)\)")
_WORD_JOINER = "\u2060"


def safe_markdown(text: str) -> str:
    """User Markdown (news bodies) that loads nothing from outside the app.

    Every image opener `![` other than an image of the app's own files gets an invisible
    word joiner between `!` and `[`: Markdown then sees text and an ordinary link (or
    literal brackets), whatever image form was used (inline, reference, shortcut, nested
    in a link). Raw HTML such as <img> is never rendered (unsafe_allow_html stays off).
    """
    parts: list[str] = []
    start = 0
    while (opener := text.find("![", start)) >= 0:
        parts.append(text[start:opener])
        own = _OWN_IMAGE.match(text, opener)
        if own:
            parts.append(own.group())
            start = own.end()
        else:
            parts.append("!" + _WORD_JOINER)
            start = opener + 1
    parts.append(text[start:])
    return "".join(parts)


# What does not count when telling a body's direction: code, link targets, web addresses.
_NOT_PROSE = re.compile(r"```.*?(?:```|$)|`[^`\n]*`|\]\([^)\n]*\)|https?://\S+", re.S)
_RTL_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LTR_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")


def writing_direction(text: str) -> str | None:
    """"rtl" or "ltr": the direction of the text's prose (code and addresses aside), or
    None when it has no letters. A Persian body with English words in it is "rtl": a
    Persian word has fewer letters than its English neighbour (no written short vowels),
    so a third of the letters in a right-to-left script is enough."""
    prose = _NOT_PROSE.sub(" ", text)
    rtl, ltr = len(_RTL_LETTER.findall(prose)), len(_LTR_LETTER.findall(prose))
    if not rtl and not ltr:
        return None
    return "rtl" if 2 * rtl >= ltr else "ltr"


def user_markdown(text: str, name: str) -> None:
    """Markdown someone wrote (a news body), drawn the one way wherever it shows (the item
    page, the composer's preview): `safe_markdown`, in a container that reads in the
    text's own direction (a Persian body right to left in English too), which the theme
    gives its lists, quotations, code and headings. `name` is unique on the page."""
    direction = writing_direction(text) or ("rtl" if is_rtl(locale()) else "ltr")
    with st.container(key=theme.user_markdown_key(name, direction)):
        st.markdown(safe_markdown(text))


@st.cache_data(ttl=3600, show_spinner=False)
def _department_tree(database: str, version: str) -> list:
    from data_access import departments

    return read(departments.tree)


@for_this_run
def department_tree() -> list:
    """The department tree (the same for every viewer). Cached per tree version,
    which every department write changes, so all replicas see a change at once;
    the version is read once per run."""
    from data_access import departments
    from data_access.db import database_url

    return _department_tree(database_url(), read(departments.tree_version))


def department_of(department_id: int):
    return next((d for d in department_tree() if d.id == department_id), None)


def flash(message: str) -> None:
    """Shown once at the top of the next run (usable in widget callbacks)."""
    st.session_state["_flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")


def date_messages() -> dict[str, str]:
    """Messages for the Jalali date inputs, in the user's language."""
    # Unformatted: the inputs fill in {min}, {example}, {month}, ... themselves.
    messages = {"invalid_date": t("date.invalid")}
    for name in ("before_min", "after_max", "bad_format", "not_in_calendar", "bad_time",
                 "missing_part", "echo", "example", "field_date", "field_time"):
        messages[name] = t(f"date.{name}")
    return messages


def error_text(error: DomainError) -> str:
    """The localised message; values from user input inside it show literally."""
    params = {k: escape_markdown(v) if isinstance(v, str) else v
              for k, v in error.params.items()}
    return t(error.key, **params)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    ok: bool
    value: T | None = None


# How a write's refusal reaches the person: a message text and its icon (or None).
Say = Callable[[str, str | None], None]


def _show_error(text: str, icon: str | None = None) -> None:
    st.error(text, icon=icon)


def _write(say: Say, action: Callable[..., T], args: tuple, kwargs: dict) -> Outcome[T]:
    try:
        with session_scope() as session:
            result = action(session, current_actor(), *args, **kwargs)
        run_memo().clear()  # reads later in this run see the write
        return Outcome(True, result)
    except DomainError as error:
        say(error_text(error), None)
    except Exception as error:
        if not explain_database_trouble(error, getattr(action, "__name__", str(action)), say):
            apologise(getattr(action, "__name__", str(action)), say)
    return Outcome(False)


def run_write(action: Callable[..., T], *args: Any, **kwargs: Any) -> Outcome[T]:
    """Run one data_access write in its own transaction.

    A user's mistake is shown in their language and nothing is written; an
    unexpected failure is logged with a reference the user can quote.
    """
    return _write(_show_error, action, args, kwargs)


def _refusal_key(place: str) -> str:
    return f"_refused_{place}"


def write_in_callback(place: str, action: Callable[..., T], *args: Any, **kwargs: Any
                      ) -> Outcome[T]:
    """`run_write` for a button's callback, which runs before the page is drawn (so the
    page shows the write in the click's own run, with no second run). A refusal is
    kept, not drawn: a callback's message would land at the top of the page, so
    `show_refusal(place)` shows it beside the form, in that same run."""
    st.session_state.pop(_refusal_key(place), None)
    return _write(lambda text, icon: keep_refusal(place, text, icon), action, args, kwargs)


def forget_refusal(place: str) -> None:
    """From a callback: a refusal kept for `place` is not to be said after all."""
    st.session_state.pop(_refusal_key(place), None)


def keep_refusal(place: str, text: str, icon: str | None = None) -> None:
    """From a callback: a message `show_refusal(place)` shows beside the form."""
    kept = st.session_state.setdefault(_refusal_key(place), [])
    if (text, icon) not in kept:  # the same message once
        kept.append((text, icon))


def forget_refusals() -> None:
    """At the end of every run (the router calls it): a refusal is said in the click's own
    run or not at all, never later beside a form drawn again after a page that failed."""
    for name in [name for name in st.session_state if str(name).startswith("_refused_")]:
        del st.session_state[name]


@contextmanager
def said_at(place: str) -> Iterator[None]:
    """Around a widget callback's reads. A callback runs before the router's
    `database_guard` is entered, and an exception there would be Streamlit's error page:
    instead, a DomainError, a database that cannot be used right now or an unexpected
    error is kept, like a refused write, for `show_refusal(place)`."""
    def keep(text: str, icon: str | None = None) -> None:
        keep_refusal(place, text, icon)

    try:
        yield
    except DomainError as error:
        keep(error_text(error))
    except Exception as error:
        if not explain_database_trouble(error, place, keep):
            apologise(place, keep)


def show_refusal(place: str) -> None:
    """Where the form is: the refusal `write_in_callback(place, ...)` kept, once."""
    for text, icon in st.session_state.pop(_refusal_key(place), ()):
        st.error(text, icon=icon)


# SQLite's refusals that mean "the storage cannot take a write": its result codes.
_SQLITE_STORAGE = {"SQLITE_READONLY", "SQLITE_FULL"}
_SQLITE_STORAGE_TEXT = ("readonly database", "disk is full", "disk i/o error")
# ... and those worth trying again in a moment (another writer, a file not there yet).
_SQLITE_BUSY_TEXT = ("database is locked", "database table is locked",
                     "unable to open database file")
_PG_DISK_FULL = "53100"


def database_trouble(error: BaseException) -> str | None:
    """The locale key for a database this process cannot use right now, or None.

    `errors.database_unavailable`: the server is down, restarting or unreachable, the pool
    is exhausted, or SQLite is locked (worth trying again in a moment);
    `errors.database_read_only`: the storage refuses writes (a read-only or full disk).
    Anything else (a bug, a constraint) is None: the caller handles it as before.
    """
    if isinstance(error, sa_exc.TimeoutError | sa_exc.DisconnectionError):
        return "errors.database_unavailable"
    if not isinstance(error, sa_exc.DBAPIError):
        return None
    original = error.orig
    text = str(original).lower()
    if type(original).__module__.startswith("sqlite3"):
        if (getattr(original, "sqlite_errorname", "") in _SQLITE_STORAGE
                or any(part in text for part in _SQLITE_STORAGE_TEXT)):
            return "errors.database_read_only"
        if any(part in text for part in _SQLITE_BUSY_TEXT):
            return "errors.database_unavailable"
        return None
    if getattr(original, "sqlstate", None) == _PG_DISK_FULL:
        return "errors.database_read_only"
    if error.connection_invalidated or isinstance(
            error, sa_exc.OperationalError | sa_exc.InterfaceError):
        return "errors.database_unavailable"
    return None


def explain_database_trouble(error: BaseException, context: str,
                             say: Say = _show_error) -> bool:
    """Show the localised message for a database that cannot be used right now and
    log it (without a traceback: the operator needs the cause, not the stack); False
    for any other error."""
    key = database_trouble(error)
    if key is None:
        return False
    log.warning("%s: database unusable (%s): %s", context, key,
                str(getattr(error, "orig", error)).splitlines()[0][:300])
    say(t(key), ":material/cloud_off:")
    return True


@contextmanager
def database_guard(context: str, before_message: Callable[[], None] | None = None
                   ) -> Iterator[None]:
    """Around the router: a read or write the database refuses right now shows the one
    "try again in a moment" message instead of Streamlit's error page, and stops the run.
    Session state is kept, so the next rerun after the database returns carries on.
    `before_message` runs first (the router applies the language's theme, if it has not
    yet in this run, so that the message reads right to left in Persian)."""
    try:
        yield
    except Exception as error:
        if database_trouble(error) is None:
            raise
        if before_message is not None:
            before_message()
        explain_database_trouble(error, context)
        st.stop()


def apologise(context: str, say: Say = _show_error) -> None:
    """An error the user did not cause: logged with a reference they can quote."""
    reference = uuid.uuid4().hex[:8]
    log.exception("%s failed (ref %s)", context, reference)
    say(t("errors.unexpected", ref=reference), None)


def read(query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one data_access read in a short session."""
    with session_scope() as session:
        return query(session, *args, **kwargs)


def quiet_count(count: Callable[[Actor], int], actor: Actor, what: str) -> int:
    """A sidebar or home reminder's count; a failure is logged and counts 0, since a
    reminder must never break the page it sits on."""
    try:
        return count(actor)
    except Exception:  # noqa: BLE001 - logged with its context for the operator
        log.exception("%s failed", what)
        return 0


def read_or_explain(query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`read`, for the read a page cannot do without: a DomainError (not found, not
    allowed, a bad value in the URL) is shown as a localised message and stops the
    page, instead of reaching Streamlit's generic error page."""
    try:
        return query(*args, **kwargs)
    except DomainError as error:
        st.error(error_text(error))
        st.stop()
        raise  # st.stop() raises; this line only satisfies type checkers


LANGUAGE_NAMES = {"fa": "فارسی", "en": "English"}


def back_icon() -> str:
    """A "back" button's arrow, pointing where the reader came from: → in Persian."""
    return ":material/arrow_forward:" if locale() == "fa" else ":material/arrow_back:"


def _switch_language(choice: str) -> None:
    from data_access import users

    if choice == locale():  # a second click on a button the rerun already replaced
        return
    st.session_state["locale"] = choice
    if current_actor() is not None:
        run_write(users.set_own_locale, choice)
    else:  # on the sign-in page: saved to the account once signed in
        st.session_state["_login_locale_chosen"] = True


def language_picker(where: Any = st, key: str = "language") -> None:
    """The one language switch (sidebar, sign-in page, profile): a button naming the
    other language; the choice is saved to the account.

    A button, not a stateful picker: its click is a one-off event bound to the
    language it showed, so a rerun that arrives later (another
    tab) can never replay an old value and switch the language back.
    """
    other = "en" if locale() == "fa" else "fa"
    where.button(LANGUAGE_NAMES[other], key=key, icon=":material/translate:",
                 help=t("profile.language_help"), on_click=_switch_language, args=(other,))
