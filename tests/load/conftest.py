"""Real app servers (streamlit subprocesses) for the load harness and the replica tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard.replicas import wait_healthy  # noqa: F401 - the tests import it from here

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_app(env: dict[str, str], workdir: Path, port: int | None = None) -> AppServer:
    """`streamlit run dashboard/app.py` on a free port of 127.0.0.1, healthy when returned."""
    port = port or free_port()
    log = workdir / f"streamlit-{port}.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
            cwd=ROOT, env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT)
    server = AppServer(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_healthy(server.url, process)
    except RuntimeError:
        server.stop()
        pytest.fail(f"the app did not start; see {log}: {log.read_text()[-2000:]}")
    return server
