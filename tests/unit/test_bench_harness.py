"""The bench's one timing loop for uncached reads (bench/harness.read_timer)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bench.harness import read_timer
from data_access import db


def test_a_read_is_timed_in_sessions_of_its_own_and_printed_with_its_suite(tmp_path):
    engine = db.get_engine(f"sqlite:///{tmp_path / 'bench.db'}")
    calls = []

    def query(session, *args, **kwargs) -> None:
        calls.append((isinstance(session, Session), args, kwargs))

    timed = read_timer(engine, "kpis", 3)
    label, figure = timed("cards (pr)", query, "pr", spark=8)
    assert label == "kpis: cards (pr)"
    assert figure.endswith(" ms") and float(figure.removesuffix(" ms")) >= 0
    assert calls == [(True, ("pr",), {"spark": 8})] * 3
