"""What the monthly report says, read once from data_access (no Streamlit is called
here, so it is tested on both databases like any data read).

pr and admin report on the whole organisation, a manager on their department subtree:
the scope is the same every read below uses (reach, results, action items), so nothing
of another subtree enters a manager's report. Survey figures come from the results
page's own reads (group results, trend) and its headline (dashboard/surveys/story.py):
a figure the results page hides for that group is absent here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from data_access import action_items, departments, kpis, news, surveys
from data_access.clock import display_zone, utcnow
from data_access.kpis import Period
from data_access.models import Department
from data_access.models.meetings import Decision, Meeting
from data_access.permissions import Actor, can, require_active

CAPABILITY = "view_kpis"  # pr and admin: all departments; managers: their subtree
NEWS_ITEMS = 10  # the month's items whose reach is listed
NEWS_LOOKED_AT = 10_000
OVERDUE_ITEMS = 20
TREND_MONTHS = 12


@dataclass(frozen=True)
class KpiRow:
    code: str
    name_fa: str
    name_en: str | None
    unit: str
    decimals: int
    value: float | None
    target: float | None
    previous: float | None
    change: float | None
    status: str | None  # on_track | at_risk | off_track | None
    suppressed: bool
    # (period key, first day, value or None, status): the last TREND_MONTHS months
    history: tuple[tuple[str, date, float | None, str | None], ...] = ()


@dataclass(frozen=True)
class SurveyHeadline:
    title_fa: str
    title_en: str | None
    closes_at: datetime
    k: int
    hidden: str | None  # why the group's results are hidden (None: shown)
    participation: float | None  # None when hidden
    respondents: int | None
    drivers: tuple[tuple[str, float], ...]  # shown drivers' scores only
    sentences: tuple[str, ...]  # the results page's headline, in the report's language


@dataclass(frozen=True)
class NewsRow:
    title: str
    published_at: datetime
    audience: int
    read_rate: float | None
    ack_required: bool
    ack_rate: float | None


@dataclass(frozen=True)
class MeetingsSummary:
    held: int  # held or approved meetings that started in the month
    approved: int
    decisions: int  # decisions recorded at those meetings
    implemented: int


@dataclass(frozen=True)
class OverdueRow:
    title: str
    owner: str
    department_fa: str | None
    department_en: str | None
    due_on: date


@dataclass(frozen=True)
class MonthlyReport:
    period: Period
    lang: str
    scope_fa: str  # the organisation or the manager's department
    scope_en: str | None
    whole_organisation: bool
    generated_at: datetime
    kpis: list[KpiRow] = field(default_factory=list)
    survey: SurveyHeadline | None = None
    news_items: int = 0  # released in the month, in scope
    news: list[NewsRow] = field(default_factory=list)
    meetings: MeetingsSummary = MeetingsSummary(0, 0, 0, 0)
    overdue_total: int = 0
    overdue: list[OverdueRow] = field(default_factory=list)


def _instant(day: date) -> datetime:
    """Local midnight of `day` as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=display_zone()).astimezone(UTC)


def _kpi_rows(session: Session, actor: Actor, period: Period) -> list[KpiRow]:
    """The KPI cards of the viewer's scope (the root for pr and admin, a manager's own
    department), with twelve months of history for the charts."""
    department_id = kpis.scope_department(session, actor, None)
    rows = []
    for card in kpis.cards(session, actor, department_id, period, spark=TREND_MONTHS):
        info = card.kpi
        history = tuple(
            (p.period.key, p.period.start, None if p.suppressed else p.value,
             None if p.suppressed or p.value is None
             else kpis.status(p.value, info.direction, info.amber, info.red))
            for p in card.sparkline)
        rows.append(KpiRow(info.code, info.name_fa, info.name_en, info.unit, info.decimals,
                           None if card.suppressed else card.value, info.target,
                           None if card.suppressed else card.previous,
                           None if card.suppressed else card.change,
                           None if card.suppressed else card.status, card.suppressed,
                           history))
    return rows


