"""Built-in KPIs: computed from the other features' data, nobody types them.

Each built-in has a definition row (`ensure_builtins` creates it with the
defaults below; people may change only its target, thresholds and whether it is
shown) and a computation per Jalali month and department subtree.

The computations count in SQL, grouped by department and month (a CASE over the
months asked for), so one call costs one or two queries whatever the number of
departments; Python only adds the grouped rows up the department tree
(`Unit`: a department's subtree) and months up to quarters. For one unit (the
cards, a series) SQL sums over the unit itself, by month only, and the whole tree is
counted without a list of its departments (`Counting`); the read and acknowledgement
rates share one count, per department (they are capped per department). At scale L
this is what keeps a cold /kpis under a second and a half. Survey KPIs are not
counted here at all: they are read from the stored pre-aggregates of the waves,
with the results page's own suppression decisions (see `_survey`).

Attribution: news by the reader's department, action items by the owner's,
meetings by the meeting's department, decisions by the responsible department
(else the meeting's), surveys by the wave's reporting group of the department.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from data_access import clock
from data_access.departments import descendants, parent_map
from data_access.kpis.builtin_surveys import SURVEY_MEASURES, local_midnight, survey_figures
from data_access.kpis.periods import Period
from data_access.models import Department, User
from data_access.models.action_items import ActionItem
from data_access.models.kpis import KpiDefinition
from data_access.models.meetings import Decision, Meeting
from data_access.models.news import (
    Announcement,
    AnnouncementAudience,
    AnnouncementReach,
    AnnouncementReceipt,
)
from data_access.news.reach import _local_day

__all__ = [
    "BUILTIN_ORDER", "DEFAULTS", "BuiltinDefaults", "Value", "compute", "compute_many",
    "departments_counted", "ensure_builtins", "units_for",
]

BUILTIN_ORDER: tuple[str, ...] = (
    "participation", "belonging", "satisfaction", "enps",
    "read_rate", "ack_rate", "ack_median_hours", "actions_on_time", "actions_overdue",
    "meetings_held", "minutes_approved_7d", "decisions_implemented",
)


@dataclass(frozen=True)
class BuiltinDefaults:
    group: str
    unit: str
    decimals: int
    direction: str
    target: float | None
    amber: float | None
    red: float | None
    aggregation: str  # how a quarter is made from months (documentation; see compute)


DEFAULTS: dict[str, BuiltinDefaults] = {
    "participation": BuiltinDefaults("surveys", "percent", 0, "higher", 80, 70, 50, "last"),
    "belonging": BuiltinDefaults("surveys", "score", 0, "higher", 75, 65, 50, "last"),
    "satisfaction": BuiltinDefaults("surveys", "score", 0, "higher", 75, 65, 50, "last"),
    "enps": BuiltinDefaults("surveys", "score", 0, "higher", 20, 0, -20, "last"),
    "read_rate": BuiltinDefaults("news", "percent", 0, "higher", 80, 60, 40, "mean"),
    "ack_rate": BuiltinDefaults("news", "percent", 0, "higher", 95, 85, 70, "mean"),
    "ack_median_hours": BuiltinDefaults("news", "hours", 1, "lower", 24, 24, 48, "mean"),
    "actions_on_time": BuiltinDefaults("actions", "percent", 0, "higher", 90, 75, 50, "mean"),
    "actions_overdue": BuiltinDefaults("actions", "count", 0, "lower", 0, 5, 15, "last"),
    "meetings_held": BuiltinDefaults("meetings", "count", 0, "higher", None, None, None, "sum"),
    "minutes_approved_7d": BuiltinDefaults("meetings", "percent", 0, "higher", 90, 75, 50,
                                           "mean"),
    "decisions_implemented": BuiltinDefaults("meetings", "percent", 0, "higher", 80, 60, 40,
                                             "mean"),
}
assert tuple(DEFAULTS) == BUILTIN_ORDER

MINUTES_DEADLINE = timedelta(days=7)


def ensure_builtins(session: Session) -> int:
    """Create the missing built-in definition rows; returns how many were added.

    Idempotent: an existing row (with the target and thresholds people set) is
    left as it is.
    """
    existing = set(session.scalars(select(KpiDefinition.code)
                                   .where(KpiDefinition.code.in_(BUILTIN_ORDER))))
    added = 0
    for code in BUILTIN_ORDER:
        if code in existing:
            continue
        d = DEFAULTS[code]
        session.add(KpiDefinition(
            code=code, source="builtin", unit=d.unit, decimals=d.decimals,
            direction=d.direction, target=d.target, amber=d.amber, red=d.red,
            frequency="month", aggregation=d.aggregation, group=d.group,
            entered_by="pr", active=True))
        added += 1
    session.flush()
    return added


# --- Values ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Value:
    """One KPI for one unit and period: no value (None, nothing to count), a value,
    or suppressed (there is data, but showing it would break the anonymity rules)."""

    value: float | None
    suppressed: bool = False


NO_VALUE = Value(None)
SUPPRESSED = Value(None, True)

# A unit is a department subtree: its top department id and every department in it.
Units = Mapping[int, Collection[int]]
Result = dict[tuple[int, str], Value]  # (unit id, period key) -> value
Within = Sequence[int] | None  # the departments counted; None: every department


@dataclass(frozen=True)
class Counting:
    """What the counting queries count: the departments (`within`, None for all) and,
    for one unit (cards, a series), that unit: then SQL sums over it directly, one row
    per month instead of one per department and month."""

    within: Within
    single: int | None

    def only(self, column):
        """SQL: the row's department is one counted (any department for None)."""
        return column.isnot(None) if self.within is None else column.in_(self.within)

    def by(self, column) -> list:
        """The department column to group by: none when one unit is counted."""
        return [] if self.single is not None else [column]

    def key(self, row: Sequence) -> tuple[int, Sequence]:
        """(department or the one unit, the rest of the row)."""
        return (self.single, row) if self.single is not None else (row[0], row[1:])


