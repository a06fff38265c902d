"""Sign-in: streamlit-authenticator renders the form and keeps the cookie;
the database decides who may enter (credentials, lockout, revocation)."""

from __future__ import annotations

import json
import os
import re
import secrets
import time
import types
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.models import cookie_model as _library_cookie_model

from dashboard import theme
from data_access import config, users
from data_access.db import session_scope

COOKIE_NAME = "peyvand_auth"
COOKIE_KEY_ENV = config.COOKIE_KEY
_COOKIE_TEXT = re.compile(r"[A-Za-z0-9_.\-]*")  # a cookie name or a JWT: nothing to escape


class DocumentCookies:
    """Writes the sign-in cookie with a small document script instead of
    extra_streamlit_components' CookieManager.

    The library's manager is an iframe component: it renders a `getAll` on every run
    (unused: streamlit-authenticator 0.4 reads the cookie from the request,
    `st.context.cookies`) and each of its answers reruns the whole script, so every new
    tab cost two runs and every sign-in three. A script sets the same cookie (name,
    value, path /, expiry, SameSite=Strict) and reports nothing back.
    """

    def __init__(self, key: str = "init") -> None:
        self.cookies: dict[str, str] = {}

    def set(self, cookie: str, val: str, key: str = "set", path: str = "/",
            expires_at: datetime | None = None, **_options) -> None:
        expires_at = expires_at or datetime.now() + timedelta(days=1)
        # The library passes a naive local time; astimezone reads it as such.
        expires = format_datetime(expires_at.astimezone(UTC), usegmt=True)
        self._write(f"{cookie}={val}; path={path}; expires={expires}; SameSite=Strict",
                    cookie, str(val), path, key)
        self.cookies[cookie] = val

    def delete(self, cookie: str, key: str = "delete") -> None:
        self._write(f"{cookie}=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Strict",
                    cookie, "", "/", key)
        self.cookies.pop(cookie, None)

    @staticmethod
    def _write(line: str, *parts: str) -> None:
        name, value, path, key = parts
        if not (_COOKIE_TEXT.fullmatch(name) and _COOKIE_TEXT.fullmatch(value)
                and path == "/"):
            raise ValueError("a sign-in cookie holds only a name and a token")
        theme.document_script(f"cookie_{key}", f"document.cookie = {json.dumps(line)};")


# streamlit-authenticator builds its cookie manager in CookieModel.__init__; this is
# the one place it looks the class up.
_library_cookie_model.stx = types.SimpleNamespace(CookieManager=DocumentCookies)


def cookie_expiry_days() -> float:
    return config.cookie_expiry_days()


def _key_file() -> Path:
    return config.data_dir() / "cookie_key"


def cookie_key() -> str:
    """From the environment, then secrets.toml, else generated once and kept on disk.

    There is deliberately no constant fallback: a known key lets anyone forge
    a sign-in cookie.
    """
    key = config.cookie_key()
    if key:
        return key
    try:
        key = st.secrets.get("cookie_key")
    except Exception:  # no secrets.toml: a normal first start
        key = None
    if key:
        return str(key)
    path = _key_file()
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


class DatabaseCredentials(Mapping):
    """The `credentials['usernames']` the authenticator consults, backed by the
    users table one username at a time (never enumerated: 60,000 users at L)."""

    def __getitem__(self, username: str) -> dict:
        with session_scope() as session:
            actor = users.active_actor(session, username)
        if actor is None:
            raise KeyError(username)
        return {"name": actor.display_name, "email": None, "roles": [actor.role],
                "password": ""}

    def __contains__(self, username: object) -> bool:
        if not isinstance(username, str):
            return False
        with session_scope() as session:
            return users.active_actor(session, username) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def client_address() -> str:
    """The browser's address, which the sign-in throttle counts failures by.

    Streamlit's server (Uvicorn) replaces the TCP peer with the last address of
    X-Forwarded-For only when the peer is a trusted proxy (127.0.0.1 and ::1,
    or FORWARDED_ALLOW_IPS), so a browser cannot choose its own address. Local
    connections, and a proxy that does not send the header, give "" (one client).
    """
    try:
        address = st.context.ip_address
    except Exception:  # no script run context (e.g. a bare test)
        address = None
    return address if isinstance(address, str) else ""


def _check_credentials(username: str, password: str) -> bool:
    with session_scope() as session:
        result = users.authenticate(session, username, password, client=client_address())
    st.session_state["_sign_in_outcome"] = result.outcome.value
    st.session_state["_locked_until"] = result.locked_until
    return result.outcome is users.SignIn.OK


def build_authenticator() -> stauth.Authenticate:
    """One per script run, created by the entrypoint."""
    authenticator = stauth.Authenticate(
        {"usernames": {}}, COOKIE_NAME, cookie_key(), cookie_expiry_days(),
        auto_hash=False, login_sleep_time=0,
    )
    model = authenticator.authentication_controller.authentication_model
    model.credentials["usernames"] = DatabaseCredentials()
    model.check_credentials = _check_credentials
    cookies = authenticator.cookie_controller
    cookie_model = cookies.cookie_model
    read_cookie = cookies.get_cookie

    def encode_with_issue_time() -> str:
        # The library's token holds only the username and expiry; the issue time
        # is what lets a logout or reset refuse every cookie issued before it.
        return jwt.encode({"username": st.session_state["username"],
                           "exp_date": cookie_model.exp_date, "iat": time.time()},
                          cookie_model.cookie_key, algorithm="HS256")

    def checked_cookie():
        # A cookie is honoured only while its account is active and no logout,
        # password change or reset has happened since it was issued.
        try:
            token = read_cookie()
        except jwt.PyJWTError:  # malformed or forged: treat as no cookie
            return None
        if not token or not isinstance(token.get("iat"), int | float):
            return None
        with session_scope() as session:
            actor = users.active_actor(session, token.get("username"),
                                       signed_in_at=datetime.fromtimestamp(token["iat"], UTC))
        return token if actor else None

    delete_cookie = cookies.delete_cookie
    deleted = False

    def delete_cookie_once() -> None:
        # Both the library's logout and our own sign-out path delete the cookie;
        # a second delete in one run is a duplicate element key ('delete').
        nonlocal deleted
        if not deleted:
            deleted = True
            delete_cookie()

    cookie_model._token_encode = encode_with_issue_time
    cookies.get_cookie = checked_cookie
    cookies.delete_cookie = delete_cookie_once
    return authenticator


def sign_out(authenticator: stauth.Authenticate, user_id: int | None) -> None:
    """End this session and every cookie issued so far for the account."""
    if user_id is not None:
        with session_scope() as session:
            users.revoke_sessions(session, user_id)
    if st.session_state.get("authentication_status"):
        authenticator.logout(location="unrendered")
    for key in ("_signed_in_at", "_sign_in_outcome", "_locked_until", "locale_loaded"):
        st.session_state.pop(key, None)
    # Removed from the browser on the next run (a rerun would discard it now);
    # the server already refuses it.
    st.session_state["_delete_cookie"] = True