def _survey(session: Session, actor: Actor, end: datetime, lang: str) -> SurveyHeadline | None:
    # Imported here: the story module is the results page's, and imports Streamlit.
    from dashboard.surveys import story
    from dashboard.surveys.viewer import Viewer

    if not can(actor, "view_survey_results"):
        return None
    closed = [w for w in surveys.result_waves(session, actor)
              if w.status == "closed" and w.closes_at < end]
    if not closed:
        return None
    wave = max(closed, key=lambda w: w.closes_at)
    department_id = surveys.default_department(actor)
    results = surveys.group_results(session, actor, wave.wave_id, department_id)
    base = dict(title_fa=wave.title_fa, title_en=wave.title_en, closes_at=wave.closes_at,
                k=wave.min_group_size)
    if results.hidden:
        return SurveyHeadline(**base, hidden=results.hidden, participation=None,
                              respondents=None, drivers=(), sentences=())
    part = results.participation
    drivers = tuple((d.driver, d.score) for d in results.drivers
                    if not d.hidden and d.score is not None)
    points = surveys.survey_trend(session, actor, wave.survey_id, department_id)
    compared = department_id is not None and results.organisation_participation is not None
    found = story.headline(results.drivers, story.previous_scores(points, wave), compared)
    viewer = Viewer(actor, lang, False, False, False, can(actor, "view_all_results"))
    said = tuple(story.sentences(viewer, found)) if found else ()
    return SurveyHeadline(**base, hidden=None,
                          participation=None if part.hidden else part.rate,
                          respondents=None if part.hidden else part.respondents,
                          drivers=drivers, sentences=said)


def _news(session: Session, actor: Actor, start: datetime, end: datetime
          ) -> tuple[int, list[NewsRow]]:
    if not can(actor, "view_reach"):
        return 0, []
    # Newest first from the month's end: the month's items come first (about 1,700 a
    # month at scale L, so the limit is well above a month's worth).
    released = news.reach_items(session, actor, limit=NEWS_LOOKED_AT, now=min(end, utcnow()))
    in_month = [i for i in released if start <= i.publish_at < end]
    # Those that asked for acknowledgement first (compliance), then the newest.
    listed = sorted(in_month, key=lambda i: not i.ack_required)[:NEWS_ITEMS]
    rows = []
    for item in listed:
        reach = news.item_reach(session, actor, item.id)
        rows.append(NewsRow(item.title, item.publish_at, reach.audience, reach.read_rate,
                            item.ack_required, reach.ack_rate if item.ack_required else None))
    return len(in_month), rows


def meetings_summary(session: Session, actor: Actor, start: datetime, end: datetime
                     ) -> MeetingsSummary:
    """Meetings of the scope held in [start, end) and their decisions: counts only, so a
    confidential meeting is counted without its title or its decisions' text."""
    require_active(session, actor, CAPABILITY)
    held = (Meeting.starts_at >= start) & (Meeting.starts_at < end) \
        & Meeting.status.in_(("held", "approved"))
    if not can(actor, "view_all_results"):
        held = held & Meeting.department_id.in_(
            sorted(departments.subtree_ids(session, actor.department_id)))
    count, approved = session.execute(
        select(func.count(), func.coalesce(func.sum(case((Meeting.status == "approved", 1),
                                                         else_=0)), 0))
        .where(held)).one()
    decided, implemented = session.execute(
        select(func.count(Decision.id),
               func.coalesce(func.sum(case((Decision.status == "implemented", 1), else_=0)), 0))
        .join(Meeting, Meeting.id == Decision.meeting_id).where(held)).one()
    return MeetingsSummary(int(count), int(approved), int(decided), int(implemented))


def _overdue(session: Session, actor: Actor) -> tuple[int, list[OverdueRow]]:
    if not can(actor, "create_action_items"):
        return 0, []
    page = action_items.team(session, actor, "managed", overdue_only=True,
                             size=OVERDUE_ITEMS)
    return page.total, [OverdueRow(i.title, i.owner, i.department_fa, i.department_en,
                                   i.due_on) for i in page.items]


def _scope_names(session: Session, actor: Actor) -> tuple[str, str | None, bool]:
    if can(actor, "view_all_results"):
        return "", None, True
    row = session.execute(select(Department.name, Department.name_en)
                          .where(Department.id == actor.department_id)).one()
    return row.name, row.name_en, False


def gather(session: Session, actor: Actor, period: Period, lang: str,
           now: datetime | None = None) -> MonthlyReport:
    """Everything the month's report shows, in the actor's scope."""
    require_active(session, actor, CAPABILITY)
    if period.kind != "month":
        raise ValueError("the monthly report is for a month")
    start, end = _instant(period.start), _instant(period.end)
    scope_fa, scope_en, whole = _scope_names(session, actor)
    kpi_rows = _kpi_rows(session, actor, period)
    count, news_rows = _news(session, actor, start, end)
    total, overdue = _overdue(session, actor)
    return MonthlyReport(period, lang, scope_fa, scope_en, whole, now or utcnow(),
                         kpis=kpi_rows,
                         survey=_survey(session, actor, end, lang), news_items=count,
                         news=news_rows, meetings=meetings_summary(session, actor, start, end),
                         overdue_total=total, overdue=overdue)
