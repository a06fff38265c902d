"""Reach (pr, admin; managers for their department subtree): audience, reads and
acknowledgements by department, who has not acknowledged yet, and activity over time.
Counting happens in SQL (GROUP BY); Python only combines the aggregated rows with the
department tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import jdatetime
from sqlalchemy import (
    Date,
    and_,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from data_access.clock import display_zone, utcnow
from data_access.departments import (
    ancestors,
    branch_of,
    descendants,
    local_name,
    parent_map,
    subtrees,
)
from data_access.errors import NotFound
from data_access.models import Department, User
from data_access.models.news import (
    Announcement,
    AnnouncementAudience,
    AnnouncementReach,
    AnnouncementReceipt,
)
from data_access.news.visibility import PriorReceipt
from data_access.permissions import Actor, can, require_active


def _scope(session: Session, actor: Actor, parents: dict[int, int | None]) -> set[int] | None:
    """Departments whose people this viewer may see reach for; None means all."""
    require_active(session, actor, "view_reach")
    if can(actor, "view_all_reach"):
        return None
    return descendants(parents, [actor.department_id])


def _relevant_to_scope(scope: set[int] | None, parents: dict[int, int | None],
                       department_id: int):
    """Items whose audience reaches into the scope: everyone, an ancestor or a department inside."""
    if scope is None:
        return literal(True)
    reaching = set(scope) | set(ancestors(parents, department_id))
    return or_(Announcement.audience_all.is_(True), Announcement.id.in_(
        select(AnnouncementAudience.announcement_id)
        .where(AnnouncementAudience.department_id.in_(sorted(reaching)))))


@dataclass(frozen=True)
class ReachChoice:
    id: int
    title: str
    publish_at: datetime
    ack_required: bool


def reach_items(session: Session, actor: Actor, limit: int = 300, now: datetime | None = None
                ) -> list[ReachChoice]:
    """Released items (newest first) whose audience reaches into the viewer's scope."""
    now = now or utcnow()
    parents = parent_map(session)
    scope = _scope(session, actor, parents)
    a = Announcement
    rows = session.execute(
        select(a.id, a.title, a.publish_at, a.ack_required)
        # `!=`, not IN: SQLite then walks the publish_at index newest first and stops early.
        .where(a.status != "draft", a.publish_at <= now,
               _relevant_to_scope(scope, parents, actor.department_id))
        .order_by(a.publish_at.desc(), a.id.desc()).limit(limit)).all()
    return [ReachChoice(row.id, row.title, row.publish_at, row.ack_required) for row in rows]


class _Rates:
    """Read and acknowledgement rates of an audience (None for an empty one)."""

    audience: int
    reads: int
    acknowledgements: int

    @property
    def read_rate(self) -> float | None:
        return self.reads / self.audience if self.audience else None

    @property
    def ack_rate(self) -> float | None:
        return self.acknowledgements / self.audience if self.audience else None


@dataclass(frozen=True)
class DepartmentReach(_Rates):
    department_id: int
    name: str
    name_en: str | None
    audience: int
    reads: int
    acknowledgements: int

    def label(self, locale: str) -> str:
        return local_name(self.name, self.name_en, locale)


@dataclass(frozen=True)
class ItemReach(_Rates):
    id: int
    title: str
    ack_required: bool
    audience: int
    reads: int
    acknowledgements: int
    departments: list[DepartmentReach]  # each department's own members
    branches: list[DepartmentReach]  # rolled up to the top branches of the viewer's scope


def _reach_item(session: Session, actor: Actor, item_id: int, now: datetime,
                parents: dict[int, int | None]) -> tuple[Announcement, set[int] | None]:
    """The item and the departments of its audience inside the viewer's scope (None: all).

    Managers see reach only for released items (as reach_items lists them); a
    draft or a scheduled item is PR's plan, not yet anyone's reading.
    """
    scope = _scope(session, actor, parents)
    item = session.get(Announcement, item_id)
    if item is None or item.status == "draft":
        raise NotFound()
    if scope is not None and (item.publish_at is None or item.publish_at > now):
        raise NotFound()
    audience: set[int] | None = None
    if not item.audience_all:
        targeted = session.scalars(select(AnnouncementAudience.department_id).where(
            AnnouncementAudience.announcement_id == item.id))
        audience = descendants(parents, targeted)
    if scope is not None:
        audience = scope if audience is None else audience & scope
        if not audience:
            raise NotFound()  # the item never reached this manager's people
    return item, audience



