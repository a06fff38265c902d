"""Users on SQLite and PostgreSQL: validation, administration, sign-in with
lockout, revocation of sessions, own password, and the role checks."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access import users
from data_access.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from data_access.models import AuditEntry, Department, SignInThrottle, User, utcnow
from data_access.users import SignIn
from tests.conftest import TEST_PASSWORD, audit_entries, make_department, make_user

NEW_PASSWORD = "a-new-password-9"


def _create(session, actor, **overrides):
    fields = dict(username="sara.ahmadi", display_name="سارا احمدی", department_id=None,
                  password=TEST_PASSWORD, email="sara@example.org", role="employee", locale="fa")
    fields.update(overrides)
    return users.create_user(session, actor, **fields)


def _user(session, username: str) -> User:
    session.flush()
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None, username
    session.refresh(user)
    return user


def _snapshot(session) -> tuple:
    """Everything an administrative write could change."""
    session.flush()
    session.expire_all()
    people = session.execute(select(
        User.id, User.username, User.display_name, User.email, User.department_id, User.role,
        User.locale, User.active, User.password_hash,
        User.tokens_valid_after).order_by(User.id)).all()
    audit_count = session.scalar(select(func.count()).select_from(AuditEntry))
    throttle = session.execute(select(SignInThrottle.__table__).order_by(
        SignInThrottle.name_key, SignInThrottle.client_key)).all()
    return people, audit_count, throttle


def _throttle(session, username: str, client: str | None = "") -> SignInThrottle | None:
    """The (name, client) row of the sign-in throttle (client None: the row of
    every client together), as the database has it now."""
    name_key, client_key = users.throttle_keys(session, username, client or "")
    client_key = users.EVERY_CLIENT if client is None else client_key
    return session.scalar(select(SignInThrottle).where(
        SignInThrottle.name_key == name_key, SignInThrottle.client_key == client_key)
        .execution_options(populate_existing=True))


# --- creating users ------------------------------------------------------------

def test_create_user_stores_normalised_fields_and_audits(session, org):
    user_id = _create(session, org.admin, username="  Sara.Ahmadi  ",
                      display_name="  سارا   احمدي ", email=" Sara@Example.ORG ",
                      department_id=org.traffic, role="manager", locale="en")
    session.commit()
    user = _user(session, "sara.ahmadi")
    assert user.id == user_id
    assert user.display_name == "سارا احمدی"  # Arabic yeh unified, spaces collapsed
    assert user.email == "sara@example.org"
    assert (user.department_id, user.role, user.locale, user.active) == (
        org.traffic, "manager", "en", True)
    assert user.password_hash != TEST_PASSWORD and user.password_hash.startswith("$2")
    [entry] = audit_entries(session, "user.create")
    assert entry.actor_id == org.admin.id and entry.entity == "user"
    assert entry.entity_id == str(user_id)
    details = json.loads(entry.details)
    assert details["username"] == "sara.ahmadi" and details["role"] == "manager"
    assert TEST_PASSWORD not in entry.details


@pytest.mark.parametrize(("typed", "stored"), [
    ("User۱۲۳", "user123"),  # Persian digits
    ("user١٢٣", "user123"),  # Arabic-Indic digits
    ("ALI.Rezaei", "ali.rezaei"),
    ("ali\u200b_r", "ali_r"),  # zero-width space
    (" a b c ", "abc"),
])
def test_username_is_normalised(session, org, typed, stored):
    _create(session, org.admin, username=typed, department_id=org.traffic)
    assert _user(session, stored).username == stored


@pytest.mark.parametrize("username", ["ab", "-abc", ".abc", "علی", "ali@home", "a" * 65,
                                      "ali/rezaei"])
def test_bad_username_format_is_rejected(session, org, username):
    before = _snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        _create(session, org.admin, username=username, department_id=org.traffic)
    assert (caught.value.key, caught.value.field) == ("errors.username_format", "username")
    assert _snapshot(session) == before


@pytest.mark.parametrize("username", ["", "   ", None, "\u200c\u200b"])
def test_username_is_required(session, org, username):
    with pytest.raises(InvalidInput) as caught:
        _create(session, org.admin, username=username, department_id=org.traffic)
    assert (caught.value.key, caught.value.field) == ("errors.required", "username")


@pytest.mark.parametrize("username", ["employee", "EMPLOYEE", " Employee "])
def test_duplicate_username_is_a_conflict(session, org, username):
    before = _snapshot(session)
    with pytest.raises(Conflict) as caught:
        _create(session, org.admin, username=username, department_id=org.traffic)
    assert (caught.value.key, caught.value.field) == ("errors.username_taken", "username")
    assert _snapshot(session) == before


def test_duplicate_username_written_with_other_digits_is_a_conflict(session, org):
    _create(session, org.admin, username="user۱۲", department_id=org.traffic)
    with pytest.raises(Conflict):
        _create(session, org.admin, username="user١٢", display_name="دیگری",
                department_id=org.traffic)


@pytest.mark.parametrize("name", ["", "   ", None, "\u200c"])
def test_display_name_is_required(session, org, name):
    before = _snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        _create(session, org.admin, display_name=name, department_id=org.traffic)
    assert (caught.value.key, caught.value.field) == ("errors.required", "display_name")
    assert _snapshot(session) == before


def test_display_name_loses_bidi_overrides_and_zero_width_marks(session, org):
    # An override would show «Ali» as a different name in every list; the ZWNJ is spelling.
    _create(session, org.admin, display_name="\u202eسارا\u200b \u200cاحمدی\u2066\u200d",
            department_id=org.traffic)
    session.commit()
    assert _user(session, "sara.ahmadi").display_name == "سارا \u200cاحمدی"


def test_huge_display_name_is_rejected(session, org):
    before = _snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        _create(session, org.admin, display_name="ن" * 1_000_000, department_id=org.traffic)
    assert (caught.value.key, caught.value.field) == ("errors.too_long", "display_name")
    assert caught.value.params == {"max": 200}
    assert _snapshot(session) == before


def test_display_name_of_exactly_200_characters_is_accepted(session, org):
    _create(session, org.admin, display_name="ن" * 200, department_id=org.traffic)
    session.commit()
    assert _user(session, "sara.ahmadi").display_name == "ن" * 200


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "a b@c.org", "ali@@example.org",
                                   "<ali@example.org>", "ali@example", "x" * 250 + "@example.org"])
def test_bad_email_is_rejected(session, org, email):
    before = _snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        _create(session, org.admin, email=email, department_id=org.traffic)
    assert (caught.value.key, caught.value.field) == ("errors.email_format", "email")
    assert _snapshot(session) == before


def test_email_is_optional(session, org):
    _create(session, org.admin, email="  ", department_id=org.traffic)
    assert _user(session, "sara.ahmadi").email is None


def test_unknown_department_is_rejected(session, org):
    before = _snapshot(session)
    for department_id in (None, 999_999):
        with pytest.raises(InvalidInput) as caught:
            _create(session, org.admin, department_id=department_id)
        assert (caught.value.key, caught.value.field) == ("errors.department_unknown",
                                                          "department")
    assert _snapshot(session) == before


def test_inactive_department_is_rejected(session, org):
    closed = make_department(session, "واحد تعطیل", org.root)
    session.get(Department, closed).active = False
    session.commit()
    before = _snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        _create(session, org.admin, department_id=closed)
    assert (caught.value.key, caught.value.field) == ("errors.department_inactive", "department")
    assert _snapshot(session) == before


@pytest.mark.parametrize("role", ["superuser", "Admin", "", None])
def test_bad_role_is_rejected(session, org, role):
    with pytest.raises(InvalidInput) as caught:
        _create(session, org.admin, role=role, department_id=org.traffic)
    assert (caught.value.key, caught.value.field) == ("errors.role_unknown", "role")


def test_bad_locale_is_rejected(session, org):
    with pytest.raises(InvalidInput) as caught:
        _create(session, org.admin, locale="de", department_id=org.traffic)
    assert (caught.value.key, caught.value.field) == ("errors.locale_unknown", "locale")


@pytest.mark.parametrize(("password", "key"), [
    ("short", "errors.password_length"),
    ("x" * 65, "errors.password_length"),
    ("", "errors.password_length"),
    (" padded-password", "errors.password_spaces"),
    ("padded-password ", "errors.password_spaces"),
])
def test_create_user_checks_password_rules(session, org, password, key):
    before = _snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        _create(session, org.admin, password=password, department_id=org.traffic)
    assert (caught.value.key, caught.value.field) == (key, "password")
    assert _snapshot(session) == before


def test_created_user_can_sign_in_and_has_a_valid_session(session, org):
    _create(session, org.admin, department_id=org.traffic)
    session.commit()
    result = users.authenticate(session, "Sara.Ahmadi", TEST_PASSWORD)
    assert result.outcome is SignIn.OK
    assert result.actor.username == "sara.ahmadi"
    assert users.active_actor(session, "sara.ahmadi",
                              signed_in_at=utcnow() + timedelta(seconds=1)) is not None


# --- updating users --------------------------------------------------------------

def test_update_user_applies_changes_and_audits_old_and_new(session, org):
    users.update_user(session, org.admin, org.employee.id, display_name="كارمند جديد",
                      email="E@Example.org", department_id=org.pr_dept, role="manager",
                      locale="en")
    session.commit()
    user = _user(session, "employee")
    assert (user.display_name, user.email, user.department_id, user.role, user.locale) == (
        "کارمند جدید", "e@example.org", org.pr_dept, "manager", "en")
    assert user.name_key == "کارمند جدید"
    [entry] = audit_entries(session, "user.update")
    assert entry.actor_id == org.admin.id and entry.entity_id == str(org.employee.id)
    changes = json.loads(entry.details)["changes"]
    assert changes["role"] == {"old": "employee", "new": "manager"}
    assert changes["department_id"] == {"old": org.traffic_control, "new": org.pr_dept}
    assert changes["display_name"] == {"old": "employee", "new": "کارمند جدید"}
    assert changes["locale"] == {"old": "fa", "new": "en"}
    assert changes["email"] == {"old": None, "new": "e@example.org"}


def test_update_without_changes_writes_no_audit_entry(session, org):
    before = _snapshot(session)
    users.update_user(session, org.admin, org.employee.id, display_name="employee", email=None,
                      department_id=org.traffic_control, role="employee", locale="fa")
    assert _snapshot(session) == before


def test_update_records_only_changed_fields(session, org):
    users.update_user(session, org.admin, org.employee.id, display_name="employee", email=None,
                      department_id=org.traffic_control, role="manager", locale="fa")
    [entry] = audit_entries(session, "user.update")
    assert set(json.loads(entry.details)["changes"]) == {"role"}


def test_admin_cannot_demote_themselves(session, org):
    before = _snapshot(session)
    for role in ("employee", "manager", "pr"):
        with pytest.raises(PermissionDenied) as caught:
            users.update_user(session, org.admin, org.admin.id, display_name="admin", email=None,
                              department_id=org.root, role=role, locale="fa")
        assert caught.value.key == "errors.cannot_demote_self"
    assert _snapshot(session) == before
    assert _user(session, "admin").role == "admin"


def test_admin_may_edit_their_own_details_and_demote_another_admin(session, org):
    other = make_user(session, "second.admin", org.root, "admin")
    users.update_user(session, org.admin, org.admin.id, display_name="مدیر اصلی", email=None,
                      department_id=org.root, role="admin", locale="en")
    users.update_user(session, org.admin, other.id, display_name="second.admin", email=None,
                      department_id=org.root, role="employee", locale="fa")
    session.commit()
    assert _user(session, "admin").display_name == "مدیر اصلی"
    assert _user(session, "second.admin").role == "employee"


def test_update_validates_like_create(session, org):
    closed = make_department(session, "واحد بسته", org.root)
    session.get(Department, closed).active = False
    session.flush()
    before = _snapshot(session)
    cases = [
        (dict(display_name=" "), "errors.required"),
        (dict(email="nope"), "errors.email_format"),
        (dict(role="root"), "errors.role_unknown"),
        (dict(locale="ar"), "errors.locale_unknown"),
        (dict(department_id=closed), "errors.department_inactive"),
        (dict(department_id=424242), "errors.department_unknown"),
    ]
    for override, key in cases:
        fields = dict(display_name="employee", email=None, department_id=org.traffic_control,
                      role="employee", locale="fa") | override
        with pytest.raises(InvalidInput) as caught:
            users.update_user(session, org.admin, org.employee.id, **fields)
        assert caught.value.key == key
    assert _snapshot(session) == before


def test_user_may_stay_in_a_department_that_was_closed(session, org):
    session.get(Department, org.traffic_control).active = False
    session.flush()
    users.update_user(session, org.admin, org.employee.id, display_name="نام تازه", email=None,
                      department_id=org.traffic_control, role="employee", locale="fa")
    assert _user(session, "employee").display_name == "نام تازه"


def test_update_unknown_user_is_not_found(session, org):
    with pytest.raises(NotFound):
        users.update_user(session, org.admin, 987_654, display_name="x", email=None,
                          department_id=org.root, role="employee", locale="fa")


# --- deactivation and sessions ---------------------------------------------------

def test_admin_cannot_deactivate_themselves(session, org):
    before = _snapshot(session)
    with pytest.raises(PermissionDenied) as caught:
        users.set_active(session, org.admin, org.admin.id, False)
    assert caught.value.key == "errors.cannot_deactivate_self"
    assert _snapshot(session) == before


def test_deactivated_user_is_locked_out_everywhere(session, org):
    signed_in_before = utcnow()  # a sign-in after the account was created
    assert users.active_actor(session, "employee", signed_in_at=signed_in_before) is not None

    users.set_active(session, org.admin, org.employee.id, False)
    session.commit()

    assert users.active_actor(session, "employee") is None
    assert users.active_actor(session, "employee", signed_in_at=signed_in_before) is None
    assert users.authenticate(session, "employee", TEST_PASSWORD).outcome is SignIn.INVALID
    [entry] = audit_entries(session, "user.deactivate")
    assert entry.actor_id == org.admin.id and entry.entity_id == str(org.employee.id)


def test_reactivation_does_not_revive_an_old_cookie(session, org):
    signed_in_before = utcnow()
    assert users.active_actor(session, "employee", signed_in_at=signed_in_before) is not None
    users.set_active(session, org.admin, org.employee.id, False)
    users.set_active(session, org.admin, org.employee.id, True)
    session.commit()
    assert users.active_actor(session, "employee", signed_in_at=signed_in_before) is None
    fresh = users.active_actor(session, "employee", signed_in_at=utcnow() + timedelta(seconds=1))
    assert fresh is not None and fresh.id == org.employee.id
    assert users.authenticate(session, "employee", TEST_PASSWORD).outcome is SignIn.OK
    assert len(audit_entries(session, "user.activate")) == 1


def test_active_actor_for_unknown_or_empty_username(session, org):
    assert users.active_actor(session, None) is None
    assert users.active_actor(session, "") is None
    assert users.active_actor(session, "nobody") is None
    assert users.active_actor(session, " MANAGER ").id == org.manager.id


def test_revoke_sessions_refuses_earlier_sign_ins_only(session, org):
    revoked_at = utcnow()
    users.revoke_sessions(session, org.manager.id, now=revoked_at)
    session.commit()
    earlier = revoked_at - timedelta(minutes=5)
    later = revoked_at + timedelta(seconds=1)
    assert users.active_actor(session, "manager", signed_in_at=earlier) is None
    assert users.active_actor(session, "manager", signed_in_at=revoked_at) is None
    assert users.active_actor(session, "manager", signed_in_at=later).id == org.manager.id
    # Other accounts are untouched.
    assert users.active_actor(session, "employee", signed_in_at=later) is not None
    # The marker is in the database, for every replica.
    with Session(session.get_bind()) as other:
        assert users.active_actor(other, "manager", signed_in_at=earlier) is None


# --- signing in --------------------------------------------------------------------

def test_authenticate_ok(session, org):
    result = users.authenticate(session, "  Employee ", TEST_PASSWORD)
    assert result.outcome is SignIn.OK
    assert result.actor == org.employee
    assert result.locked_until is None


def test_wrong_password_and_unknown_user_look_the_same(session, org):
    wrong = users.authenticate(session, "employee", "not-the-password")
    unknown = users.authenticate(session, "no.such.user", TEST_PASSWORD)
    assert wrong == unknown
    assert wrong.outcome is SignIn.INVALID and wrong.actor is None and wrong.locked_until is None


def test_password_is_case_and_whitespace_sensitive(session, org):
    assert users.authenticate(session, "employee", TEST_PASSWORD.upper()).outcome \
        is SignIn.INVALID
    assert users.authenticate(session, "employee", TEST_PASSWORD + " ").outcome \
        is SignIn.INVALID


def test_five_failures_lock_for_fifteen_minutes(session, org):
    start = utcnow()
    for attempt in range(1, 5):
        result = users.authenticate(session, "employee", "wrong-password",
                                    now=start + timedelta(seconds=attempt))
        assert result.outcome is SignIn.INVALID, attempt
    fifth_at = start + timedelta(seconds=5)
    result = users.authenticate(session, "employee", "wrong-password", now=fifth_at)
    assert result.outcome is SignIn.LOCKED
    assert result.locked_until == fifth_at + timedelta(minutes=15)
    session.commit()

    # The right password does not help while the lock lasts, and does not extend it.
    for later in (timedelta(seconds=1), timedelta(minutes=14, seconds=59)):
        locked = users.authenticate(session, "employee", TEST_PASSWORD, now=fifth_at + later)
        assert locked.outcome is SignIn.LOCKED
        assert locked.actor is None
        assert locked.locked_until == fifth_at + timedelta(minutes=15)
    # Wrong passwords during the lock do not extend it either.
    users.authenticate(session, "employee", "wrong-password", now=fifth_at + timedelta(minutes=1))
    session.commit()
    assert _throttle(session, "employee").locked_until == fifth_at + timedelta(minutes=15)

    opened = users.authenticate(session, "employee", TEST_PASSWORD,
                                now=fifth_at + timedelta(minutes=15, seconds=1))
    assert opened.outcome is SignIn.OK
    session.commit()
    row = _throttle(session, "employee")
    assert (row.failures, row.locked_until) == (0, None)
    [entry] = audit_entries(session, "user.locked")
    assert entry.entity_id == str(org.employee.id) and entry.actor_id is None


def test_lock_state_comes_back_from_the_database_timezone_aware(session, org):
    now = utcnow()
    for _ in range(5):
        users.authenticate(session, "employee", "wrong-password", now=now)
    session.commit()
    with Session(session.get_bind()) as other:
        locked_until = _throttle(other, "employee").locked_until
    assert locked_until == now + timedelta(minutes=15)
    assert locked_until.utcoffset() == timedelta(0)


def test_failure_counter_lives_in_the_database(session, org):
    engine = session.get_bind()
    for _ in range(3):
        users.authenticate(session, "employee", "wrong-password")
    session.commit()
    with Session(engine) as other:  # another app process
        assert _throttle(other, "employee").failures == 3
        # Two more failures there complete the five.
        assert users.authenticate(other, "employee", "wrong").outcome is SignIn.INVALID
        assert users.authenticate(other, "employee", "wrong").outcome is SignIn.LOCKED
        other.commit()
    session.expire_all()
    assert users.authenticate(session, "employee", TEST_PASSWORD).outcome is SignIn.LOCKED


def test_success_resets_the_counter(session, org):
    for _ in range(4):
        users.authenticate(session, "employee", "wrong-password")
    assert users.authenticate(session, "employee", TEST_PASSWORD).outcome is SignIn.OK
    for _ in range(4):
        assert users.authenticate(session, "employee", "wrong").outcome is SignIn.INVALID
    session.commit()
    assert _throttle(session, "employee").failures == 4


def test_failures_on_one_account_do_not_lock_another(session, org):
    for _ in range(5):
        users.authenticate(session, "employee", "wrong-password")
    assert users.authenticate(session, "manager", TEST_PASSWORD).outcome is SignIn.OK


def _answers(session, username: str, passwords: list[str], start, client: str = "c1"):
    return [users.authenticate(session, username, password, client=client,
                               now=start + timedelta(seconds=i))
            for i, password in enumerate(passwords)]


def test_unknown_deactivated_and_real_names_answer_the_same_sequence(session, org):
    """Finding 8: five tries used to tell a real name (invalid x4, then locked)
    from an unknown or deactivated one (invalid forever)."""
    users.set_active(session, org.admin, org.outsider.id, False)
    session.commit()
    start = utcnow()
    wrong = ["wrong-password"] * 7 + [TEST_PASSWORD]
    real = _answers(session, "employee", wrong, start)
    assert [r.outcome for r in real] == [SignIn.INVALID] * 4 + [SignIn.LOCKED] * 4
    for name in ("ghost", "outsider", "Ghost.Two"):
        assert _answers(session, name, wrong, start) == real, name
    # The deactivated account's own password changes nothing either.
    assert _answers(session, "outsider", [TEST_PASSWORD] * 8, start, client="c2") == _answers(
        session, "ghost.three", [TEST_PASSWORD] * 8, start, client="c2") == real


def test_throttle_stores_neither_the_typed_name_nor_the_address(session, org):
    before_users = _snapshot(session)[0]
    for _ in range(3):
        users.authenticate(session, "typed-secret-name", "whatever-pass", client="203.0.113.9")
    session.commit()
    rows = session.execute(select(SignInThrottle.__table__)).all()
    assert rows and not any("typed-secret-name" in str(row) or "203.0.113" in str(row)
                            for row in rows)
    assert _snapshot(session)[0] == before_users  # the users table is untouched


def test_inactive_user_gets_invalid_even_with_right_password(session, org):
    users.set_active(session, org.admin, org.outsider.id, False)
    session.commit()
    result = users.authenticate(session, "outsider", TEST_PASSWORD)
    assert result == users.authenticate(session, "ghost", TEST_PASSWORD)
    assert result.outcome is SignIn.INVALID


# --- passwords ----------------------------------------------------------------------

def test_reset_password_unlocks_and_revokes(session, org):
    signed_in_before = utcnow()
    now = utcnow()
    for _ in range(5):
        users.authenticate(session, "employee", "wrong-password", now=now)
    session.commit()
    assert users.authenticate(session, "employee", TEST_PASSWORD, now=now).outcome \
        is SignIn.LOCKED

    users.reset_password(session, org.admin, org.employee.id, NEW_PASSWORD)
    session.commit()

    assert _throttle(session, "employee") is None  # unlocked for every client
    assert users.active_actor(session, "employee", signed_in_at=signed_in_before) is None
    assert users.authenticate(session, "employee", TEST_PASSWORD).outcome is SignIn.INVALID
    assert users.authenticate(session, "employee", NEW_PASSWORD, now=now).outcome is SignIn.OK
    [entry] = audit_entries(session, "user.reset_password")
    assert entry.actor_id == org.admin.id and NEW_PASSWORD not in (entry.details or "")


def test_reset_password_enforces_the_rules(session, org):
    before = _snapshot(session)
    for bad in ("short", " spaced-password", "p" * 65):
        with pytest.raises(InvalidInput) as caught:
            users.reset_password(session, org.admin, org.employee.id, bad)
        assert caught.value.field == "new_password"
    with pytest.raises(NotFound):
        users.reset_password(session, org.admin, 123_456, NEW_PASSWORD)
    assert _snapshot(session) == before


def test_change_own_password_requires_the_current_one(session, org):
    before = _snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        users.change_own_password(session, org.employee, "not-my-password", NEW_PASSWORD)
    assert (caught.value.key, caught.value.field) == ("errors.current_password_wrong",
                                                      "current_password")
    with pytest.raises(InvalidInput):
        users.change_own_password(session, org.employee, "", NEW_PASSWORD)
    assert _snapshot(session) == before

    users.change_own_password(session, org.employee, TEST_PASSWORD, NEW_PASSWORD)
    session.commit()
    assert users.authenticate(session, "employee", NEW_PASSWORD).outcome is SignIn.OK
    assert users.authenticate(session, "employee", TEST_PASSWORD).outcome is SignIn.INVALID
    [entry] = audit_entries(session, "user.change_password")
    assert entry.actor_id == org.employee.id


@pytest.mark.parametrize(("new", "key"), [
    ("seven77", "errors.password_length"),
    ("x" * 65, "errors.password_length"),
    (" leading-space", "errors.password_spaces"),
    ("trailing-space ", "errors.password_spaces"),
    ("tab-at-end\t", "errors.password_spaces"),
])
def test_change_own_password_enforces_the_rules(session, org, new, key):
    before = _snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        users.change_own_password(session, org.employee, TEST_PASSWORD, new)
    assert (caught.value.key, caught.value.field) == (key, "new_password")
    assert caught.value.params in ({}, {"min": 8, "max": 64})
    assert _snapshot(session) == before


@pytest.mark.parametrize("new", ["8chars!!", "y" * 64, "inner spaces are fine"])
def test_change_own_password_accepts_the_boundaries(session, org, new):
    users.change_own_password(session, org.employee, TEST_PASSWORD, new)
    assert users.authenticate(session, "employee", new).outcome is SignIn.OK


def test_long_persian_password_is_not_truncated_by_bcrypt(session, org):
    password = ("رمزعبورطولانی" * 5)[:64]
    assert len(password) == 64 and len(password.encode("utf-8")) == 128
    users.change_own_password(session, org.employee, TEST_PASSWORD, password)
    session.commit()
    assert users.authenticate(session, "employee", password).outcome is SignIn.OK
    # Differs only after bcrypt's 72nd byte: must still be refused.
    almost = password[:-1] + "x"
    assert almost.encode("utf-8")[:72] == password.encode("utf-8")[:72]
    assert users.authenticate(session, "employee", almost).outcome is SignIn.INVALID


def test_sixty_four_character_persian_password_round_trips(session, org):
    password = "پ" * 64
    user_id = _create(session, org.admin, department_id=org.traffic, password=password)
    session.commit()
    result = users.authenticate(session, "sara.ahmadi", password)
    assert result.outcome is SignIn.OK and result.actor.id == user_id
    assert users.authenticate(session, "sara.ahmadi", "پ" * 63 + "ب").outcome is SignIn.INVALID


def test_verify_password_rejects_a_malformed_hash():
    assert users.verify_password(TEST_PASSWORD, "not-a-bcrypt-hash") is False
    assert users.verify_password(TEST_PASSWORD, users.hash_password(TEST_PASSWORD, rounds=4))


def test_set_own_locale(session, org):
    users.set_own_locale(session, org.employee, "en")
    session.commit()
    assert _user(session, "employee").locale == "en"
    with pytest.raises(InvalidInput) as caught:
        users.set_own_locale(session, org.employee, "ar")
    assert caught.value.key == "errors.locale_unknown"


# --- reading -------------------------------------------------------------------------

def test_search_users_matches_persian_text_in_any_letter_form(session, org):
    make_user(session, "ali.karimi", org.traffic, display_name="علی کریمی")
    make_user(session, "reza.karimi", org.pr_dept, "manager", display_name="رضا کریمی")
    session.commit()
    rows, total = users.search_users(session, org.admin, text="كريمي")  # Arabic letter forms
    assert total == 2 and [r.username for r in rows] == ["ali.karimi", "reza.karimi"]
    rows, total = users.search_users(session, org.admin, text="karimi", role="manager")
    assert total == 1 and rows[0].username == "reza.karimi" and rows[0].department == "روابط عمومی"
    rows, total = users.search_users(session, org.admin, department_id=org.pr_dept)
    assert {r.username for r in rows} == {"pr", "outsider", "reza.karimi"} and total == 3
    rows, total = users.search_users(session, org.admin, limit=2, offset=2)
    assert total == 7 and len(rows) == 2
    users.set_active(session, org.admin, org.outsider.id, False)
    rows, _ = users.search_users(session, org.admin, active=False)
    assert [r.username for r in rows] == ["outsider"]


def test_get_user(session, org):
    row = users.get_user(session, org.admin, org.manager.id)
    assert (row.username, row.department, row.role, row.active) == (
        "manager", "ترافیک", "manager", True)
    with pytest.raises(NotFound):
        users.get_user(session, org.admin, 555_555)


# --- permissions ------------------------------------------------------------------------

ADMIN_WRITES = {
    "create_user": lambda s, a, o: users.create_user(
        s, a, username="new.person", display_name="نفر تازه", department_id=o.traffic,
        password=TEST_PASSWORD),
    "update_user": lambda s, a, o: users.update_user(
        s, a, o.outsider.id, display_name="x", email=None, department_id=o.traffic,
        role="admin", locale="fa"),
    "promote_self": lambda s, a, o: users.update_user(
        s, a, a.id, display_name="x", email=None, department_id=a.department_id,
        role="admin", locale="fa"),
    "deactivate": lambda s, a, o: users.set_active(s, a, o.outsider.id, False),
    "activate": lambda s, a, o: users.set_active(s, a, o.outsider.id, True),
    "reset_password": lambda s, a, o: users.reset_password(s, a, o.outsider.id, NEW_PASSWORD),
    "search_users": lambda s, a, o: users.search_users(s, a),
    "get_user": lambda s, a, o: users.get_user(s, a, o.outsider.id),
}


@pytest.mark.parametrize("role", ["employee", "manager", "pr"])
@pytest.mark.parametrize("operation", sorted(ADMIN_WRITES))
def test_only_admins_manage_users(session, org, role, operation):
    actor = getattr(org, role)
    before = _snapshot(session)
    with pytest.raises(PermissionDenied) as caught:
        ADMIN_WRITES[operation](session, actor, org)
    assert caught.value.key == "errors.permission_denied"
    assert _snapshot(session) == before


def test_no_actor_is_denied(session, org):
    with pytest.raises(PermissionDenied):
        ADMIN_WRITES["create_user"](session, None, org)


def test_changing_own_password_signs_out_other_sessions(session, org):
    before = utcnow() - timedelta(seconds=1)
    changed_at = users.change_own_password(session, org.employee, TEST_PASSWORD,
                                           "a-brand-new-pass")
    session.commit()
    assert users.active_actor(session, "employee", signed_in_at=before) is None
    assert users.active_actor(session, "employee",
                              signed_in_at=changed_at + timedelta(microseconds=1)) is not None


def test_parallel_guesses_cannot_exceed_the_lockout_limit(database_url, org, real_checks,
                                                          slow_checks):
    """Many wrong passwords at once: at most five are checked, then the account locks."""
    from concurrent.futures import ThreadPoolExecutor

    from data_access import db

    engine = db.get_engine(database_url)

    def guess(_):
        with db.session_scope(engine) as session:
            return users.authenticate(session, "manager", "wrong-password").outcome

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(guess, range(24)))
    assert outcomes.count(SignIn.INVALID) <= users.MAX_FAILED_ATTEMPTS - 1
    assert SignIn.LOCKED in outcomes
    assert len(real_checks) <= users.MAX_FAILED_ATTEMPTS
    with db.session_scope(engine) as session:
        assert users.authenticate(session, "manager", TEST_PASSWORD).outcome is SignIn.LOCKED


def test_two_admins_editing_one_user_the_second_save_is_refused(session, org):
    row = users.get_user(session, org.admin, org.employee.id)
    fields = dict(display_name=row.display_name, email=row.email,
                  department_id=row.department_id, locale=row.locale)
    users.update_user(session, org.admin, row.id, role="manager",
                      expected_updated_at=row.updated_at, **fields)
    session.commit()
    with pytest.raises(Conflict) as raised:
        users.update_user(session, org.admin, row.id, role="employee",
                          expected_updated_at=row.updated_at,
                          **{**fields, "display_name": "نام دیگر"})
    session.rollback()
    assert raised.value.key == "errors.edited_by_someone_else"
    assert users.get_user(session, org.admin, row.id).role == "manager"


# --- sign-in throttling: strangers, many clients, concurrency (finding 8) -------------

@pytest.fixture
def real_checks(monkeypatch):
    """Counts the passwords checked against a real account's hash (not the dummy)."""
    checked: list[str] = []
    verify = users.verify_password

    def counting(password: str, password_hash: str) -> bool:
        if password_hash != users._dummy_hash():
            checked.append(password)
        return verify(password, password_hash)

    monkeypatch.setattr(users, "verify_password", counting)
    return checked


