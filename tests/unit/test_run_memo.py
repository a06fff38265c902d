"""The per-run memo of cached reads (dashboard/cache.py): one object per run and
arguments, a fresh read in the next run, and none of it after a write in the run."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script():
    import streamlit as st

    from dashboard import cache

    calls = st.session_state.setdefault("calls", [])
    if "labels" not in st.session_state:  # one function for every run, as a module's is

        @cache.for_this_run
        def labels(database: str) -> tuple[str, ...]:
            calls.append(database)
            return ("a", "b")

        st.session_state["labels"] = labels
    labels = st.session_state["labels"]

    first = labels("db1")
    assert labels("db1") is first  # the same run: the same object, no second read
    labels("db2")  # other arguments: read
    if st.session_state.get("write"):
        cache.invalidate("test-group")  # what a write does: the run reads again
        labels("db1")
    st.write(len(calls))


def test_a_read_is_made_once_per_run_and_again_in_the_next_run_or_after_a_write():
    at = AppTest.from_function(_script).run()
    assert not at.exception, at.exception
    assert at.session_state["calls"] == ["db1", "db2"]
    at.run()
    assert at.session_state["calls"] == ["db1", "db2"] * 2
    at.session_state["write"] = True
    at.run()
    assert at.session_state["calls"] == ["db1", "db2"] * 3 + ["db1"]


def test_outside_a_run_nothing_is_remembered():
    from dashboard import cache

    calls = []

    @cache.for_this_run
    def read() -> int:
        calls.append(1)
        return 1

    read()
    read()
    assert len(calls) == 2