def item_reach(session: Session, actor: Actor, item_id: int, now: datetime | None = None
               ) -> ItemReach:
    """Audience, reads and acknowledgements of one item by department, within the viewer's scope.

    Only current, active members of the audience count, so a rate never exceeds 100%.
    """
    now = now or utcnow()
    parents = parent_map(session)
    item, audience_departments = _reach_item(session, actor, item_id, now, parents)
    r = AnnouncementReceipt
    members = select(User.department_id, func.count().label("n")).where(User.active.is_(True))
    reads = (select(User.department_id, func.count(r.read_at).label("reads"),
                    func.count(r.acknowledged_at).label("acks"))
             .join(User, User.id == r.user_id)
             .where(r.announcement_id == item.id, User.active.is_(True)))
    if audience_departments is not None:
        wanted = sorted(audience_departments)
        members = members.where(User.department_id.in_(wanted))
        reads = reads.where(User.department_id.in_(wanted))
    sizes = dict(session.execute(members.group_by(User.department_id)).tuples().all())
    counts = {row.department_id: (row.reads, row.acks)
              for row in session.execute(reads.group_by(User.department_id))}
    names = {row.id: (row.name, row.name_en) for row in session.execute(
        select(Department.id, Department.name, Department.name_en)
        .where(Department.id.in_(sorted(sizes))))} if sizes else {}
    rows = [DepartmentReach(dept, *names[dept], size, *counts.get(dept, (0, 0)))
            for dept, size in sizes.items() if size]
    rows.sort(key=lambda d: (-d.audience, d.name))
    top = None if can(actor, "view_all_reach") else actor.department_id
    branch = branch_of(parents, top)
    rolled: dict[int, list[int]] = {}
    for d in rows:
        totals = rolled.setdefault(branch.get(d.department_id, d.department_id), [0, 0, 0])
        totals[0] += d.audience
        totals[1] += d.reads
        totals[2] += d.acknowledgements
    branch_names = {row.id: (row.name, row.name_en) for row in session.execute(
        select(Department.id, Department.name, Department.name_en)
        .where(Department.id.in_(sorted(rolled))))} if rolled else {}
    branches = sorted((DepartmentReach(b, *branch_names[b], *totals)
                       for b, totals in rolled.items()), key=lambda d: (-d.audience, d.name))
    return ItemReach(item.id, item.title, item.ack_required, sum(d.audience for d in rows),
                     sum(d.reads for d in rows), sum(d.acknowledgements for d in rows), rows,
                     branches)


@dataclass(frozen=True)
class PendingPerson:
    user_id: int
    display_name: str
    username: str
    department_id: int
    department: str
    department_en: str | None
    read_at: datetime | None


def pending_acknowledgements(session: Session, actor: Actor, item_id: int, *,
                             limit: int | None = 200, offset: int = 0,
                             now: datetime | None = None) -> tuple[list[PendingPerson], int]:
    """People in the audience and the viewer's scope who have not acknowledged yet.

    Acknowledgement is compliance, not anonymous: the list names people.
    """
    now = now or utcnow()
    parents = parent_map(session)
    item, audience_departments = _reach_item(session, actor, item_id, now, parents)
    if not item.ack_required:
        return [], 0
    r = AnnouncementReceipt
    in_audience = [User.active.is_(True)]
    if audience_departments is not None:
        in_audience.append(User.department_id.in_(sorted(audience_departments)))
    # Total = audience - acknowledged: two index counts instead of a NOT EXISTS per person.
    audience = session.scalar(select(func.count()).select_from(User).where(*in_audience)) or 0
    acknowledged = session.scalar(
        select(func.count()).select_from(r).join(User, User.id == r.user_id)
        .where(r.announcement_id == item.id, r.acknowledged_at.isnot(None), *in_audience)) or 0
    # Ordered by department and id, so the index on users walks in order and stops at `limit`.
    query = (select(User.id, User.display_name, User.username, User.department_id,
                    Department.name, Department.name_en, r.read_at)
             .join(Department, Department.id == User.department_id)
             .outerjoin(r, and_(r.announcement_id == item.id, r.user_id == User.id))
             .where(*in_audience, ~exists().where(
                 PriorReceipt.announcement_id == item.id, PriorReceipt.user_id == User.id,
                 PriorReceipt.acknowledged_at.isnot(None)))
             .order_by(User.department_id, User.id))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    total = audience - acknowledged
    return [PendingPerson(*row) for row in session.execute(query).tuples()], total


@dataclass(frozen=True)
class MonthCount:
    year: int  # Jalali
    month: int
    category_id: int
    items: int