@pytest.fixture
def slow_checks(monkeypatch):
    """Each password check takes a while, so that parallel attempts overlap."""
    import time

    verify = users.verify_password

    def slow(password: str, password_hash: str) -> bool:
        time.sleep(0.1)
        return verify(password, password_hash)

    monkeypatch.setattr(users, "verify_password", slow)


def test_a_strangers_failures_do_not_lock_the_owner_out_elsewhere(session, org):
    start = utcnow()
    stranger = _answers(session, "admin", ["wrong-password"] * 6, start, client="198.51.100.7")
    assert stranger[-1].outcome is SignIn.LOCKED
    # The owner, from their own machine, at once and with the right password.
    owner = users.authenticate(session, "admin", TEST_PASSWORD, client="10.0.0.5",
                               now=start + timedelta(seconds=7))
    assert owner.outcome is SignIn.OK and owner.actor == org.admin
    # The stranger's client still waits, even with the right password.
    assert users.authenticate(session, "admin", TEST_PASSWORD, client="198.51.100.7",
                              now=start + timedelta(seconds=8)).outcome is SignIn.LOCKED


def test_brute_force_across_many_clients_is_capped(session, org, real_checks):
    start = utcnow()
    # The owner signed in from their office machine last week.
    assert users.authenticate(session, "manager", TEST_PASSWORD, client="10.0.0.5",
                              now=start - timedelta(days=7)).outcome is SignIn.OK
    real_checks.clear()
    # 40 addresses, 4 guesses each (each stays under its own limit).
    for i in range(40):
        _answers(session, "manager", ["wrong-password"] * 4, start + timedelta(seconds=i),
                 client=f"203.0.113.{i}")
    assert len(real_checks) == users.ACCOUNT_LIMIT
    # A new address is refused, even with the right password, and checks nothing.
    fresh = users.authenticate(session, "manager", TEST_PASSWORD, client="192.0.2.1",
                               now=start + timedelta(minutes=1))
    assert fresh.outcome is SignIn.LOCKED and len(real_checks) == users.ACCOUNT_LIMIT
    # The owner's known machine still signs in.
    assert users.authenticate(session, "manager", TEST_PASSWORD, client="10.0.0.5",
                              now=start + timedelta(minutes=1)).outcome is SignIn.OK
    # After the wait the next round of guesses is capped again and waits twice as long.
    lock_ends = fresh.locked_until
    for i in range(40):
        _answers(session, "manager", ["wrong-password"] * 4, lock_ends + timedelta(seconds=i),
                 client=f"198.51.100.{i}")
    assert len(real_checks) == 2 * users.ACCOUNT_LIMIT + 1
    again = users.authenticate(session, "manager", TEST_PASSWORD, client="192.0.2.2",
                               now=lock_ends + timedelta(minutes=1))
    assert again.outcome is SignIn.LOCKED
    assert again.locked_until - (lock_ends + timedelta(seconds=39)) <= 2 * users.LOCKOUT
    assert again.locked_until - lock_ends > users.LOCKOUT + timedelta(minutes=1)
    [first, second] = audit_entries(session, "user.locked")[-2:]
    assert json.loads(second.details)["scope"] == "account"


