"""Internal news: the feed and the reach pages, and the queries behind them.

Figures are printed, never asserted. Target: warm rerun of the feed and the
reach page ≤ 250 ms at L on SQLite and PostgreSQL, and L ≤ 2× S.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from bench.harness import BenchPage, read_timer
from data_access import db, news, users
from data_access.models.news import Announcement, AnnouncementReach, AnnouncementReceipt

PAGES = [
    BenchPage("news feed (employee)", "news.py", "employee"),
    BenchPage("news reach, latest item (pr)", "news.py", "pr", {"news_view": "reach"}),
    BenchPage("news reach, own subtree (manager)", "news.py", "manager",
              {"news_view": "reach"}),
    BenchPage("news trends, 6 months (pr)", "news.py", "pr",
              {"news_view": "reach", "news_reach_mode": "trend"}),
]
RUNS = 5


def extra(engine: Engine, scale: str) -> list[tuple[str, str]]:
    """Row counts and the uncached cost of each query the pages make."""
    with db.session_scope(engine) as session:
        counts = {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                  for model in (Announcement, AnnouncementReceipt, AnnouncementReach)}
        employee = users.active_actor(session, "employee")
        pr = users.active_actor(session, "pr")
        manager = users.active_actor(session, "manager")
        latest = news.reach_items(session, pr, limit=1)[0].id
        # The demo's urgent notice: addressed to everyone and acknowledgement required,
        # the largest audience an item can have.
        urgent = session.scalar(select(Announcement.id).where(
            Announcement.priority == "urgent", Announcement.audience_all.is_(True),
            Announcement.ack_required.is_(True)).order_by(Announcement.id))

    timed = read_timer(engine, "news", RUNS)

    return [
        ("news: announcements / receipts / reach counters",
         " / ".join(f"{n:,}" for n in counts.values())),
        timed("feed page 1 (employee)", news.feed, employee),
        timed("feed search «كاركنان» (employee)", news.feed, employee, search="كاركنان"),
        timed("unread count + urgent (employee)",
              lambda s, a: (news.unread_count(s, a), news.urgent_notices(s, a)), employee),
        timed("item reach, latest item (pr)", news.item_reach, pr, latest),
        timed("item reach, urgent notice to all (pr)", news.item_reach, pr, urgent),
        timed("item reach, urgent notice (manager)", news.item_reach, manager, urgent),
        timed("not yet acknowledged, first 200 (pr)", news.pending_acknowledgements, pr,
              urgent),
        timed("activity, 12 months (pr)", news.activity, pr, months=12),
        timed("activity, 12 months (manager)", news.activity, manager, months=12),
    ]
