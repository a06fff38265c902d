"""python -m bench.startup [--runs 3] [--port 8670]

Time to a usable sign-in page after the server starts, as a person meets it: start
the app (through `python -m dashboard.launch`, which warms its imports, and through a
plain `streamlit run dashboard/app.py`) on a fresh, migrated SQLite database, wait for
/_stcore/health, open the app in Debian's Chromium and wait until the sign-in form's
username box is visible. Prints, per run and as medians, the seconds from launch to
health and from health to the visible form (the figure issue 10 asks to bring to ≤ 2 s),
beside the same figure for a bare Streamlit page with one text box, measured in the
same run: the part no app can go below on this machine and browser.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard.replicas import wait_healthy
from data_access import db

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


# The floor: a Streamlit script that draws only a username box, started the same way.
BASELINE = 'import streamlit as st\nst.text_input("نام کاربری")\n'


def one_run(port: int, browser, command: list[str]) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as workdir:
        db_url = f"sqlite:///{Path(workdir) / 'startup.db'}"
        db.upgrade(db.get_engine(db_url))  # `make run` migrates before it serves, too
        env = {**os.environ, "DATABASE_URL": db_url, "INTRANET_DATA_DIR": workdir,
               "INTRANET_COOKIE_KEY": "bench-only-key-0123456789abcdef0123456789"}
        url = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", *command,
             "--server.headless", "true", "--server.port", str(port),
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_healthy(url, process, seconds=120)
            healthy = time.monotonic()
            context = browser.new_context(locale="fa-IR")
            page = context.new_page()
            page.goto(url)
            page.get_by_role("textbox", name="نام کاربری").wait_for(timeout=120_000)
            visible = time.monotonic()
            context.close()
        finally:
            process.terminate()
            process.wait(timeout=20)
    return healthy - started, visible - healthy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8670)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        baseline = Path(folder) / "baseline.py"
        baseline.write_text(BASELINE, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        commands = {
            "peyvand, python -m dashboard.launch": ["dashboard.launch"],
            "peyvand, streamlit run": ["streamlit", "run", str(ROOT / "dashboard" / "app.py")],
            "bare Streamlit page": ["streamlit", "run", str(baseline)],
        }
        figures: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(1, args.runs + 1):  # interleaved: all see the same machine load
            for name, command in commands.items():
                health, form = one_run(args.port, browser, command)
                figures[name].append(form)
                print(f"run {run} {name}: launch→health {health:.2f} s, "
                      f"health→sign-in form {form:.2f} s", flush=True)
        browser.close()
    floor = statistics.median(figures["bare Streamlit page"])
    for name, seconds in figures.items():
        median = statistics.median(seconds)
        print(f"median of {args.runs}, health→sign-in form, {name}: {median:.2f} s "
              f"({median - floor:+.2f} s against the bare page)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
