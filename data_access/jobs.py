"""Periodic jobs that must run once at a time across every app replica and the CLI.

Every replica runs the survey clock once a minute, and so may a systemd timer; a
PostgreSQL advisory lock lets one of them do the work while the others skip it. The
lock belongs to the job's transaction: it is released at commit or rollback, and by
the server if the process dies, so a killed replica never leaves it held. SQLite
serves one machine and serialises writers itself.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from data_access import surveys
from data_access.db import session_scope
from data_access.surveys import sealing

SURVEY_CLOCK = "peyvand:survey-clock"


def lock_key(job: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_xact_lock."""
    return int.from_bytes(hashlib.sha256(job.encode()).digest()[:8], "big", signed=True)


def claim_job(session: Session, job: str) -> bool:
    """Claim `job` for the rest of this transaction; False if another process holds it."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"),
                               {"key": lock_key(job)}))


def run_survey_clock(engine: Engine, now: datetime | None = None) -> surveys.ClockTick | None:
    """Open and close the waves that are due, unless another process is doing it right
    now (then None: that process does the work)."""
    with session_scope(engine) as session:
        if not claim_job(session, SURVEY_CLOCK):
            return None
        tick = surveys.open_due_waves(session, now)
    # Closing destroys a wave's key after commit; this finishes the job if a process
    # died in between.
    sealing.destroy_closed_wave_keys(engine)
    return tick
