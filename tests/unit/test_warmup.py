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



def test_the_launcher_imports_the_sign_in_modules_before_streamlit_starts(monkeypatch):
    """Streamlit's server starts only after the imports: no thread races it for the GIL."""
    from streamlit.web import cli

    imported_before_start: list[bool] = []
    monkeypatch.delitem(sys.modules, "tabnanny", raising=False)
    monkeypatch.setattr(launch, "SIGN_IN", ("tabnanny", "no_such_module_for_the_launcher_test"))
    monkeypatch.setattr(launch.warm, "__defaults__", (launch.SIGN_IN,))
    monkeypatch.setattr(cli, "main", lambda: imported_before_start.append(
        "tabnanny" in sys.modules and not any(thread.name == "peyvand-warmup"
                                          for thread in threading.enumerate())) or 0)
    monkeypatch.setattr(sys, "argv", ["launch"])
    assert launch.main(["--server.port", "1"]) == 0
    assert imported_before_start == [True]
    assert sys.argv[-2:] == ["--server.port", "1"]
