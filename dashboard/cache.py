"""One viewer cache for every feature.

A cached read is keyed by the database (one process may serve or benchmark
several), by everything about the viewer that changes a result (`ViewerKey`)
and by a per-group generation held in the viewer's session. A write then
calls `invalidate(group)`: the writer's own next reads see it at once (their
generation moved) and, for a write that changes what others see too
(`everyone=True`, the default), every cached read of the group is dropped.

    @cached("surveys", ttl=120)
    def _waves(key: ViewerKey, generation: int) -> list[...]:
        return read(surveys.result_waves, actor_of(key))

    def waves(actor): return _waves(viewer_key(actor), generation("surveys"))

A read called several times in one run (the news badges' category labels, the
attention summary three hooks share) takes `per_run=True`: the first call of a run
goes to st.cache_data, later calls with the same arguments get the same object back
without Streamlit's per-call cost (hashing the arguments, copying the value). Only
for values nobody mutates (frozen dataclasses, numbers, bytes, lists only read).

A tiny read that is the same for every viewer, that other replicas change and that
every run asks for (the urgent-items version that keys the banner) takes
`for_seconds`: one read per process every few seconds, so a change made on another
replica is seen within that bound, and at once after a write in this process.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from data_access.db import database_url
from data_access.permissions import Actor

F = TypeVar("F", bound=Callable[..., Any])
# (database, user id, username, role, department): everything a viewer's results depend on.
ViewerKey = tuple[str, int, str, str, int]
_GROUPS: dict[str, list[Any]] = {}


def viewer_key(actor: Actor) -> ViewerKey:
    return (database_url(), actor.id, actor.username, actor.role, actor.department_id)


def actor_of(key: ViewerKey) -> Actor:
    return Actor(id=key[1], username=key[2], role=key[3], department_id=key[4])


def database_key() -> str:
    """For reads that are the same for every viewer (still one entry per database)."""
    return database_url()


def generation(group: str) -> int:
    return st.session_state.get(f"_generation_{group}", 0)


_RUN_MEMO = "_cache_run_memo"


def run_memo() -> dict:
    """A dict that lives for the current script run only (empty outside a run).

    Streamlit gives each run (a rerun, a callback's run, a fragment's) a fresh cursor
    table, `ctx.cursors`; the memo belongs to the run whose table it was made with.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return {}
    held = st.session_state.get(_RUN_MEMO)
    if held is None or held[0] is not ctx.cursors:
        held = (ctx.cursors, {})
        st.session_state[_RUN_MEMO] = held
    return held[1]


def for_this_run(function: F) -> F:
    """Remember `function`'s results, by arguments, until the end of this run."""

    @functools.wraps(function)
    def memoised(*args: Any, **kwargs: Any) -> Any:
        memo = run_memo()
        key = (memoised, args, tuple(sorted(kwargs.items())))
        try:
            return memo[key]
        except KeyError:
            value = memo[key] = function(*args, **kwargs)
            return value
        except TypeError:  # an unhashable argument: no memo
            return function(*args, **kwargs)

    return memoised  # type: ignore[return-value]


def _now() -> float:
    """The clock `for_seconds` reads (a test moves it)."""
    return time.monotonic()


def for_seconds(group: str, seconds: float, max_entries: int = 64) -> Callable[[F], F]:
    """Remember `function`'s results, by arguments, for at most `seconds` in this
    process, shared by every session. For a small value the same for every viewer
    (never per-user data) that any replica may change: a change elsewhere shows within
    `seconds`; `invalidate(group)`/`drop(group)` after a write here forget it at once."""

    def wrap(function: F) -> F:
        held: dict[tuple, tuple[float, Any]] = {}

        @functools.wraps(function)
        def remembered(*args: Any) -> Any:
            started = _now()
            entry = held.get(args)
            if entry is not None and started - entry[0] < seconds:
                return entry[1]
            value = function(*args)
            if len(held) >= max_entries:
                held.clear()
            held[args] = (started, value)  # timed from before the read: never older
            return value

        remembered.clear = held.clear  # type: ignore[attr-defined]
        _GROUPS.setdefault(group, []).append(remembered)
        return remembered  # type: ignore[return-value]

    return wrap


def cached(group: str, ttl: int, max_entries: int = 5_000,
           per_run: bool = False) -> Callable[[F], F]:
    """st.cache_data with a TTL, registered under `group` so invalidate() finds it;
    with `per_run`, also remembered for the rest of the run (see the module's note)."""

    def wrap(function: F) -> F:
        wrapped = st.cache_data(ttl=ttl, show_spinner=False, max_entries=max_entries)(function)
        _GROUPS.setdefault(group, []).append(wrapped)
        if not per_run:
            return wrapped  # type: ignore[return-value]
        memoised = for_this_run(wrapped)
        memoised.clear = wrapped.clear  # type: ignore[attr-defined]
        return memoised

    return wrap


def invalidate(group: str, everyone: bool = True) -> None:
    """After a write: this viewer's reads of `group` refresh; with `everyone`, all
    viewers' cached reads of the group are dropped too."""
    st.session_state[f"_generation_{group}"] = generation(group) + 1
    run_memo().clear()  # a read after the write in this same run reads again
    if everyone:
        drop(group)


def drop(group: str) -> None:
    """Every viewer's cached reads of `group`, without touching a session: for work
    outside a page run (the survey clock's thread)."""
    for function in _GROUPS.get(group, ()):
        function.clear()


def clear_all() -> None:
    """Every cached read of every group (tests and benchmarks' cold runs)."""
    for functions in _GROUPS.values():
        for function in functions:
            function.clear()