def units_for(session: Session, tops: Iterable[int],
              parents: dict[int, int | None] | None = None) -> dict[int, frozenset[int]]:
    """The subtree of each department in `tops`."""
    parents = parent_map(session) if parents is None else parents
    return {top: frozenset(descendants(parents, [top])) for top in tops}


def compute(session: Session, code: str, units: Units, periods: Sequence[Period],
            now: datetime | None = None) -> Result:
    """The built-in `code` for every unit and period (months or quarters)."""
    return compute_many(session, [code], units, periods, now)[code]


def compute_many(session: Session, codes: Sequence[str], units: Units,
                 periods: Sequence[Period], now: datetime | None = None) -> dict[str, Result]:
    """Built-ins for every unit and period (months or quarters); the survey KPIs
    share one read of the waves.

    No permission check: reading.py checks the viewer and narrows the units.
    Periods that have not started yet have no value.
    """
    unknown = [code for code in codes if code not in DEFAULTS]
    if unknown:
        raise KeyError(unknown[0])
    now = now or clock.utcnow()
    today = clock.local_today(now)
    wanted = [p for p in periods if not p.is_future(today)]
    results: dict[str, Result] = {
        code: {(unit, p.key): NO_VALUE for unit in units for p in periods} for code in codes}
    if not wanted or not units:
        return results
    surveyed = [code for code in codes if code in SURVEY_MEASURES]
    if surveyed:
        for code, found in survey_figures(session, surveyed, units, wanted).items():
            for key, (value, suppressed) in found.items():
                results[code][key] = Value(value, suppressed)
    months = sorted({m for p in wanted for m in p.months() if not m.is_future(today)})
    counted = [code for code in codes if code not in SURVEY_MEASURES]
    if counted:
        scope = Counting(departments_counted(session, units),
                         next(iter(units)) if len(units) == 1 else None)
        shared: dict[str, object] = {}  # what two codes count alike is counted once
        for code in counted:
            results[code].update(_counted(session, code, units, wanted, months, now, today,
                                          scope, shared))
    return results


def departments_counted(session: Session, units: Units) -> list[int] | None:
    """The departments to count: the units' (a manager's subtree, not the city); None
    when that is every department, so no query carries a list of them all."""
    members = set().union(*units.values())
    if len(members) >= (session.scalar(select(func.count()).select_from(Department)) or 0):
        return None
    return sorted(members)


