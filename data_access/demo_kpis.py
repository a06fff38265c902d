"""Demo data for custom KPIs: the four the issue names at every scale (citizen
satisfaction from the municipality's polls, complaints answered within the deadline,
media mentions, events held) with about 18 months of values, and at M and L more
custom KPIs (40 in all at L, 3 years of monthly values per reporting department).

Each department's values are a series as such figures move: a level near the target
(one department per KPI around its red line, so every status appears), a slow trend
(most improving towards today), the KPI's season (one yearly shape a KPI shares across
its departments, with the Nowruz holidays' dip in work that is counted), and noise that
carries over from one period to the next; seeded, so the same seed gives the same
values, and kept within each unit's range (shares 0–100 %, whole counts, durations
never near zero). A few values were corrected (their history shows it). The current
period is left open for the demo manager to fill in. Bulk inserts: about 150,000
values at scale L.
"""

from __future__ import annotations

import importlib
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from data_access import clock
from data_access.kpis.periods import Period
from data_access.models import Department, User
from data_access.models.kpis import (
    KpiDefinition,
    KpiReportingDepartment,
    KpiValue,
    KpiValueChange,
)

# How many KPIs and how many periods back, by scale (the four named ones included).
KPI_COUNT = {"S": 4, "M": 12, "L": 40}
MONTHS = {"S": 18, "M": 24, "L": 36}
BATCH = 5_000
CORRECTED_SHARE = 0.01
# The series' parts, in units of the KPI's spread: how far a season swings, how much of
# one period's noise carries into the next, how large a period's new noise is.
SEASON = (0.4, 0.8)
CARRY = 0.5
NOISE = 0.35
NOWRUZ_DIP = 0.8  # Farvardin's counted work: the holidays take about a fifth of it

# name_fa, name_en, unit, decimals, direction, target, amber, red, frequency,
# aggregation, entered_by, who reports ("districts", "top", "pr", "sample"), spread
NAMED = (
    ("رضایت شهروندان (نظرسنجی شهرداری)", "Citizen satisfaction (municipal polls)", "percent", 1,
     "higher", 80, 72, 60, "month", "mean", "pr", "districts", 8),
    ("شکایات پاسخ‌داده‌شده در مهلت مقرر", "Complaints answered within the deadline", "percent",
     1, "higher", 90, 85, 75, "month", "mean", "managers", "top", 6),
    ("بازتاب در رسانه‌ها", "Media mentions", "count", 0, "higher", 120, 100, 70, "month", "sum",
     "pr", "pr", 25),
    ("رویدادهای برگزارشده", "Events held", "count", 0, "higher", 12, 9, 5, "quarter", "sum",
     "managers", "top", 4),
)
GENERATED = (
    ("زمان پاسخ به درخواست‌های سامانه ۱۳۷", "Response time to 137 requests", "hours", 1,
     "lower", 24, 36, 48, "mean", 8),
    ("پسماند جمع‌آوری‌شده", "Waste collected", "number", 0, "higher", 900, 800, 650, "sum",
     120),
    ("بازدیدهای نظارتی انجام‌شده", "Inspections carried out", "count", 0, "higher", 60, 45, 30,
     "sum", 12),
    ("درصد پروژه‌های عمرانی طبق برنامه", "Civil projects on schedule", "percent", 1,
     "higher", 85, 75, 60, "mean", 8),
    ("مدت صدور پروانه", "Days to issue a permit", "days", 1, "lower", 10, 15, 25, "mean", 4),
    ("درآمد وصول‌شده از عوارض (میلیارد ریال)", "Fees collected (billion rials)", "number", 1,
     "higher", 50, 42, 30, "sum", 8),
    ("نهال کاشته‌شده", "Saplings planted", "count", 0, "higher", 400, 300, 150, "sum", 90),
    ("حوادث ناشی از کار", "Work accidents", "count", 0, "lower", 0, 1, 3, "sum", 1),
    ("ساعت آموزش کارکنان", "Staff training hours", "hours", 0, "higher", 300, 220, 120, "sum",
     60),
    ("رضایت از خدمات حضوری", "Satisfaction with counter services", "percent", 1, "higher", 85,
     78, 65, "mean", 6),
    ("درخواست‌های انجام‌شده در موعد", "Requests done on time", "percent", 1, "higher", 92, 85,
     70, "mean", 6),
    ("مصرف سوخت ناوگان (هزار لیتر)", "Fleet fuel use (thousand litres)", "number", 1, "lower",
     80, 90, 110, "sum", 10),
)


