"""Deterministic demo data: a believable municipality at scale S, M or L.

The same seed always gives the same organisation. Feature modules add their
own demo data through `FEATURE_SEEDERS`, each receiving the DemoContext.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from data_access import settings
from data_access.kpis.builtin import ensure_builtins
from data_access.models import Department, User, utcnow
from data_access.permissions import CAPABILITIES
from data_access.text import search_key
from data_access.users import hash_password

DEMO_PASSWORD = "peyvand-demo"
SCALES = {"S": (500, 15), "M": (5_000, 60), "L": (60_000, 400)}
# Modules with `seed(session, context)`; each feature issue adds its own.
FEATURE_SEEDERS = ("data_access.demo_news", "data_access.demo_surveys", "data_access.demo_meetings",
                   "data_access.demo_kpis")

CORE_DEPARTMENTS = [
    ("روابط عمومی", "Public Relations"),
    ("امور مالی", "Finance"),
    ("خدمات شهری", "Urban Services"),
    ("حمل‌ونقل و ترافیک", "Traffic and Transport"),
    ("فضای سبز", "Green Space"),
    ("فناوری اطلاعات", "Information Technology"),
    ("منابع انسانی", "Human Resources"),
]
UNIT_NAMES = [
    ("اداره پسماند", "Waste Management Office"),
    ("اداره نظارت", "Inspection Office"),
    ("واحد درآمد", "Revenue Unit"),
    ("واحد خدمات مشترکین", "Citizen Services Unit"),
    ("اداره پارک‌ها", "Parks Office"),
    ("واحد حسابداری", "Accounting Unit"),
    ("اداره عمران", "Civil Works Office"),
    ("واحد رفاه کارکنان", "Staff Welfare Unit"),
    ("اداره کنترل ترافیک", "Traffic Control Office"),
    ("واحد انبار", "Stores Unit"),
    ("اداره آتش‌نشانی", "Fire Station Office"),
    ("واحد پشتیبانی", "Support Unit"),
]
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
FIRST_NAMES = [
    "علی", "محمد", "حسین", "رضا", "مهدی", "امیر", "سعید", "حمید", "مجید", "کاظم", "جواد",
    "فاطمه", "زهرا", "مریم", "سارا", "نرگس", "لیلا", "الهام", "مینا", "نسرین", "پریسا", "شیما",
    "آرش", "بهروز", "پیمان", "کیوان", "رویا", "نازنین", "هانیه", "سمیرا", "یاسمن", "فرهاد",
]
LAST_NAMES = [
    "احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "جعفری", "کاظمی", "رحیمی", "نوری",
    "صادقی", "قاسمی", "اکبری", "ابراهیمی", "هاشمی", "مرادی", "شریفی", "طاهری", "یزدانی",
    "فرهادی", "بهرامی", "سلطانی", "نیک‌پور", "کامرانی", "توکلی", "زارعی", "عباسی", "شکوهی",
]
DEMO_ACCOUNTS = [
    # username, display name, role, department (English name)
    ("admin", "مدیر سامانه", "admin", "Information Technology"),
    ("pr", "کارشناس روابط عمومی", "pr", "Public Relations"),
    ("manager", "مدیر حمل‌ونقل و ترافیک", "manager", "Traffic and Transport"),
    ("employee", "کارمند نمونه", "employee", "Traffic and Transport"),
]


@dataclass
class DemoContext:
    """What feature seeders need to know about the organisation just built."""

    rng: random.Random
    scale: str
    now: datetime
    departments: list[int]  # every department id, parents before children
    parent_of: dict[int, int | None]
    members: dict[int, list[int]]  # department id -> user ids
    accounts: dict[str, int]  # demo username -> user id
    extra: dict = field(default_factory=dict)


def _build_departments(session: Session, rng: random.Random, target: int) -> dict[int, int | None]:
    parent_of: dict[int, int | None] = {}

    def add(name: str, name_en: str, parent: int | None) -> int:
        dept_id = session.execute(insert(Department).values(
            name=name, name_en=name_en, name_key=search_key(name), parent_id=parent,
            active=True, created_at=utcnow()).returning(Department.id)).scalar_one()
        parent_of[dept_id] = parent
        return dept_id

    root = add("شهرداری", "Municipality", None)
    core = [add(fa, en, root) for fa, en in CORE_DEPARTMENTS]
    district = 1
    units_of: dict[int, int] = {}
    offsets: dict[int, int] = {}
    while len(parent_of) < target:
        remaining = target - len(parent_of)
        # Alternate: a new district under the root, then units under a core
        # department or a district, and deeper units at scale L.
        if district <= max(2, target // 18) and remaining > 1:
            number = str(district).translate(PERSIAN_DIGITS)
            parent = add(f"منطقه {number}", f"District {district}", root)
            core.append(parent)
            district += 1
            continue
        parent = rng.choice(core if rng.random() < 0.7 or not units_of else list(units_of))
        used = units_of.get(parent, 0)
        offset = offsets.setdefault(parent, rng.randrange(len(UNIT_NAMES)))
        fa, en = UNIT_NAMES[(offset + used) % len(UNIT_NAMES)]
        if used >= len(UNIT_NAMES):
            round_ = str(used // len(UNIT_NAMES) + 1).translate(PERSIAN_DIGITS)
            fa, en = f"{fa} {round_}", f"{en} {used // len(UNIT_NAMES) + 1}"
        units_of[parent] = used + 1
        child = add(fa, en, parent)
        units_of.setdefault(child, 0)
    return parent_of


def seed_demo(session: Session, scale: str = "S", seed: int = 42) -> DemoContext:
    """Fill an empty database; refuses to touch one that already has users."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    if session.scalar(select(func.count()).select_from(User)):
        raise RuntimeError("the database already has users; demo data goes into an empty one")
    rng = random.Random(seed)
    employees, department_count = SCALES[scale]
    parent_of = _build_departments(session, rng, department_count)
    departments = list(parent_of)
    by_english = dict(session.execute(select(Department.name_en, Department.id)).tuples().all())

    # One hash for every demo account: bcrypt on 60,000 rows would take hours.
    password_hash = hash_password(DEMO_PASSWORD)
    now = utcnow()
    rows = []
    for username, name, role, dept in DEMO_ACCOUNTS:
        rows.append(dict(username=username, display_name=name, role=role,
                         department_id=by_english[dept]))
    # Uneven department sizes, with a few tiny ones so that small-group
    # roll-up and suppression have something to do.
    weights = {d: rng.choice([0.2, 0.5, 1, 1, 2, 3]) for d in departments}
    tiny = rng.sample(departments[8:], k=min(3, max(0, len(departments) - 8)))
    for d in tiny:
        weights[d] = 0
    tiny_members = {d: rng.randint(2, 4) for d in tiny}
    pool = [d for d in departments if weights[d] > 0]
    regular = employees - len(rows) - sum(tiny_members.values())
    chosen = rng.choices(pool, weights=[weights[d] for d in pool], k=regular)
    chosen += [d for d, n in tiny_members.items() for _ in range(n)]
    managers_needed = set(departments)
    for index, dept in enumerate(chosen, start=1):
        role = "employee"
        if dept in managers_needed:
            role, _ = "manager", managers_needed.discard(dept)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        rows.append(dict(username=f"user{index:05d}", display_name=name, role=role,
                         department_id=dept))
    for row in rows:
        row.update(name_key=search_key(row["display_name"]), email=f"{row['username']}@example.org",
                   locale="fa", active=True, password_hash=password_hash,
                   tokens_valid_after=now, created_at=now, updated_at=now)
    for start in range(0, len(rows), 5_000):
        session.execute(insert(User), rows[start:start + 5_000])
    members: dict[int, list[int]] = {}
    accounts: dict[str, int] = {}
    for user_id, username, dept in session.execute(
        select(User.id, User.username, User.department_id).order_by(User.id)
    ).tuples():
        members.setdefault(dept, []).append(user_id)
        if username in {a[0] for a in DEMO_ACCOUNTS}:
            accounts[username] = user_id
    settings.put(session, settings.DEMO_MODE, "1")
    ensure_builtins(session)  # the built-in KPIs' definitions, as init-db makes them
    context = DemoContext(rng, scale, now, departments, parent_of, members, accounts)
    for module_name in FEATURE_SEEDERS:
        seeder: Callable | None = getattr(_optional_module(module_name), "seed", None)
        if seeder is not None:
            session.flush()
            seeder(session, context)
    return context