def _by_unit(rows: Mapping[tuple[int, str], object], units: Units) -> dict[tuple[int, str], list]:
    """Per-department rows {(department, month key): x} regrouped as {(unit, month
    key): [x, ...]}, in one pass over the rows (not units x departments x months)."""
    units_of: dict[int, list[int]] = {}
    for unit, members in units.items():
        for d in members:
            units_of.setdefault(d, []).append(unit)
    grouped: dict[tuple[int, str], list] = {}
    for (dept, key), x in rows.items():
        for unit in units_of.get(dept, ()):
            grouped.setdefault((unit, key), []).append(x)
    return grouped


def _counted(session: Session, code: str, units: Units, wanted: Sequence[Period],
             months: Sequence[Period], now: datetime, today: date, scope: Counting,
             shared: dict[str, object]) -> Result:
    result: Result = {}
    month_keys = {p: [m.key for m in p.months() if m in months] for p in wanted}

    def by_unit(rows: Mapping[tuple[int, str], object]) -> dict[tuple[int, str], list]:
        if scope.single is not None:  # counted for the one unit already
            return {key: [x] for key, x in rows.items()}
        return _by_unit(rows, units)

    if code == "actions_overdue":
        grouped = by_unit(_overdue(session, months, today, scope))
        for unit in units:
            for period in wanted:
                last = month_keys[period][-1]  # the period's end (or today)
                result[(unit, period.key)] = Value(float(sum(grouped.get((unit, last), ()))))
        return result
    if code == "ack_median_hours":
        grouped = by_unit(_ack_histogram(session, months, now, scope))
        for unit in units:
            for period in wanted:
                pooled: dict[int, int] = {}
                for key in month_keys[period]:
                    for histogram in grouped.get((unit, key), ()):
                        for tenths, n in histogram.items():
                            pooled[tenths] = pooled.get(tenths, 0) + n
                median = _median(pooled)
                result[(unit, period.key)] = Value(None if median is None else median / 10)
        return result
    if code in _NEWS:  # per department even for one unit: capped per department
        if "news" not in shared:
            shared["news"] = _news_rates(session, months, now, scope)
        grouped = _by_unit(_NEWS[code](shared["news"]), units)  # type: ignore[arg-type]
    else:
        grouped = by_unit(_COUNTERS[code](session, months, now, today, scope))
    for unit in units:
        for period in wanted:
            numerator = denominator = 0
            for key in month_keys[period]:
                for num, den in grouped.get((unit, key), ()):
                    numerator += num
                    denominator += den
            if code == "meetings_held":
                result[(unit, period.key)] = Value(float(numerator))
            elif denominator:
                result[(unit, period.key)] = Value(100 * min(numerator, denominator)
                                                   / denominator)
    return result


# --- Shared SQL pieces ------------------------------------------------------------------

_instant = local_midnight


def _month_of_instant(column, months: Sequence[Period]):
    """SQL: the key of the month (among `months`) an instant falls in, else NULL."""
    return case(*[(and_(column >= _instant(m.start), column < _instant(m.end)), literal(m.key))
                  for m in months], else_=None)


def _month_of_date(column, months: Sequence[Period]):
    return case(*[(and_(column >= m.start, column < m.end), literal(m.key)) for m in months],
                else_=None)


def _instant_range(column, months: Sequence[Period]):
    return and_(column >= _instant(months[0].start), column < _instant(months[-1].end))