def _builtins(session: Session) -> None:
    """The built-in KPIs first, when that module is there, so they get the lowest ids."""
    try:
        module = importlib.import_module("data_access.kpis.builtin")
    except ModuleNotFoundError as error:
        if error.name != "data_access.kpis.builtin":
            raise
        return
    ensure = getattr(module, "ensure_builtins", None)
    if ensure is not None:
        ensure(session)


def _specs(scale: str) -> list[dict[str, Any]]:
    keys = ("name_fa", "name_en", "unit", "decimals", "direction", "target", "amber", "red",
            "frequency", "aggregation", "entered_by", "reporters", "spread")
    specs = [dict(zip(keys, spec, strict=True)) for spec in NAMED]
    for index in range(KPI_COUNT.get(scale, 4) - len(NAMED)):
        fa, en, unit, decimals, direction, target, amber, red, aggregation, spread = \
            GENERATED[index % len(GENERATED)]
        round_ = index // len(GENERATED)
        if round_:  # the same measure for another programme
            fa, en = f"{fa} (برنامه {round_ + 1})".translate(str.maketrans(
                "0123456789", "۰۱۲۳۴۵۶۷۸۹")), f"{en} (programme {round_ + 1})"
        specs.append(dict(name_fa=fa, name_en=en, unit=unit, decimals=decimals,
                          direction=direction, target=target, amber=amber, red=red,
                          frequency="month", aggregation=aggregation,
                          entered_by="managers" if index % 4 else "pr", reporters="sample",
                          spread=spread))
    return specs