def _optional_module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return None


# --- accounts for the load harness (bench/load.py) ------------------------------------------
LOAD_ROLES = ("employee", "manager", "pr")


def parse_mix(text: str) -> dict[str, float]:
    """`employee=0.8,manager=0.15,pr=0.05` as shares that sum to 1."""
    mix: dict[str, float] = {}
    for part in text.split(","):
        role, _, share = part.partition("=")
        role = role.strip()
        if role not in LOAD_ROLES:
            raise ValueError(f"unknown role {role!r} in the mix; use {', '.join(LOAD_ROLES)}")
        mix[role] = float(share)
        if mix[role] < 0:
            raise ValueError(f"the share of {role} is negative")
    total = sum(mix.values())
    if total <= 0:
        raise ValueError("the mix has no positive share")
    return {role: share / total for role, share in mix.items()}


def load_roles(count: int, mix: dict[str, float]) -> list[str]:
    """The role of each of `count` load users, in a fixed order: the harness and the
    account command agree on it without talking to each other. Each next user takes
    the role furthest below its share, so a small run already covers every role."""
    given = dict.fromkeys(mix, 0)
    roles = []
    for index in range(1, count + 1):
        role = max(mix, key=lambda r: (mix[r] * index - given[r], -LOAD_ROLES.index(r)))
        given[role] += 1
        roles.append(role)
    return roles