def _minutes_between(session: Session, later, earlier):
    """SQL: minutes from `earlier` to `later` (both stored naive UTC), rounded to the
    minute (SQLite's julianday is a float: 2 h must not come out as 119.99 minutes)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.round(func.extract("epoch", later - earlier) / 60), Integer)
    return cast(func.round((func.julianday(later) - func.julianday(earlier)) * 1440), Integer)


def _pairs(rows, scope: Counting) -> dict[tuple[int, str], tuple[int, int]]:
    found = {}
    for row in rows:
        dept, (month, num, den) = scope.key(row)
        found[(dept, month)] = (int(num or 0), int(den or 0))
    return found


# --- News -------------------------------------------------------------------------------

NewsRates = dict[tuple[int, str], tuple[int, int, int, int]]


def _news_rates(session: Session, months: Sequence[Period], now: datetime, scope: Counting
                ) -> NewsRates:
    """Per department and month: (readers, audience members) over the items released
    that month whose audience includes the department, and (acknowledgers, audience
    members) over those of them that ask for acknowledgement; read and acknowledgement
    rates share this one count.

    Readers come from the per-department counters (AnnouncementReach, which count
    a reader only if the item was addressed to them), summed in SQL per department
    and month; audiences are today's active members, per distinct audience (so a
    rate is capped at 100%). The tree is walked once for all audiences.
    """
    a, aa = Announcement, AnnouncementAudience
    month = _month_of_instant(a.publish_at, months).label("month")
    released = [a.status.in_(("live", "archived")), a.publish_at <= now,
                _instant_range(a.publish_at, months)]
    parents = parent_map(session)
    # Of an audience only the departments at or above a counted one matter: the others'
    # subtrees hold no counted department (all of them for the whole tree).
    relevant = None if scope.within is None \
        else sorted(_with_ancestors(parents, scope.within))
    query = select(a.id, month, a.audience_all, a.ack_required, aa.department_id) \
        .outerjoin(aa, and_(aa.announcement_id == a.id,
                            Counting(relevant, None).only(aa.department_id))) \
        .where(*released)
    if relevant is not None:  # items addressed elsewhere add nothing: not even read
        named = aliased(AnnouncementAudience)
        query = query.where(or_(a.audience_all.is_(True), a.id.in_(
            select(named.announcement_id).where(named.department_id.in_(relevant)))))
    items: dict[int, tuple[str, bool, bool, list[int]]] = {}
    for item_id, key, everyone, asks, dept in session.execute(query).tuples():
        item = items.get(item_id)
        if item is None:
            item = items[item_id] = (key, bool(everyone), bool(asks), [])
        if dept is not None:
            item[3].append(dept)
    if not items:
        return {}
    heads = dict(session.execute(select(User.department_id, func.count())
                                 .where(User.active.is_(True),
                                        scope.only(User.department_id))
                                 .group_by(User.department_id)).tuples().all())
    acks = func.sum(case((a.ack_required.is_(True), AnnouncementReach.acknowledgements),
                         else_=0))
    counted: dict[tuple[int, str], list[int]] = {}
    # Per department even for one unit: a rate is capped per department (below).
    for dept, key, reads, acknowledged in session.execute(
            select(AnnouncementReach.department_id, month, func.sum(AnnouncementReach.reads),
                   acks)
            .join(a, a.id == AnnouncementReach.announcement_id)
            .where(*released, scope.only(AnnouncementReach.department_id))
            .group_by(AnnouncementReach.department_id, month)).tuples():
        counted[(dept, key)] = [int(reads or 0), 0, int(acknowledged or 0), 0]
    # Audiences: items of the same audience and month are counted together.
    same: dict[tuple[tuple[int, ...] | None, str], list[int]] = {}
    for key, everyone, asks, targets in items.values():
        tally = same.setdefault((None if everyone else tuple(sorted(targets)), key), [0, 0])
        tally[0] += 1
        tally[1] += asks
    below = _subtrees(parents)
    all_members = list(heads)
    reached: dict[tuple[int, ...], list[int]] = {}  # each audience's counted members, once
    for (audience, key), (count, asking) in same.items():
        if audience is None:
            members = all_members
        elif audience in reached:
            members = reached[audience]
        else:
            inside = below(audience[0]) if len(audience) == 1 \
                else set().union(*(below(d) for d in audience))
            members = reached[audience] = [d for d in inside if d in heads]
        for dept in members:
            cell = counted.get((dept, key))
            if cell is None:
                cell = counted[(dept, key)] = [0, 0, 0, 0]
            cell[1] += heads[dept] * count
            cell[3] += heads[dept] * asking
    return {key: tuple(cell) for key, cell in counted.items()}  # type: ignore[misc]


def _with_ancestors(parents: Mapping[int, int | None], departments: Iterable[int]) -> set[int]:
    found = set(departments)
    for dept in list(found):
        parent = parents.get(dept)
        while parent is not None and parent not in found:
            found.add(parent)
            parent = parents.get(parent)
    return found


def _subtrees(parents: Mapping[int, int | None]):
    """`below(d)`: department d and everything under it, from one map of the tree's
    children, each subtree walked once however many audiences name it."""
    children: dict[int | None, list[int]] = {}
    for dept, parent in parents.items():
        children.setdefault(parent, []).append(dept)
    known: dict[int, tuple[int, ...]] = {}

    def below(top: int) -> tuple[int, ...]:
        if top not in known:
            found, stack = [], [top]
            seen: set[int] = set()
            while stack:
                dept = stack.pop()
                if dept not in seen:
                    seen.add(dept)
                    found.append(dept)
                    stack.extend(children.get(dept, ()))
            known[top] = tuple(found)
        return known[top]

    return below


def _rate(found: NewsRates, numerator: int, denominator: int
          ) -> dict[tuple[int, str], tuple[int, int]]:
    # Readers counted in a department that has no active members left add nothing.
    return {key: (min(cell[numerator], cell[denominator]), cell[denominator])
            for key, cell in found.items() if cell[denominator]}


_NEWS = {
    "read_rate": lambda found: _rate(found, 0, 1),
    "ack_rate": lambda found: _rate(found, 2, 3),
}


def _ack_histogram(session: Session, months: Sequence[Period], now: datetime,
                   scope: Counting) -> dict[tuple[int, str], dict[int, int]]:
    """Per reader's department and month of the notice: how many acknowledgements of
    urgent notices came after how many tenths of an hour (a histogram, so the median
    of any subtree and quarter is exact to the tenth without reading receipts)."""
    a, r = Announcement, AnnouncementReceipt
    month = _month_of_instant(a.publish_at, months).label("month")
    tenths = cast(func.floor(_minutes_between(session, r.acknowledged_at, a.publish_at) / 6.0),
                  Integer).label("tenths")
    per = scope.by(User.department_id)
    rows = session.execute(
        select(*per, month, tenths, func.count())
        .select_from(r).join(a, a.id == r.announcement_id).join(User, User.id == r.user_id)
        .where(a.status.in_(("live", "archived")), a.priority == "urgent",
               a.publish_at <= now, _instant_range(a.publish_at, months),
               r.acknowledged_at.isnot(None), scope.only(User.department_id))
        .group_by(*per, month, tenths)).tuples()
    histogram: dict[tuple[int, str], dict[int, int]] = {}
    for row in rows:
        dept, (key, bucket, count) = scope.key(row)
        cell = histogram.setdefault((dept, key), {})
        bucket = max(0, int(bucket))
        cell[bucket] = cell.get(bucket, 0) + int(count)
    return histogram


def _median(histogram: Mapping[int, int]) -> float | None:
    """The median of a histogram {value: count} (the mean of the two middle values
    for an even count)."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(index: int) -> int:  # 0-based
        seen = 0
        for value, count in ordered:
            seen += count
            if index < seen:
                return value
        raise IndexError(index)

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


