"""Users: accounts, sign-in with lockout, sessions that can be revoked, and the
administrative changes to them (each audited)."""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import logging
import math
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import bcrypt
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from data_access import audit, config, settings
from data_access.errors import Conflict, InvalidInput, NotFound, PermissionDenied, get_or_not_found
from data_access.models import (
    LOCALES,
    ROLES,
    AppSetting,
    Department,
    SignInThrottle,
    User,
    utcnow,
)
from data_access.permissions import Actor, require_active
from data_access.text import normalize_username, search_key, validated_name

logger = logging.getLogger(__name__)

PASSWORD_MIN, PASSWORD_MAX = 8, 64
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
EMAIL_RE = re.compile(r"^[^@\s<>\x00-\x1f\x7f]+@[^@\s<>\x00-\x1f\x7f]+\.[^@\s<>\x00-\x1f\x7f]+$")
NAME_MAX, EMAIL_MAX = 200, 254


def _bcrypt_rounds() -> int:
    return config.bcrypt_rounds()


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
#
# Failures are counted per (name, client) and per name from every client
# together, in the database so that every replica sees them, keyed by keyed
# hashes of the normalised name and the client's address. Unknown and
# deactivated names go through exactly the same steps as real ones, so the
# answers and their timing do not tell which names exist.
#
# - One client: CLIENT_LIMIT failures on a name make that client wait
#   (LOCKOUT, doubled at each further lock in a row). Other clients are not
#   affected, so a stranger cannot lock the owner out.
# - Every client together: ACCOUNT_LIMIT failures within ACCOUNT_WINDOW make
#   the name wait for every client (again doubling), which caps guessing from
#   many addresses. One client alone cannot reach it. Clients that signed in
#   to the name successfully within TRUSTED_CLIENT are let through this lock
#   (and only limited by their own failures), so the owner's usual machines
#   keep working during an attack.
# - An attempt reserves a slot before the password is checked, so parallel
#   guesses cannot exceed the limits; a correct password releases its slot,
#   and an attempt that finds every slot taken by attempts still being
#   checked waits for them instead of being refused.

CLIENT_LIMIT = 5
MAX_FAILED_ATTEMPTS = CLIENT_LIMIT
ACCOUNT_LIMIT = 20
ACCOUNT_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
MAX_LOCKOUT = timedelta(hours=24)
FAILURE_MEMORY = timedelta(hours=24)  # failures and strikes older than this are forgotten
TRUSTED_CLIENT = timedelta(days=30)
RESERVATION_TTL = timedelta(seconds=30)  # a reservation left by a crashed process expires
SLOT_WAIT_SECONDS, SLOT_POLL_SECONDS = 30.0, 0.05
EVERY_CLIENT = "*"
THROTTLE_KEY_ENV = config.SIGNIN_KEY
THROTTLE_KEY_SETTING = "sign_in_throttle_key"


class SignIn(enum.Enum):
    OK = "ok"
    INVALID = "invalid"  # unknown user, wrong password or inactive: one answer for all
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignIn
    actor: Actor | None = None
    locked_until: datetime | None = None


def _throttle_secret(session: Session, create: bool = True) -> bytes | None:
    """INTRANET_SIGNIN_KEY, else a random key kept in the database (shared by every
    replica with no setup; set the variable to keep it out of database backups)."""
    secret = config.signin_key()
    if secret:
        return secret.encode()
    stored = settings.get(session, THROTTLE_KEY_SETTING)
    if stored is None and not create:
        return None
    if stored is None:  # the first sign-in ever; replicas starting together agree on one
        session.execute(_insert(session)(AppSetting)
                        .values(key=THROTTLE_KEY_SETTING, value=secrets.token_hex(32))
                        .on_conflict_do_nothing(index_elements=["key"]))
        session.commit()
        stored = settings.get(session, THROTTLE_KEY_SETTING)
    return stored.encode()


def throttle_keys(session: Session, username: str, client: str) -> tuple[str, str]:
    """(name key, client key): keyed hashes, so that neither a typed name (perhaps
    a password typed into the wrong field) nor an address is stored. May commit
    (the first time, to store a new key)."""
    return _keys(_throttle_secret(session), username, client)


def _keys(secret: bytes, username: str, client: str) -> tuple[str, str]:
    name = hmac.new(secret, b"name\0" + normalize_username(username).encode(), "sha256")
    address = hmac.new(secret, b"client\0" + (client or "").encode(), "sha256")
    return name.hexdigest(), address.hexdigest()


