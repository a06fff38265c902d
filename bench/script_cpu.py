"""The app's own script cost per run, in process (AppTest), without the server around it.

    python -m bench.script_cpu --database-url sqlite:////tmp/perf/apptest.db \
        --username load-manager-0001

Runs the real entrypoint signed in as `--username` on each page, warms it, then reruns
it `--repeat` times and prints the CPU time (process_time) per run: min and median. CPU
time, not wall time: on a shared machine it hardly depends on what else runs; the
minimum is the least disturbed run. Compare two checkouts by running this from each.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["home.py", "news.py", "surveys.py", "survey_results.py"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.script_cpu",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--username", default="load-manager-0001")
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args(argv)
    if not args.database_url:
        print("error: give --database-url (a demo database)", file=sys.stderr)
        return 2
    os.environ["DATABASE_URL"] = args.database_url
    logging.disable(logging.WARNING)
    from streamlit.testing.v1 import AppTest

    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
        at.session_state["authentication_status"] = True
        at.session_state["username"] = args.username
        at.session_state["name"] = args.username
        at.run()
        at.switch_page(str(ROOT / "pages" / page)).run()
        at.run()
        if at.exception:
            print(f"{page}: {at.exception[0].message}", file=sys.stderr)
            return 1
        times = []
        for _ in range(args.repeat):
            started = time.process_time()
            at.run()
            times.append(time.process_time() - started)
        print(f"{page:<20} CPU ms per run: min {min(times) * 1000:6.1f}  "
              f"median {statistics.median(times) * 1000:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