@dataclass(frozen=True)
class CategoryReadRate:
    category_id: int
    items: int
    average_read_rate: float | None


@dataclass(frozen=True)
class Activity:
    months: list[MonthCount] = field(default_factory=list)
    categories: list[CategoryReadRate] = field(default_factory=list)


def _local_day(session: Session, column, now: datetime):
    """The calendar day of a stored UTC instant in the display zone, computed in SQL."""
    zone = display_zone()
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(zone.key, func.timezone("UTC", column)), Date)
    # SQLite has no zone rules: shift by the zone's current offset (Iran keeps no DST now).
    offset = zone.utcoffset(now.replace(tzinfo=None)) or timedelta(0)
    return func.date(column, f"{int(offset.total_seconds() // 60):+d} minutes")


def activity(session: Session, actor: Actor, *, months: int = 12, now: datetime | None = None
             ) -> Activity:
    """Items published per Jalali month and category, and the average read rate by category.

    A trend, so reads are counted as they happened (AnnouncementReach): by the
    reader's department at the time, against today's active audience.
    """
    now = now or utcnow()
    parents = parent_map(session)
    scope = _scope(session, actor, parents)
    a = Announcement
    since = now - timedelta(days=31 * months)
    released = and_(a.status.in_(("live", "archived")), a.publish_at <= now,
                    a.publish_at > since,
                    _relevant_to_scope(scope, parents, actor.department_id))
    day = _local_day(session, a.publish_at, now).label("day")
    per_day = session.execute(select(day, a.category_id, func.count())
                              .where(released).group_by(day, a.category_id)).all()
    monthly: dict[tuple[int, int, int], int] = {}
    for local_day, category, count in per_day:
        jalali = jdatetime.date.fromgregorian(date=_as_date(local_day))
        key = (jalali.year, jalali.month, category)
        monthly[key] = monthly.get(key, 0) + count
    month_rows = [MonthCount(y, m, c, n) for (y, m, c), n in sorted(monthly.items())]

    # Audience size of each item inside the scope, from headcounts and the tree.
    items = session.execute(select(a.id, a.category_id, a.audience_all).where(released)).all()
    if not items:
        return Activity(month_rows, [])
    heads = dict(session.execute(select(User.department_id, func.count())
                                 .where(User.active.is_(True))
                                 .group_by(User.department_id)).tuples().all())
    targeted: dict[int, list[int]] = {}
    for item_id, dept in session.execute(
            select(AnnouncementAudience.announcement_id, AnnouncementAudience.department_id)
            .join(a, a.id == AnnouncementAudience.announcement_id).where(released)).tuples():
        targeted.setdefault(item_id, []).append(dept)
    everyone = set(parents) if scope is None else scope
    everyone_size = sum(heads.get(d, 0) for d in everyone)
    subtree = subtrees(parents)
    audiences: dict[tuple[int, ...], tuple[set[int], int]] = {}

    def audience_of(item_id: int) -> tuple[set[int], int]:
        key = tuple(sorted(targeted.get(item_id, ())))
        if key not in audiences:
            departments_in = set().union(*(subtree(d) for d in key)) & everyone
            audiences[key] = departments_in, sum(heads.get(d, 0) for d in departments_in)
        return audiences[key]

    # Reads from the per-department counters (see AnnouncementReach): summed per item
    # for items addressed to everyone, per item and department for targeted ones
    # (kept when the department is still in the audience).
    counter = AnnouncementReach

    def counted(*columns):
        query = (select(counter.announcement_id, *columns, func.sum(counter.reads))
                 .join(a, a.id == counter.announcement_id).where(released)
                 .group_by(counter.announcement_id, *columns))
        if scope is not None:
            query = query.where(counter.department_id.in_(sorted(scope)))
        return query

    reads = {item_id: int(total) for item_id, total in session.execute(
        counted().where(a.audience_all.is_(True))).tuples()}
    for item_id, dept, count in session.execute(
            counted(counter.department_id).where(a.audience_all.is_(False))).tuples():
        if dept in audience_of(item_id)[0]:
            reads[item_id] = reads.get(item_id, 0) + int(count)
    rates: dict[int, list[float]] = {}
    for row in items:
        size = everyone_size if row.audience_all else audience_of(row.id)[1]
        if size:
            rates.setdefault(row.category_id, []).append(min(1.0, reads.get(row.id, 0) / size))
    categories_rows = [CategoryReadRate(c, len(v), sum(v) / len(v)) for c, v in rates.items()]
    categories_rows.sort(key=lambda c: c.category_id)
    return Activity(month_rows, categories_rows)


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
