"""`python -m dashboard serve --replicas N`: the production layout on one machine.

Debian's nginx in front of N app processes on the configured DATABASE_URL, using the
shipped site (deploy/nginx/peyvand.conf) with only the listen port and the replica
list changed, all in the foreground: Ctrl-C (or SIGTERM) stops every process.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "peyvand.conf"
REPLICA_HEADER = "X-Peyvand-Replica"


def site_config(listen_port: int, replica_ports: list[int], show_replica: bool) -> str:
    """The shipped nginx site for this machine: 127.0.0.1 only, these replicas."""
    site = SITE.read_text(encoding="utf-8")
    servers = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n"
                      for port in replica_ports)
    site, count = re.subn(r"(?m)^    server 127\.0\.0\.1:\d+ [^\n]*\n", "", site)
    if not count:
        raise RuntimeError(f"{SITE}: no replica lines found")
    site = site.replace("upstream peyvand {\n", "upstream peyvand {\n" + servers, 1)
    site = re.sub(r"(?m)^    listen \[::\]:80;\n", "", site)
    site = re.sub(r"(?m)^    listen 80;$", f"    listen 127.0.0.1:{listen_port};", site)
    site = site.replace("server_name intranet.example.ir;", "server_name _;")
    if show_replica:  # for tests and demos: which replica answered
        site = site.replace("    add_header Set-Cookie $peyvand_node_cookie always;\n",
                            "    add_header Set-Cookie $peyvand_node_cookie always;\n"
                            f"    add_header {REPLICA_HEADER} $upstream_addr always;\n")
    return site


def nginx_config(prefix: Path, site: str) -> str:
    """A whole nginx.conf that keeps every file under `prefix` (no root paths needed)."""
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {name}_temp_path {prefix / name};"
                     for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"{user}worker_processes 1;\npid {prefix / 'nginx.pid'};\n"
            f"error_log {prefix / 'error.log'} warn;\n"
            "events { worker_connections 4096; }\n"
            "http {\n    include /etc/nginx/mime.types;\n"
            f"    access_log {prefix / 'access.log'};\n{temp}\n{site}\n}}\n")


def nginx_prefix(port: int, replica_ports: list[int], show_replica: bool) -> tuple[Path, Path]:
    """A fresh temporary nginx prefix holding its nginx.conf: (prefix, conf). Start it with
    `nginx -c CONF -p PREFIX -g 'daemon off;'`; remove the prefix when done."""
    prefix = Path(tempfile.mkdtemp(prefix="peyvand-nginx-"))
    prefix.chmod(0o755)
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / name).mkdir()
        if os.geteuid() == 0:
            shutil.chown(prefix / name, "nobody", "nogroup")
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(prefix, site_config(port, replica_ports, show_replica)))
    return prefix, conf


def wait_healthy(url: str, process: subprocess.Popen | None = None,
                 seconds: float = 120) -> None:
    """Wait until a Streamlit server answers /_stcore/health (the tests use it too)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url} exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer /_stcore/health within {seconds:.0f} s")


def serve(replicas: int, port: int, first_port: int, nginx: str = "nginx",
          show_replica: bool = False) -> int:
    if not 1 <= replicas <= 16:
        print("error: --replicas must be between 1 and 16", file=sys.stderr)
        return 2
    if shutil.which(nginx) is None:
        print("error: nginx is not installed (Debian: apt-get install nginx)", file=sys.stderr)
        return 2
    from data_access import db

    db.upgrade()  # once, before the replicas start (they would race each other)
    ports = [first_port + index for index in range(replicas)]
    prefix, conf = nginx_prefix(port, ports, show_replica)
    processes: list[subprocess.Popen] = []
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        check = subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", str(prefix)],
                               capture_output=True, text=True)
        if check.returncode:
            print(f"error: nginx refuses the configuration:\n{check.stderr}", file=sys.stderr)
            return 1
        for replica_port in ports:
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "dashboard.launch",
                 "--server.port", str(replica_port), "--server.address", "127.0.0.1",
                 "--server.headless", "true", "--server.fileWatcherType", "none"], cwd=ROOT))
        for replica_port, process in zip(ports, processes, strict=True):
            wait_healthy(f"http://127.0.0.1:{replica_port}", process)
        processes.append(subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(prefix), "-g", "daemon off;"]))
        print(f"serving http://127.0.0.1:{port} (nginx) in front of {replicas} replicas on "
              f"ports {ports[0]}-{ports[-1]}; Ctrl-C stops them all", flush=True)
        while not stopping:
            if any(process.poll() is not None for process in processes):
                print("error: a process ended; stopping the others", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT if process.args[0] == nginx
                                    else signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(prefix, ignore_errors=True)