# --- Action items -----------------------------------------------------------------------

def _actions_on_time(session: Session, months: Sequence[Period], now: datetime, today: date,
                     scope: Counting):
    """Per owner's department and month of the due date: (done by the due day, items
    due that month that are done or already past their due day). Cancelled items
    count for neither; an item due later this month is not late yet."""
    i = ActionItem
    month = _month_of_date(i.due_on, months).label("month")
    on_time = and_(i.status == "done", i.done_at.isnot(None),
                   _local_day(session, i.done_at, now) <= i.due_on)
    per = scope.by(User.department_id)
    rows = session.execute(
        select(*per, month, func.sum(case((on_time, 1), else_=0)), func.count())
        .select_from(i).join(User, User.id == i.owner_id)
        .where(i.status != "cancelled", i.due_on >= months[0].start, i.due_on < months[-1].end,
               scope.only(User.department_id),
               or_(i.due_on < today, i.status == "done"))
        .group_by(*per, month)).tuples()
    return _pairs(rows, scope)


def _overdue(session: Session, months: Sequence[Period], today: date, scope: Counting
             ) -> dict[tuple[int, str], int]:
    """Per owner's department: overdue items at the end of each month (today for the
    running month): created by then, due before that day, not done by then, not
    cancelled (a cancelled item is never overdue, as on the action-items page)."""
    i = ActionItem
    columns = []
    for m in months:
        as_of = min(m.end, today)
        moment = _instant(as_of)
        overdue = and_(i.created_at < moment, i.due_on < as_of,
                       or_(i.status != "done", i.done_at.is_(None), i.done_at >= moment))
        columns.append(func.sum(case((overdue, 1), else_=0)))
    # Items overdue at none of the months' ends are left out before the sums: created
    # after the last, or done before the first (most of the history).
    last = min(months[-1].end, today)
    per = scope.by(User.department_id)
    query = select(*per, *columns).select_from(i).join(User, User.id == i.owner_id) \
        .where(i.status != "cancelled", i.due_on < last, i.created_at < _instant(last),
               or_(i.status != "done", i.done_at.is_(None),
                   i.done_at >= _instant(min(months[0].end, today))),
               scope.only(User.department_id))
    found: dict[tuple[int, str], int] = {}
    for row in session.execute(query.group_by(*per) if per else query).tuples():
        dept, counts = scope.key(row)
        for m, count in zip(months, counts, strict=True):
            if count:
                found[(dept, m.key)] = int(count)
    return found


