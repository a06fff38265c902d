"""The time-bounded memo (dashboard/cache.py `for_seconds`) and the urgent-items version
it keeps: one read per process per bound, a change made on another replica seen once the
bound has passed, and at once after a write in this process."""

from __future__ import annotations

import pytest

from dashboard import cache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(cache, "_now", clock)
    return clock


def test_a_value_is_read_once_within_the_bound_and_again_after_it(clock):
    calls = []

    @cache.for_seconds("test-bound", 3)
    def version(database: str) -> int:
        calls.append(database)
        return len(calls)

    assert version("db1") == 1
    clock.now += 2.5
    assert version("db1") == 1  # within the bound: no second read
    assert version("db2") == 2  # other arguments: their own read
    clock.now += 0.5
    assert version("db1") == 3  # the bound has passed: read again
    assert calls == ["db1", "db2", "db1"]


def test_a_write_in_this_process_forgets_at_once(clock):
    calls = []

    @cache.for_seconds("test-forget", 60)
    def version() -> int:
        calls.append(1)
        return len(calls)

    assert version() == 1
    cache.drop("test-forget")  # what invalidate("test-forget") does for everyone
    assert version() == 2
    version()
    cache.clear_all()
    assert version() == 3


def test_the_urgent_version_is_bounded_to_a_few_seconds(clock, monkeypatch):
    """Another replica publishes an urgent notice: this process reads the version once
    per bound (not once per page run) and shows the new notice within the bound."""
    from dashboard.news import reads

    assert 0 < reads.URGENT_VERSION_SECONDS <= 5
    stored = {"version": (7, 1)}
    reads_made = []

    def read(query, *args):
        reads_made.append(query)
        return stored["version"]

    monkeypatch.setattr(reads, "read", read)
    cache.drop(reads.GROUP)
    try:
        assert reads._urgent_version("db") == (7, 1)
        stored["version"] = (8, 2)  # published elsewhere
        clock.now += reads.URGENT_VERSION_SECONDS / 2
        assert reads._urgent_version("db") == (7, 1)  # many runs, one query
        assert len(reads_made) == 1
        clock.now += reads.URGENT_VERSION_SECONDS / 2
        assert reads._urgent_version("db") == (8, 2)  # seen within the bound
        assert len(reads_made) == 2
    finally:
        cache.drop(reads.GROUP)
