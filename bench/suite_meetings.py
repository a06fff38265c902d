"""Meeting records: the list, the register search, one meeting, and decision numbering
under 16 concurrent writers.

Figures are printed, never asserted. Target: warm rerun of /meetings (list, register)
≤ 250 ms at L on SQLite and PostgreSQL, and L ≤ 2× S.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, delete, func, select

from bench.harness import BenchPage, read_timer
from data_access import action_items, db, meetings, users
from data_access.models.action_items import ActionItem
from data_access.models.meetings import Decision, DecisionCounter, Meeting

PAGES = [
    BenchPage("meetings, mine (employee)", "meetings.py", "employee"),
    BenchPage("meetings, all visible (manager)", "meetings.py", "manager", {"mt_mine": False}),
    BenchPage("decision register (pr)", "meetings.py", "pr", {"mt_view": "register"}),
    BenchPage("decision register search (manager)", "meetings.py", "manager",
              {"mt_view": "register", "mt_reg_search": "بازديد كارگاه"}),
    BenchPage("action items, mine (employee)", "action_items.py", "employee"),
    BenchPage("action items, team (manager)", "action_items.py", "manager",
              {"actions_view": "managed"}),
    BenchPage("action items, my meetings' (manager)", "action_items.py", "manager",
              {"actions_view": "organised"}),
]
RUNS = 5
WRITERS = 16
SCRATCH_YEAR = 9999  # numbered and removed again: the demo's register is left as it was


def _numbering(engine: Engine) -> str:
    """16 writers take one number each at once: time, and whether it was 1..16."""
    taken: list[int] = []
    barrier = threading.Barrier(WRITERS)

    def take() -> None:
        barrier.wait()
        with db.session_scope(engine) as session:
            taken.append(meetings.next_sequence(session, SCRATCH_YEAR))

    threads = [threading.Thread(target=take) for _ in range(WRITERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    with db.session_scope(engine) as session:
        session.execute(delete(DecisionCounter).where(DecisionCounter.year == SCRATCH_YEAR))
    verdict = "gapless, unique" if sorted(taken) == list(range(1, WRITERS + 1)) else \
        f"WRONG: {sorted(taken)}"
    return f"{elapsed * 1000:.0f} ms for {WRITERS} ({WRITERS / elapsed:.0f}/s), {verdict}"


def extra(engine: Engine, scale: str) -> list[tuple[str, str]]:
    with db.session_scope(engine) as session:
        counts = [session.scalar(select(func.count()).select_from(model))
                  for model in (Meeting, Decision, ActionItem)]
        employee = users.active_actor(session, "employee")
        manager = users.active_actor(session, "manager")
        pr = users.active_actor(session, "pr")
        opened = session.scalar(select(Meeting.id).where(
            Meeting.organiser_id == manager.id, Meeting.status == "approved")
            .order_by(Meeting.starts_at.desc()))

    timed = read_timer(engine, "meetings", RUNS)

    figures = [("meetings: meetings / decisions / action items",
                " / ".join(f"{n:,}" for n in counts))]
    if opened is None:
        return figures + [("meetings: (no demo meetings)", "built before them: use --rebuild")]
    return figures + [
        timed("mine, page 1 (employee)", meetings.meetings, employee, mine=True),
        timed("all visible, page 1 (manager)", meetings.meetings, manager),
        timed("visible count (employee)", meetings.meeting_count, employee),
        timed("one meeting (manager)", meetings.meeting_detail, manager, opened),
        timed("register page 1 (pr)", meetings.search_register, pr),
        timed("register search «بازديد» (manager)", meetings.search_register, manager,
              "بازديد"),
        timed("register by number (manager)", meetings.search_register, manager,
              "۱۴۰۵-۰۰۱"),
        timed("action items, mine (employee)", action_items.owned_by, employee),
        timed("action items, team page 1 (manager)", action_items.team, manager, "managed"),
        timed("action items, team overdue (pr)", action_items.team, pr, "managed",
              overdue_only=True),
        timed("action items, my meetings' (manager)", action_items.team, manager,
              "organised"),
        timed("home: next meetings + notices (employee)", meetings.approval_notices,
              employee),
        ("meetings: decision numbering, 16 writers at once", _numbering(engine)),
    ]