def _insert(session: Session):
    """The dialect's INSERT, which has ON CONFLICT on both databases."""
    dialect = session.get_bind().dialect.name
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


def _lock_rows(session: Session, name_key: str, client_key: str, now: datetime
               ) -> tuple[SignInThrottle, SignInThrottle]:
    """The name's (every-client, this-client) rows, created if missing and locked
    for this transaction: the upsert takes the row locks on PostgreSQL, and the
    write lock on SQLite, always in the same order."""
    insert = _insert(session)(SignInThrottle)
    statement = insert.values([
        {"name_key": name_key, "client_key": key, "failures": 0, "strikes": 0,
         "in_flight": 0, "updated_at": now}
        for key in (EVERY_CLIENT, client_key)])
    session.execute(statement.on_conflict_do_update(
        index_elements=["name_key", "client_key"],
        set_={"updated_at": statement.excluded.updated_at}))
    rows = {row.client_key: row for row in session.scalars(
        select(SignInThrottle)
        .where(SignInThrottle.name_key == name_key,
               SignInThrottle.client_key.in_((EVERY_CLIENT, client_key)))
        .with_for_update().execution_options(populate_existing=True))}
    return rows[EVERY_CLIENT], rows[client_key]


def _forget_old(row: SignInThrottle, window: timedelta, now: datetime) -> None:
    if row.locked_until is not None and row.locked_until <= now:
        row.locked_until, row.failures, row.window_started = None, 0, None
    if row.window_started is not None and row.window_started <= now - window:
        row.failures, row.window_started = 0, None
    if row.last_failure_at is not None and row.last_failure_at <= now - FAILURE_MEMORY:
        row.failures, row.strikes, row.window_started = 0, 0, None
    if row.in_flight and (row.in_flight_since is None
                          or row.in_flight_since <= now - RESERVATION_TTL):
        row.in_flight = 0


def _locked(row: SignInThrottle, now: datetime) -> bool:
    return row.locked_until is not None and row.locked_until > now


def _trusted(row: SignInThrottle, now: datetime) -> bool:
    return row.trusted_until is not None and row.trusted_until > now


def _reserve(session: Session, name_key: str, client_key: str, now: datetime
             ) -> tuple[str, datetime | None, bool]:
    """("reserved" | "locked" | "busy", locked until, whether the client is
    trusted: its reservation then holds no slot of the every-client row). Commits."""
    every, this = _lock_rows(session, name_key, client_key, now)
    _forget_old(every, ACCOUNT_WINDOW, now)
    _forget_old(this, FAILURE_MEMORY, now)
    trusted = _trusted(this, now)
    if _locked(this, now):
        verdict, until = "locked", this.locked_until
    elif not trusted and _locked(every, now):
        verdict, until = "locked", every.locked_until
    elif this.failures + this.in_flight >= CLIENT_LIMIT or (
            not trusted and every.failures + every.in_flight >= ACCOUNT_LIMIT):
        verdict, until = "busy", None  # every slot is taken by an attempt being checked
    else:
        verdict, until = "reserved", None
        for row in (every, this) if not trusted else (this,):
            row.in_flight += 1
            row.in_flight_since = now
    session.commit()
    return verdict, until, trusted


def _lock(row: SignInThrottle, now: datetime) -> datetime:
    row.locked_until = now + min(LOCKOUT * 2 ** min(row.strikes, 16), MAX_LOCKOUT)
    row.strikes += 1
    row.failures, row.window_started = 0, None
    return row.locked_until


def _settle(session: Session, name_key: str, client_key: str, now: datetime, trusted: bool,
            succeeded: bool | None, user: User | None = None) -> datetime | None:
    """Release the reservation and record the outcome (None: none, the check
    itself failed); returns until when this client must now wait, if at all.
    A lock set on a real account is audited in the same transaction. Commits."""
    every, this = _lock_rows(session, name_key, client_key, now)
    for row in (every, this) if not trusted else (this,):
        row.in_flight = max(row.in_flight - 1, 0)
    locked_until, scope = None, None
    if succeeded is None:
        pass
    elif succeeded:
        this.failures, this.strikes, this.window_started = 0, 0, None
        this.trusted_until = now + TRUSTED_CLIENT
    else:
        for row in (every, this):
            row.failures += 1
            row.window_started = row.window_started or now
            row.last_failure_at = now
        if this.failures >= CLIENT_LIMIT:
            locked_until, scope = _lock(this, now), "client"
        if every.failures >= ACCOUNT_LIMIT:
            until = _lock(every, now)
            scope = scope or "account"
            if not trusted and locked_until is None:
                locked_until = until
    if scope is not None and user is not None:
        audit.record(session, None, "user.locked", "user", user.id, username=user.username,
                     scope=scope)
    session.commit()
    return locked_until


