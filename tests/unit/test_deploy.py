"""The shipped deployment files agree with the app's own limits and with each other."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from dashboard import replicas
from data_access import db, news

ROOT = Path(__file__).resolve().parents[2]
SITE = (ROOT / "deploy" / "nginx" / "peyvand.conf").read_text()
UNITS = ROOT / "deploy" / "systemd"


def test_upload_limit_lets_every_upload_the_app_accepts_through():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    limit_mb = int(re.search(r"client_max_body_size (\d+)m;", SITE).group(1))
    assert limit_mb >= config["server"]["maxUploadSize"]
    assert limit_mb * 2**20 >= max(news.IMAGE_MAX_BYTES, news.ATTACHMENT_MAX_BYTES)
    assert limit_mb <= config["server"]["maxUploadSize"] + 2  # not far above it either


def test_sticky_sessions_hash_a_cookie_nginx_sets_not_the_address():
    active = "\n".join(line.split("#", 1)[0] for line in SITE.splitlines())
    assert "ip_hash" not in active
    assert re.search(r"hash \$peyvand_node consistent;", active)
    assert "add_header Set-Cookie $peyvand_node_cookie always;" in active
    assert 'proxy_set_header Upgrade $http_upgrade;' in active
    assert "proxy_read_timeout 1d;" in active


def test_serve_uses_the_shipped_site_with_only_ports_changed():
    site = replicas.site_config(8080, [9001, 9002], show_replica=False)
    assert "listen 127.0.0.1:8080;" in site and "listen 80;" not in site
    assert re.findall(r"server 127\.0\.0\.1:(\d+) ", site) == ["9001", "9002"]
    shipped_rest = re.sub(r"(?m)^\s*(server 127|listen|server_name).*\n", "", SITE)
    assert re.sub(r"(?m)^\s*(server 127|listen|server_name).*\n", "", site) == shipped_rest


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_shipped_site_as_is(tmp_path):
    conf = tmp_path / "nginx.conf"
    site = SITE.replace("listen 80;", "listen 127.0.0.1:1;").replace("listen [::]:80;", "")
    conf.write_text(replicas.nginx_config(tmp_path, site))
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / name).mkdir()
    done = subprocess.run(["nginx", "-t", "-q", "-c", str(conf), "-p", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_unit_runs_the_app_from_one_place_with_one_settings_file():
    for unit in UNITS.glob("*.service"):
        text = unit.read_text()
        assert "EnvironmentFile=/etc/peyvand/peyvand.env" in text, unit.name
        assert "User=peyvand" in text, unit.name
    replica = (UNITS / "peyvand@.service").read_text()
    assert "--server.port %i" in replica and "--server.address 127.0.0.1" in replica
    assert "python -m dashboard survey-clock" in (UNITS / "peyvand-survey-clock.service"
                                                 ).read_text()
    assert "OnCalendar=minutely" in (UNITS / "peyvand-survey-clock.timer").read_text()


def test_the_backup_script_copies_a_sqlite_database(tmp_path):
    source = tmp_path / "live.db"
    db.upgrade(db.get_engine(f"sqlite:///{source}"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{source}",
           "PEYVAND_BACKUP_DIR": str(tmp_path / "backups"), "PEYVAND_PYTHON": sys.executable}
    done = subprocess.run([str(ROOT / "deploy" / "backup.sh")], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    [copy] = (tmp_path / "backups").glob("peyvand-*.db")
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