def _reporters(kind: str, rng: random.Random, departments: list[int],
               parent_of: dict[int, int | None], names: dict[int, str]) -> list[int]:
    root = next((d for d in departments if parent_of.get(d) is None), departments[0])
    top = [d for d in departments if parent_of.get(d) == root]
    if kind == "districts":
        chosen = [d for d in top if names.get(d, "").startswith("District")]
    elif kind == "pr":
        chosen = [d for d in top if names.get(d) == "Public Relations"]
    elif kind == "top":
        chosen = top
    else:
        chosen = rng.sample(departments, k=max(3, len(departments) // 4))
    return sorted(chosen or top or [root])


@dataclass(frozen=True)
class Season:
    """A KPI's yearly shape, shared by the departments that report it."""

    amplitude: float  # in spreads
    phase: float  # radians; the peak's place in the Jalali year
    nowruz: bool  # counted work that dips in Farvardin


def season_of(rng: random.Random, spec: dict) -> Season:
    return Season(rng.uniform(*SEASON), rng.uniform(0, 2 * math.pi),
                  spec["aggregation"] == "sum" and spec["unit"] in ("count", "number"))


def standing(rng: random.Random, spec: dict, struggling: bool) -> float:
    """A department's level today: at the red line when it struggles (so its values
    fall on both sides: at risk and off track), else near the target, a little under
    or over it (some at risk now and then)."""
    better = 1 if spec["direction"] == "higher" else -1
    if struggling:
        return float(spec["red"])
    return float(spec["target"]) + better * rng.uniform(-0.9, 0.8) * float(spec["spread"])


def _clamp(value: float, spec: dict) -> float:
    if spec["unit"] == "percent":
        value = min(100.0, value)
    if spec["unit"] in ("hours", "days"):  # a duration is never near nothing
        value = max(float(spec["target"]) * 0.2, value)
    return round(max(0.0, value), spec["decimals"])


def series(rng: random.Random, spec: dict, season: Season, level: float,
           periods: list[Period], *, improving: bool = True) -> list[float]:
    """One department's values for `periods` (oldest first): its `level` today, a
    trend over the span (better towards today when `improving`), the KPI's `season`
    and noise that carries over from one period to the next."""
    spread = float(spec["spread"])
    better = 1 if spec["direction"] == "higher" else -1
    change = rng.uniform(0.1, 1.0) if improving else rng.uniform(-0.6, 0.2)
    noise = rng.gauss(0, NOISE / math.sqrt(1 - CARRY**2))  # as if it had run before
    last = max(len(periods) - 1, 1)
    values = []
    for step, period in enumerate(periods):
        month = period.number if period.kind == "month" else 3 * period.number - 1
        angle = 2 * math.pi * (month - 1) / 12 + season.phase
        trend = better * change * spread * (step / last - 1)  # worse further back
        value = level + trend + season.amplitude * spread * math.sin(angle) + noise * spread
        if season.nowruz and month == 1:
            value *= NOWRUZ_DIP
        values.append(_clamp(value, spec))
        noise = CARRY * noise + rng.gauss(0, NOISE)
    return values


def seed(session: Session, context_or_scale: Any, rng: random.Random | None = None) -> None:
    """Seed custom KPIs: `seed(session, context)` from seed-demo, or
    `seed(session, scale, rng)` on an organisation already in the database."""
    if isinstance(context_or_scale, str):
        scale, rng = context_or_scale, rng or random.Random(42)
        parent_of = dict(session.execute(select(Department.id, Department.parent_id)
                                         .where(Department.active.is_(True))
                                         .order_by(Department.id)).tuples().all())
        departments, now = list(parent_of), clock.utcnow()
        accounts = dict(session.execute(select(User.username, User.id).where(
            User.username.in_(("pr", "admin", "manager")))).tuples().all())
    else:
        context = context_or_scale
        scale, rng, now = context.scale, context.rng, context.now
        departments, parent_of, accounts = context.departments, context.parent_of, \
            context.accounts
    if not departments:
        return
    _builtins(session)
    names = dict(session.execute(select(Department.id, Department.name_en)).tuples().all())
    managers: dict[int, int] = {}
    for user_id, dept in session.execute(select(User.id, User.department_id).where(
            User.role == "manager", User.active.is_(True)).order_by(User.id)).tuples():
        managers.setdefault(dept, user_id)
    pr_user = accounts.get("pr") or accounts.get("admin")
    today = clock.local_today(now)
    specs = _specs(scale)

    definition_ids = []
    for batch_start in range(0, len(specs), BATCH):
        rows = [dict(code=f"demo-{i}", source="custom", name_fa=s["name_fa"],
                     name_en=s["name_en"], description_fa=None, description_en=None,
                     unit=s["unit"], decimals=s["decimals"], direction=s["direction"],
                     target=float(s["target"]), amber=float(s["amber"]), red=float(s["red"]),
                     frequency=s["frequency"], aggregation=s["aggregation"], group="custom",
                     entered_by=s["entered_by"], active=True, created_by=pr_user,
                     created_at=now, updated_at=now, version=1)
                for i, s in enumerate(specs[batch_start:batch_start + BATCH], start=batch_start)]
        definition_ids += session.scalars(insert(KpiDefinition).returning(
            KpiDefinition.id, sort_by_parameter_order=True), rows).all()
    table = KpiDefinition.__table__
    for kpi_id in definition_ids:  # the same "c<id>" codes define_kpi gives
        session.execute(update(table).where(table.c.id == kpi_id).values(code=f"c{kpi_id}"))

    reporting, values, history = [], [], []
    for kpi_id, spec in zip(definition_ids, specs, strict=True):
        reporters = _reporters(spec["reporters"], rng, departments, parent_of, names)
        reporting += [{"kpi_id": kpi_id, "department_id": d} for d in reporters]
        kind = spec["frequency"]
        last = Period.current(kind, today).previous()
        count = MONTHS.get(scale, 18) if kind == "month" else MONTHS.get(scale, 18) // 3
        periods = [last.shift(-n) for n in range(count - 1, -1, -1)]
        # jdatetime is slow: once per period, not per value
        ends, keys = [p.end for p in periods], [p.key for p in periods]
        season = season_of(rng, spec)
        for index, dept in enumerate(reporters):
            # One struggling department per KPI, so every status shows up.
            struggling = len(reporters) > 1 and index == len(reporters) // 2
            shown = series(rng, spec, season, standing(rng, spec, struggling), periods,
                           improving=not struggling)
            who = pr_user if spec["entered_by"] == "pr" else managers.get(dept, pr_user)
            for key, end, value in zip(keys, ends, shown, strict=True):
                entered = min(now - timedelta(days=1), datetime.combine(
                    end + timedelta(days=rng.randint(1, 9)), time(6, 30), tzinfo=UTC))
                version = 1
                if rng.random() < CORRECTED_SHARE:  # entered wrong, corrected a day later
                    wrong = round(value * rng.choice((0.1, 10.0, 0.9)), spec["decimals"])
                    history += [
                        dict(kpi_id=kpi_id, department_id=dept, period=key,
                             old_value=None, new_value=wrong, changed_by=who,
                             changed_at=entered, via="form"),
                        dict(kpi_id=kpi_id, department_id=dept, period=key,
                             old_value=wrong, new_value=value, changed_by=pr_user,
                             changed_at=min(now, entered + timedelta(days=1)), via="form")]
                    version = 2
                values.append(dict(kpi_id=kpi_id, department_id=dept, period=key,
                                   value=value, entered_by=who, entered_at=entered,
                                   version=version))
    for model, rows in ((KpiReportingDepartment, reporting), (KpiValue, values),
                        (KpiValueChange, history)):
        for start in range(0, len(rows), BATCH):
            session.execute(insert(model.__table__), rows[start:start + BATCH])
    session.flush()
