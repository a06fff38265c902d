"""`python -m dashboard serve --replicas 3`: nginx (the shipped site) in front of three
app processes. Browsers behind one address are spread by nginx's own cookie, each stays
on its replica, websockets pass through, and Ctrl-C stops everything."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

from bench import load
from data_access import db
from data_access.demo import create_load_accounts, parse_mix, seed_demo
from tests.conftest import IN_CI
from tests.load.conftest import ROOT, free_port, wait_healthy
from tests.servers import consecutive_free_ports, key_dir

PASSWORD = "load-pass-1"
MIX = parse_mix("employee=0.5,manager=0.3,pr=0.2")
REPLICAS = 3


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    if shutil.which("nginx") is None:
        if IN_CI:
            pytest.fail("nginx is required in CI (.ci/run installs it)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    workdir = tmp_path_factory.mktemp("replicas")
    url = f"sqlite:///{workdir / 'replicas.db'}"
    engine = db.get_engine(url)
    db.upgrade(engine)
    with key_dir(workdir / "keys"), db.session_scope(engine) as session:
        seed_demo(session, "S", seed=6)
        create_load_accounts(session, 3, PASSWORD, MIX)
    engine.dispose()
    port, first = free_port(), consecutive_free_ports(REPLICAS)
    env = {**os.environ, "DATABASE_URL": url, "INTRANET_DATA_DIR": str(workdir),
           "INTRANET_KEY_DIR": str(workdir / "keys"),
           "INTRANET_COOKIE_KEY": os.urandom(32).hex(), "INTRANET_BCRYPT_ROUNDS": "4"}
    log = open(workdir / "serve.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", "--replicas", str(REPLICAS), "--port",
         str(port), "--first-port", str(first), "--show-replica"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, seconds=180)
    except RuntimeError:
        process.kill()
        log.close()
        pytest.fail((workdir / "serve.log").read_text()[-3000:])
    yield process, port, [first + i for i in range(REPLICAS)]
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


def _get(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """(replica that answered, the affinity cookie nginx set or None)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        set_cookie = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []
                      if c.startswith("peyvand_node=")]
        return response.headers["X-Peyvand-Replica"], (set_cookie[0] if set_cookie else None)


def test_six_browsers_behind_one_address_spread_and_each_stays_on_its_replica(replicas):
    _, port, replica_ports = replicas
    url = f"http://127.0.0.1:{port}/"
    seen: set[str] = set()
    # Six new browsers, all from 127.0.0.1 (ip_hash would put all six on one replica).
    # Each lands on 1 of 3 at random, so six on one replica happens 1 time in 243: a
    # second and third group of six make that one in 14 million.
    for _ in range(3):
        for _ in range(6):
            replica, cookie = _get(url)
            assert cookie is not None, "nginx sets the affinity cookie on a first visit"
            for _ in range(3):  # later requests with the cookie: always the same replica
                again, new_cookie = _get(url, cookie)
                assert again == replica
                assert new_cookie is None, "the cookie is set once, not on every response"
            seen.add(replica)
        if len(seen) > 1:
            break
    assert len(seen) > 1
    assert seen <= {f"127.0.0.1:{p}" for p in replica_ports}


def test_signed_in_sessions_work_through_nginx(replicas):
    _, port, _ = replicas
    config = load.Config(f"http://127.0.0.1:{port}", users=3, duration=20, think=0.3, mix=MIX,
                         password=PASSWORD, timeout=60)
    report = load.run_sync(config)
    assert report.errors == {}, report.error_samples
    assert report.signed_in == 3 and report.interactions >= 3
    assert sum(report.replicas.values()) == 3


def test_the_readiness_route_answers_through_nginx_from_a_replica(replicas):
    """/api/health (dashboard/server.py) passes through the shipped site: it reached
    the database and found the schema at head, and says nothing more."""
    _, port, replica_ports = replicas
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=30) as response:
        assert response.status == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Peyvand-Replica"] in {f"127.0.0.1:{p}" for p in replica_ports}
        assert json.loads(response.read()) == {
            "status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


def test_ctrl_c_stops_nginx_and_every_replica(replicas):
    process, port, replica_ports = replicas
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    for listening in (port, *replica_ports):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", listening), timeout=5).close()
