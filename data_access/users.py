"""Users: accounts, sign-in with lockout, sessions that can be revoked, and the
administrative changes to them (each audited)."""

from __future__ import annotations

import base64
import enum
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import bcrypt
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from data_access import audit
from data_access.errors import Conflict, InvalidInput, NotFound, PermissionDenied, get_or_not_found
from data_access.models import LOCALES, ROLES, Department, User, utcnow
from data_access.permissions import Actor, require_active
from data_access.text import normalize_username, search_key, validated_name

PASSWORD_MIN, PASSWORD_MAX = 8, 64
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
EMAIL_RE = re.compile(r"^[^@\s<>\x00-\x1f\x7f]+@[^@\s<>\x00-\x1f\x7f]+\.[^@\s<>\x00-\x1f\x7f]+$")
NAME_MAX, EMAIL_MAX = 200, 254


def _bcrypt_rounds() -> int:
    return int(os.environ.get("INTRANET_BCRYPT_ROUNDS", "12"))


def _prehash(password: str) -> bytes:
    # bcrypt reads only 72 bytes; a 64-character Persian password is up to
    # 128 bytes in UTF-8, so hash it to a fixed-length key first.
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str, rounds: int | None = None) -> str:
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds or _bcrypt_rounds())).decode()


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(_prehash(password), password_hash.encode())
    except ValueError:
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Compared against when the username is unknown, so that both failures take as long.
    return hash_password("not-a-real-password")


def validate_password(password: str | None, field: str = "password") -> str:
    password = password or ""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput("errors.password_length", field=field, min=PASSWORD_MIN,
                           max=PASSWORD_MAX)
    if password != password.strip():
        # The sign-in form strips surrounding spaces, so such a password could never be used.
        raise InvalidInput("errors.password_spaces", field=field)
    return password


def validate_username(username: str | None) -> str:
    username = normalize_username(username or "")
    if not username:
        raise InvalidInput("errors.required", field="username")
    if not USERNAME_RE.match(username):
        raise InvalidInput("errors.username_format", field="username")
    return username


def validate_display_name(name: str | None) -> str:
    return validated_name(name, "display_name", NAME_MAX)


def validate_email(email: str | None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > EMAIL_MAX or not EMAIL_RE.match(email):
        raise InvalidInput("errors.email_format", field="email")
    return email.lower()


def validate_role(role: str | None) -> str:
    if role not in ROLES:
        raise InvalidInput("errors.role_unknown", field="role")
    return role


def validate_locale(locale: str | None) -> str:
    if locale not in LOCALES:
        raise InvalidInput("errors.locale_unknown", field="locale")
    return locale


def _active_department(session: Session, department_id: int | None) -> int:
    department = session.get(Department, department_id) if department_id is not None else None
    if department is None:
        raise InvalidInput("errors.department_unknown", field="department")
    if not department.active:
        raise InvalidInput("errors.department_inactive", field="department")
    return department.id


def to_actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.department_id, user.locale,
                 user.display_name)


# --- signing in -------------------------------------------------------------

class SignIn(enum.Enum):
    OK = "ok"
    INVALID = "invalid"  # unknown user, wrong password or inactive: one answer for all
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignIn
    actor: Actor | None = None
    locked_until: datetime | None = None


