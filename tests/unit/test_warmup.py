"""The warm-up imports in the background, once per process and list, and never fails."""

from __future__ import annotations

import sys
import threading

from dashboard import launch, warmup


def _join_warmups() -> None:
    for thread in threading.enumerate():
        if thread.name == "peyvand-warmup":
            thread.join(timeout=60)


def test_a_list_is_imported_once_and_a_missing_module_is_only_logged(caplog):
    modules = ("json", "no_such_module_for_the_warmup_test")
    assert warmup.start(modules) is True
    assert warmup.start(modules) is False  # once per process
    _join_warmups()
    assert "json" in sys.modules
    assert "no_such_module_for_the_warmup_test" in caplog.text


def test_every_module_named_for_warming_exists():
    """A renamed module would only be logged at start-up: catch it here instead."""
    import importlib.util

    for name in (*launch.SIGN_IN, *warmup.MODULES):
        assert importlib.util.find_spec(name) is not None, name

