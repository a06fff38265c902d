"""Real app servers (streamlit subprocesses) for the load harness and the replica tests;
the starting code lives in tests/servers.py, shared with tests/faults."""

from __future__ import annotations

from tests.servers import (  # noqa: F401 - the tests import them from here
    ROOT,
    AppServer,
    free_port,
    start_app,
    wait_healthy,
)