def load_usernames(count: int, mix: dict[str, float]) -> list[tuple[str, str]]:
    """(username, role) of each load user: `load-employee-0001`, `load-manager-0001`, …"""
    seen: dict[str, int] = {}
    names = []
    for role in load_roles(count, mix):
        seen[role] = seen.get(role, 0) + 1
        names.append((f"load-{role}-{seen[role]:04d}", role))
    return names


def create_load_accounts(session: Session, count: int, password: str,
                         mix: dict[str, float]) -> list[tuple[str, str]]:
    """Give `count` load accounts (created when missing) one known password.

    Only on a demo database: on real data this would create accounts with a shared
    password, so it refuses.
    """
    if not settings.demo_mode(session):
        raise RuntimeError("this database does not hold demo data; load accounts are only "
                           "created in a demo database (python -m dashboard seed-demo)")
    if not 1 <= count <= 10_000:
        raise ValueError("count must be between 1 and 10,000")
    wanted = load_usernames(count, mix)
    by_english = dict(session.execute(select(Department.name_en, Department.id)).tuples().all())
    # Everyone but PR staff lands in Traffic and Transport, the department the demo
    # manager leads, so managers' results pages have data to show.
    home = by_english.get("Traffic and Transport") or min(by_english.values())
    pr_home = by_english.get("Public Relations", home)
    password_hash = hash_password(password)  # one hash, as for the demo accounts
    now = utcnow()
    existing = set(session.scalars(select(User.username).where(
        User.username.in_([name for name, _ in wanted]))))
    rows = [dict(username=name, display_name=f"کاربر آزمون بار {index:04d}",
                 name_key=search_key(f"کاربر آزمون بار {index:04d}"), role=role,
                 department_id=pr_home if role in CAPABILITIES["publish_news"] else home,
                 email=f"{name}@example.org", locale="fa", active=True,
                 password_hash=password_hash, tokens_valid_after=now,
                 created_at=now, updated_at=now)
            for index, (name, role) in enumerate(wanted, start=1) if name not in existing]
    if rows:
        session.execute(insert(User), rows)
    if existing:
        session.execute(update(User).where(User.username.in_(existing)).values(
            password_hash=password_hash, active=True,
            updated_at=now))
    return wanted