def test_one_client_alone_cannot_lock_the_name_for_everyone(session, org):
    start = utcnow()
    moment = start
    for n in range(6):  # six lock periods in a row from one address; its waits double
        answers = _answers(session, "pr", ["wrong-password"] * 5, moment, client="198.51.100.7")
        assert answers[-1].outcome is SignIn.LOCKED
        assert answers[-1].locked_until - (moment + timedelta(seconds=4)) \
            == users.LOCKOUT * 2 ** n
        moment = answers[-1].locked_until + timedelta(seconds=1)
    assert users.authenticate(session, "pr", TEST_PASSWORD, client="192.0.2.1",
                              now=moment).outcome is SignIn.OK


def test_many_simultaneous_correct_sign_ins_all_succeed(database_url, org, slow_checks):
    """Finding 8: the sixth of several parallel correct sign-ins was told "locked"."""
    from concurrent.futures import ThreadPoolExecutor

    from data_access import db

    engine = db.get_engine(database_url)

    def sign_in(_):
        with db.session_scope(engine) as session:
            return users.authenticate(session, "employee", TEST_PASSWORD).outcome

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(sign_in, range(12)))
    assert outcomes == [SignIn.OK] * 12
    with db.session_scope(engine) as session:
        row = _throttle(session, "employee")
        assert (row.failures, row.in_flight, row.locked_until) == (0, 0, None)


