"""Real servers for the tests that need them (tests/load, tests/faults): app processes
(`python -m dashboard.launch`, as deployed) and the shipped nginx site in front of them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dashboard.replicas import nginx_prefix, wait_healthy

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def key_dir(path: Path) -> Iterator[Path]:
    """Seed with the survey key directory the servers will use: an open wave's key
    is written where the server looks for it (INTRANET_KEY_DIR), not in ./keys."""
    saved = os.environ.get("INTRANET_KEY_DIR")
    os.environ["INTRANET_KEY_DIR"] = str(path)
    try:
        yield path
    finally:
        if saved is None:
            os.environ.pop("INTRANET_KEY_DIR")
        else:
            os.environ["INTRANET_KEY_DIR"] = saved


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def consecutive_free_ports(count: int) -> int:
    """The first of `count` free ports in a row."""
    for _ in range(50):
        first = free_port()
        if first + count < 65535 and all(is_free(first + i) for i in range(count)):
            return first
    raise RuntimeError("no free run of ports")


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log: Path
    port: int = 0

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, open transactions are cut off mid-way."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def start_app(env: dict[str, str], workdir: Path, port: int | None = None) -> AppServer:
    """`python -m dashboard.launch` (the app as `make run` starts it) on a free port of
    127.0.0.1, healthy when returned."""
    port = port or free_port()
    log = workdir / f"streamlit-{port}.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.launch",  # as `make run` and the units start it
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
            cwd=ROOT, env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT)
    server = AppServer(f"http://127.0.0.1:{port}", process, log, port)
    try:
        wait_healthy(server.url, process)
    except RuntimeError:
        server.stop()
        pytest.fail(f"the app did not start; see {log}: {log.read_text()[-2000:]}")
    return server


@dataclass
class Proxy:
    """The shipped nginx site (deploy/nginx/peyvand.conf) in front of some app servers."""

    url: str
    process: subprocess.Popen
    prefix: Path
    replicas: list[AppServer] = field(default_factory=list)

    def stop(self) -> None:
        if self.process.poll() is None:
            # SIGTERM, a fast shutdown: SIGQUIT would wait for open websockets (1-day timeouts)
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.prefix, ignore_errors=True)


def require_nginx(in_ci: bool) -> None:
    if shutil.which("nginx") is None:
        if in_ci:
            pytest.fail("nginx is required in CI (.ci/run installs it)")
        pytest.skip("nginx is not installed (apt-get install nginx)")


def start_proxy(replicas: list[AppServer], port: int | None = None) -> Proxy:
    """nginx with the shipped site on 127.0.0.1:port in front of `replicas`, answering
    with the X-Peyvand-Replica header (which replica served a request)."""
    port = port or free_port()
    prefix, conf = nginx_prefix(port, [r.port for r in replicas], show_replica=True)
    process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(prefix), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    proxy = Proxy(f"http://127.0.0.1:{port}", process, prefix, list(replicas))
    try:
        wait_healthy(proxy.url, process, seconds=30)
    except RuntimeError:
        proxy.stop()
        pytest.fail(f"nginx did not start: {(prefix / 'error.log').read_text()[-2000:]}")
    return proxy