def prune_sign_in_throttle(session: Session, now: datetime | None = None) -> int:
    """Forget rows untouched for longer than anything in them can matter. Commits."""
    now = now or utcnow()
    cutoff = now - FAILURE_MEMORY - MAX_LOCKOUT
    deleted = session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.updated_at < cutoff,
            or_(SignInThrottle.trusted_until.is_(None), SignInThrottle.trusted_until < now))
    ).rowcount
    session.commit()
    return deleted


def _prune_quietly(session: Session, now: datetime) -> None:
    # Housekeeping only: on PostgreSQL it may, rarely, collide with an attempt
    # that revives a row being deleted; the next attempt prunes instead.
    try:
        prune_sign_in_throttle(session, now)
    except DBAPIError:
        session.rollback()
        logger.info("sign-in throttle pruning skipped", exc_info=True)


def authenticate(
    session: Session, username: str, password: str, now: datetime | None = None,
    client: str = "",
) -> SignInResult:
    """Check a password, throttled per (name, client) and per name (see above).

    `client` identifies the browser (its address, as the web layer knows it).
    Every path checks exactly one bcrypt hash, a dummy one when the name is
    unknown, deactivated or waiting, so all answers take as long. Commits.
    """
    fixed_now = now
    user = session.scalar(select(User).where(User.username == normalize_username(username)))
    if user is not None and not user.active:
        user = None
    name_key, client_key = throttle_keys(session, username, client)
    deadline = time.monotonic() + SLOT_WAIT_SECONDS
    while True:
        now = fixed_now or utcnow()
        verdict, locked_until, trusted = _reserve(session, name_key, client_key, now)
        if verdict != "busy" or time.monotonic() >= deadline:
            break
        time.sleep(SLOT_POLL_SECONDS)
    if verdict != "reserved":
        _prune_quietly(session, now)
        verify_password(password, _dummy_hash())  # a refusal takes as long as any answer
        return SignInResult(SignIn.LOCKED, locked_until=locked_until or now + LOCKOUT)
    try:
        succeeded = verify_password(password, user.password_hash if user else _dummy_hash())
        succeeded = succeeded and user is not None
    except BaseException:
        session.rollback()
        _settle(session, name_key, client_key, now, trusted, succeeded=None)
        raise
    locked_until = _settle(session, name_key, client_key, now, trusted, succeeded, user)
    _prune_quietly(session, now)
    if succeeded:
        return SignInResult(SignIn.OK, actor=to_actor(user))
    if locked_until is not None:
        return SignInResult(SignIn.LOCKED, locked_until=locked_until)
    return SignInResult(SignIn.INVALID)


def minutes_until(locked_until: datetime | None, now: datetime | None = None) -> int:
    """Whole minutes left of a wait, rounded up (at least one)."""
    if locked_until is None:
        return int(LOCKOUT.total_seconds() // 60)
    seconds = (locked_until - (now or utcnow())).total_seconds()
    return max(1, math.ceil(seconds / 60))


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
    updated_at: datetime


def _user_rows(query) -> list[UserRow]:
    return [UserRow(u.id, u.username, u.display_name, u.email, u.department_id, dept,
                    u.role, u.locale, u.active, u.updated_at)
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
    """An admin sets a new password; the account is unlocked (for every client)
    and signed out everywhere."""
    require_active(session, actor, "administer")
    user = get_or_not_found(session, User, user_id)
    user.password_hash = hash_password(validate_password(new_password, field="new_password"))
    secret = _throttle_secret(session, create=False)
    if secret is not None:  # else nobody has tried to sign in yet
        name_key, _ = _keys(secret, user.username, "")
        session.execute(delete(SignInThrottle).where(SignInThrottle.name_key == name_key))
    revoke_sessions(session, user.id)
    audit.record(session, actor, "user.reset_password", "user", user.id, username=user.username)