# --- Meetings ---------------------------------------------------------------------------

_HELD = ("held", "approved")


def _meetings_held(session: Session, months: Sequence[Period], now: datetime, today: date,
                   scope: Counting):
    m = Meeting
    month = _month_of_instant(m.starts_at, months).label("month")
    per = scope.by(m.department_id)
    rows = session.execute(
        select(*per, month, func.count(), literal(0))
        .where(m.status.in_(_HELD), m.starts_at <= now, _instant_range(m.starts_at, months),
               scope.only(m.department_id))
        .group_by(*per, month)).tuples()
    return _pairs(rows, scope)


def _minutes_approved(session: Session, months: Sequence[Period], now: datetime, today: date,
                      scope: Counting):
    """Per meeting department and month: (meetings whose minutes were approved within
    7 days of the start, meetings held that month that are approved or whose 7 days
    have passed)."""
    m = Meeting
    month = _month_of_instant(m.starts_at, months).label("month")
    deadline_minutes = int(MINUTES_DEADLINE.total_seconds() // 60)
    in_time = and_(m.approved_at.isnot(None),
                   _minutes_between(session, m.approved_at, m.starts_at) <= deadline_minutes)
    per = scope.by(m.department_id)
    rows = session.execute(
        select(*per, month, func.sum(case((in_time, 1), else_=0)), func.count())
        .where(m.status.in_(_HELD), _instant_range(m.starts_at, months),
               scope.only(m.department_id),
               or_(m.approved_at.isnot(None), m.starts_at <= now - MINUTES_DEADLINE))
        .group_by(*per, month)).tuples()
    return _pairs(rows, scope)


def _decisions_implemented(session: Session, months: Sequence[Period], now: datetime,
                           today: date, scope: Counting):
    """Per responsible department (else the meeting's) and month of the meeting:
    (decisions implemented, decisions not superseded)."""
    m, d = Meeting, Decision
    month = _month_of_instant(m.starts_at, months).label("month")
    dept = func.coalesce(d.responsible_department_id, m.department_id).label("dept")
    per = scope.by(dept)
    rows = session.execute(
        select(*per, month, func.sum(case((d.status == "implemented", 1), else_=0)),
               func.count())
        .select_from(d).join(m, m.id == d.meeting_id)
        .where(m.status.in_(_HELD), m.starts_at <= now, _instant_range(m.starts_at, months),
               d.status != "superseded", scope.only(dept))
        .group_by(*per, month)).tuples()
    return _pairs(rows, scope)


_COUNTERS = {
    "actions_on_time": _actions_on_time,
    "meetings_held": _meetings_held,
    "minutes_approved_7d": _minutes_approved,
    "decisions_implemented": _decisions_implemented,
}