def authenticate(
    session: Session, username: str, password: str, now: datetime | None = None
) -> SignInResult:
    """Check a password; five failures in a row lock the account for 15 minutes.

    The counter lives in the database (atomic updates), so every app process
    and replica sees the same count. Commits the session (see below).
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == normalize_username(username)))
    if user is None or not user.active:
        verify_password(password, _dummy_hash())
        return SignInResult(SignIn.INVALID)
    # Reserve this attempt before checking the password, atomically and
    # committed at once, so that parallel guesses cannot exceed the limit.
    attempt = session.scalar(
        update(User)
        .where(User.id == user.id,
               or_(User.locked_until.is_(None), User.locked_until <= now),
               User.failed_attempts < MAX_FAILED_ATTEMPTS)
        .values(failed_attempts=User.failed_attempts + 1)
        .returning(User.failed_attempts)
    )
    session.commit()
    if attempt is None:
        verify_password(password, _dummy_hash())  # a locked answer takes as long as any other
        locked_until = session.scalar(select(User.locked_until).where(User.id == user.id))
        return SignInResult(SignIn.LOCKED, locked_until=locked_until)
    if verify_password(password, user.password_hash):
        session.execute(update(User).where(User.id == user.id)
                        .values(failed_attempts=0, locked_until=None))
        return SignInResult(SignIn.OK, actor=to_actor(user))
    if attempt >= MAX_FAILED_ATTEMPTS:
        locked_until = now + LOCKOUT
        session.execute(update(User).where(User.id == user.id)
                        .values(failed_attempts=0, locked_until=locked_until))
        audit.record(session, None, "user.locked", "user", user.id, username=user.username)
        return SignInResult(SignIn.LOCKED, locked_until=locked_until)
    return SignInResult(SignIn.INVALID)


def active_actor(session: Session, username: str | None,
                 signed_in_at: datetime | None = None) -> Actor | None:
    """The actor behind a session or cookie, or None if the account is inactive,
    unknown, or its sessions were revoked after `signed_in_at`."""
    if not username:
        return None
    user = session.scalar(select(User).where(User.username == normalize_username(username)))
    if user is None or not user.active:
        return None
    if signed_in_at is not None and signed_in_at <= user.tokens_valid_after:
        return None
    return to_actor(user)


def revoke_sessions(session: Session, user_id: int, now: datetime | None = None) -> None:
    """Every cookie and session issued until now stops working (logout, deactivation)."""
    session.execute(update(User).where(User.id == user_id)
                    .values(tokens_valid_after=now or utcnow()))


# --- the signed-in user's own settings ---------------------------------------

def change_own_password(
    session: Session, actor: Actor, current: str, new: str, now: datetime | None = None
) -> datetime:
    """Change one's own password; every other session and cookie stops working.

    Returns the instant of the change: the caller's own session continues only
    if it re-establishes itself after it (the web layer re-issues its cookie).
    """
    require_active(session, actor)
    user = get_or_not_found(session, User, actor.id)
    if not verify_password(current or "", user.password_hash):
        raise InvalidInput("errors.current_password_wrong", field="current_password")
    validate_password(new, field="new_password")
    user.password_hash = hash_password(new)
    changed_at = now or utcnow()
    revoke_sessions(session, user.id, changed_at)
    audit.record(session, actor, "user.change_password", "user", user.id)
    return changed_at


def set_own_locale(session: Session, actor: Actor, locale: str) -> None:
    require_active(session, actor)
    user = get_or_not_found(session, User, actor.id)
    user.locale = validate_locale(locale)


# --- administration ------------------------------------------------------------

@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    email: str | None
    department_id: int
    department: str
    role: str
    locale: str
    active: bool
    locked_until: datetime | None
    updated_at: datetime


def _user_rows(query) -> list[UserRow]:
    return [UserRow(u.id, u.username, u.display_name, u.email, u.department_id, dept,
                    u.role, u.locale, u.active, u.locked_until, u.updated_at)
            for u, dept in query]


def search_users(
    session: Session, actor: Actor, *, text: str = "", department_id: int | None = None,
    role: str | None = None, active: bool | None = None, limit: int = 50, offset: int = 0,
) -> tuple[list[UserRow], int]:
    require_active(session, actor, "administer")
    query = select(User, Department.name).join(Department, Department.id == User.department_id)
    key = search_key(text or "")
    if key:
        like = f"%{key}%"
        query = query.where(or_(User.name_key.like(like), User.username.like(like)))
    if department_id is not None:
        query = query.where(User.department_id == department_id)
    if role:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active.is_(active))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(User.username).limit(limit).offset(offset)).tuples()
    return _user_rows(rows), total


def get_user(session: Session, actor: Actor, user_id: int) -> UserRow:
    require_active(session, actor, "administer")
    rows = _user_rows(session.execute(
        select(User, Department.name).join(Department, Department.id == User.department_id)
        .where(User.id == user_id)).tuples())
    if not rows:
        raise NotFound()
    return rows[0]


def username_taken(session: Session, username: str) -> bool:
    return session.scalar(select(User.id).where(User.username == username)) is not None


def create_user(
    session: Session, actor: Actor, *, username: str, display_name: str, department_id: int,
    password: str, email: str | None = None, role: str = "employee", locale: str = "fa",
    password_hash: str | None = None,
) -> int:
    require_active(session, actor, "administer")
    username = validate_username(username)
    fields = dict(
        display_name=validate_display_name(display_name),
        email=validate_email(email),
        department_id=_active_department(session, department_id),
        role=validate_role(role),
        locale=validate_locale(locale),
    )
    if password_hash is None:
        password_hash = hash_password(validate_password(password))
    if username_taken(session, username):
        raise Conflict("errors.username_taken", field="username")
    user = User(username=username, name_key=search_key(fields["display_name"]),
                password_hash=password_hash, **fields)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id, username=username,
                 role=fields["role"], department_id=fields["department_id"])
    return user.id


def update_user(
    session: Session, actor: Actor, user_id: int, *, display_name: str, email: str | None,
    department_id: int, role: str, locale: str, expected_updated_at: datetime | None = None,
) -> None:
    """Save an admin's edit. With `expected_updated_at` (when the form was
    filled), an edit saved by someone else in between is refused, not overwritten."""
    require_active(session, actor, "administer")
    user = get_or_not_found(session, User, user_id)
    if expected_updated_at is not None:
        # Claim the row only if it is unchanged: atomic, so two admins saving
        # at once cannot both pass.
        claimed = session.execute(
            update(User).where(User.id == user.id, User.updated_at == expected_updated_at)
            .values(updated_at=utcnow()).execution_options(synchronize_session="fetch"))
        if claimed.rowcount != 1:
            raise Conflict("errors.edited_by_someone_else")
    new = dict(
        display_name=validate_display_name(display_name),
        email=validate_email(email),
        department_id=department_id if department_id == user.department_id
        else _active_department(session, department_id),
        role=validate_role(role),
        locale=validate_locale(locale),
    )
    if user.id == actor.id and new["role"] != "admin":
        # An admin demoting themselves could leave the organisation with no admin.
        raise PermissionDenied("errors.cannot_demote_self")
    changes = {k: {"old": getattr(user, k), "new": v} for k, v in new.items()
               if getattr(user, k) != v}
    if not changes:
        return
    for key, value in new.items():
        setattr(user, key, value)
    user.name_key = search_key(user.display_name)
    audit.record(session, actor, "user.update", "user", user.id, username=user.username,
                 changes=changes)


def set_active(session: Session, actor: Actor, user_id: int, active: bool) -> None:
    require_active(session, actor, "administer")
    user = get_or_not_found(session, User, user_id)
    if user.id == actor.id and not active:
        raise PermissionDenied("errors.cannot_deactivate_self")
    if not active:
        revoke_sessions(session, user.id)
    user.active = active
    audit.record(session, actor, "user.activate" if active else "user.deactivate", "user",
                 user.id, username=user.username)


def reset_password(session: Session, actor: Actor, user_id: int, new_password: str) -> None:
    """An admin sets a new password; the account is unlocked and signed out everywhere."""
    require_active(session, actor, "administer")
    user = get_or_not_found(session, User, user_id)
    user.password_hash = hash_password(validate_password(new_password, field="new_password"))
    user.failed_attempts, user.locked_until = 0, None
    revoke_sessions(session, user.id)
    audit.record(session, actor, "user.reset_password", "user", user.id, username=user.username)
