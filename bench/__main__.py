"""python -m bench --scale S M L --db sqlite postgresql [--runs 5] [--suite core news ...]

Builds each database once (kept in bench/.cache or as peyvand_bench_<scale> on
PostgreSQL), then prints medians of server-side page runs, cold and warm, and
each suite's extra figures, with the ratio of every page's L (or largest)
figure to its S figure.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from bench.harness import CACHE, ensure_database, time_page

SUITES = ("core", "news", "surveys", "meetings", "kpis", "home")


def _suite(name: str):
    try:
        return importlib.import_module(f"bench.suite_{name}")
    except ModuleNotFoundError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", nargs="+", choices=["S", "M", "L"], default=["S"])
    parser.add_argument("--db", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--suite", nargs="+", choices=SUITES, default=list(SUITES))
    parser.add_argument("--no-extra", action="store_true", help="pages only")
    parser.add_argument("--rebuild", action="store_true",
                        help="drop and rebuild the databases (after the demo data changed)")
    args = parser.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ.setdefault("INTRANET_COOKIE_KEY", "bench-only-key-0123456789abcdef0123456789")
    # The survey key lives beside the bench databases it seals submissions for.
    os.environ.setdefault("INTRANET_DATA_DIR", str(CACHE))
    os.environ.setdefault("INTRANET_KEY_DIR", str(CACHE / "keys"))

    rows: list[tuple[str, str, str, str, str]] = []
    warm_by: dict[tuple[str, str], dict[str, float]] = {}
    for backend in args.db:
        for scale in args.scale:
            url, seeded = ensure_database(scale, backend, rebuild=args.rebuild)
            os.environ["DATABASE_URL"] = url
            rows.append((backend, scale, "seed-demo (when built)", "-",
                         f"{seeded:.1f} s" if seeded is not None else "n/a"))
            for name in args.suite:
                module = _suite(name)
                if module is None:
                    continue
                for page in getattr(module, "PAGES", []):
                    cold, warm = time_page(page, args.runs)
                    rows.append((backend, scale, page.name, f"{cold:.0f} ms", f"{warm:.0f} ms"))
                    warm_by.setdefault((backend, page.name), {})[scale] = warm
                    print(f"  {backend:10} {scale} {page.name}: cold {cold:.0f} ms, "
                          f"warm {warm:.0f} ms", file=sys.stderr)
                extra = getattr(module, "extra", None)
                if extra and not args.no_extra:
                    from data_access.db import get_engine

                    for label, value in extra(get_engine(url), scale):
                        rows.append((backend, scale, label, "-", value))
    print(f"\n{'db':10} {'scale':5} {'measure':48} {'cold':>10} {'warm / value':>14}")
    for backend, scale, label, cold, warm in rows:
        print(f"{backend:10} {scale:5} {label:48} {cold:>10} {warm:>14}")
    ratios = [(k, v) for k, v in warm_by.items() if "S" in v and len(v) > 1]
    if ratios:
        print("\nwarm ratio, largest scale / S (target ≤ 2×):")
        for (backend, name), by_scale in ratios:
            largest = "L" if "L" in by_scale else "M"
            print(f"  {backend:10} {name:40} {largest}/S = "
                  f"{by_scale[largest] / by_scale['S']:.2f}×")
    print(f"\n(median of {args.runs} runs; runs of the same invocation share the machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
