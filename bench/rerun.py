"""Per-rerun cost on a real server, one session at a time (no concurrency).

    python -m bench.rerun --url http://127.0.0.1:8530 --password load-pass-1 --repeat 20

Signs `--sign-ins` load accounts in through the real form, one after another, and
times each sign-in and counts the script runs it caused (the cookie component's
round-trips are runs too); then one signed-in session reruns each page `--repeat`
times (the page already open, as when a reader clicks a widget) and prints the median
and p95 of each. The server should be otherwise idle: this measures what one run
costs, not queueing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.load import Config, Session, check_target, listening_pid, percentiles
from data_access.demo import load_usernames, parse_mix

PAGES = ["", "announcements", "surveys", "survey-results"]
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ms(pid: int | None) -> float:
    """The server's CPU time so far (user + system, all threads), in ms; 0 if unknown.
    Unlike wall time it hardly depends on what else the machine is doing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / TICKS


async def measure(url: str, password: str, sign_ins: int, repeat: int, role: str,
                  first: int) -> list[str]:
    pid = listening_pid(urlsplit(url).port or 80)
    lines = [f"{'what':<26}{'n':>4}{'median ms':>11}{'p95 ms':>9}{'runs each':>11}"
             f"{'server CPU ms each':>20}"]
    names = [name for name, r in load_usernames(first + sign_ins + 5, parse_mix(f"{role}=1"))]
    names = names[first:first + sign_ins]
    times, runs, opened, opened_runs = [], [], [], []
    cpu_open = cpu_sign_in = 0.0
    session = None
    for name in names:
        if session is not None:
            await session.close()
        session = Session(url, 60)
        await session.connect()
        started, cpu = time.perf_counter(), cpu_ms(pid)
        outcome = await session.open_app()
        opened.append(time.perf_counter() - started)
        cpu_open += cpu_ms(pid) - cpu
        opened_runs.append(outcome.runs)
        started, cpu = time.perf_counter(), cpu_ms(pid)
        outcome = await session.sign_in(name, password)
        times.append(time.perf_counter() - started)
        cpu_sign_in += cpu_ms(pid) - cpu
        runs.append(outcome.runs)
    p = percentiles(opened)
    lines.append(f"{'new tab (sign-in page)':<26}{len(opened):>4}{p[50]:>11.0f}{p[95]:>9.0f}"
                 f"{statistics.median(opened_runs):>11.0f}{cpu_open / len(opened):>20.0f}")
    p = percentiles(times)
    lines.append(f"{'sign-in (form to page)':<26}{len(times):>4}{p[50]:>11.0f}{p[95]:>9.0f}"
                 f"{statistics.median(runs):>11.0f}{cpu_sign_in / len(times):>20.0f}")
    for path in PAGES:
        if path not in session.pages:
            continue
        await session.visit(path)
        times, runs = [], []
        cpu = cpu_ms(pid)
        for _ in range(repeat):
            started = time.perf_counter()
            outcome = await session.interact()
            times.append(time.perf_counter() - started)
            runs.append(outcome.runs)
        p = percentiles(times)
        lines.append(f"{'rerun /' + path:<26}{len(times):>4}{p[50]:>11.0f}{p[95]:>9.0f}"
                     f"{statistics.median(runs):>11.0f}{(cpu_ms(pid) - cpu) / repeat:>20.1f}")
    await session.close()
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rerun", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    parser.add_argument("--password", default=os.environ.get("PEYVAND_LOAD_PASSWORD", ""))
    parser.add_argument("--sign-ins", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--role", default="manager", help="whose pages (manager sees results)")
    parser.add_argument("--first", type=int, default=0, help="skip this many load accounts")
    args = parser.parse_args(argv)
    try:
        check_target(Config(args.url, 1, 60, 0, {"employee": 1.0}, args.password))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(asyncio.run(measure(args.url, args.password, args.sign_ins, args.repeat,
                                        args.role, args.first))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