def test_parallel_wrong_guesses_from_many_clients_stay_under_the_cap(database_url, org,
                                                                      real_checks, slow_checks):
    from concurrent.futures import ThreadPoolExecutor

    from data_access import db

    engine = db.get_engine(database_url)

    def guess(i):
        with db.session_scope(engine) as session:
            return users.authenticate(session, "manager", "wrong-password",
                                      client=f"203.0.113.{i % 8}").outcome

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(guess, range(48)))
    assert len(real_checks) <= users.ACCOUNT_LIMIT
    assert outcomes.count(SignIn.INVALID) < users.ACCOUNT_LIMIT
    with db.session_scope(engine) as session:
        assert users.authenticate(session, "manager", TEST_PASSWORD,
                                  client="192.0.2.1").outcome is SignIn.LOCKED


def test_a_reservation_left_by_a_crashed_process_expires(session, org):
    start = utcnow()
    name_key, client_key = users.throttle_keys(session, "employee", "")
    for _ in range(users.CLIENT_LIMIT):  # five checks begun, never finished
        assert users._reserve(session, name_key, client_key, start)[0] == "reserved"
    assert users.authenticate(session, "employee", TEST_PASSWORD,
                              now=start + users.RESERVATION_TTL).outcome is SignIn.OK


def test_old_throttle_rows_are_pruned(session, org):
    long_ago = utcnow() - timedelta(days=3)
    users.authenticate(session, "ghost", "wrong-password", client="a", now=long_ago)
    users.authenticate(session, "employee", TEST_PASSWORD, client="b", now=long_ago)
    assert _throttle(session, "ghost", "a") is not None
    users.authenticate(session, "manager", "wrong-password", client="c")  # prunes
    assert _throttle(session, "employee", "b") is not None  # still a trusted client
    assert _throttle(session, "employee", None) is None
    assert _throttle(session, "ghost", "a") is None
    assert _throttle(session, "manager", "c") is not None
