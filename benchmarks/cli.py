"""石首督导看板 performance benchmark: prints measured figures against targets.

    python benchmarks/run_benchmarks.py                      # everything, demo database built here
    python benchmarks/run_benchmarks.py --database-url sqlite:////tmp/demo.sqlite3
    python benchmarks/run_benchmarks.py --strict             # exit 1 when a target is missed

Steps (all on this machine, against 127.0.0.1, bounded in count and time):

1. demo build + import: `python -m dashboard demo-data --as-of 2026-11-15` into a new SQLite
   file in a temp dir, wall time (target <= 60 s). Skipped with --database-url.
2. indicator API: the app under gunicorn (1 worker, 4 threads, as the tests run it), a fixed set
   of /api/v1/indicators queries (county, townships, villages), one warm-up pass, then --rounds
   timed rounds; p50/p95/max per scope and overall (target warm p95 <= 50 ms).
3. drill callbacks: headless chromium (Debian's, through Playwright) drills county -> township
   -> village and back; every POST /_dash-update-component is timed by the browser
   (Request.timing: responseStart - requestStart, i.e. time to first byte on loopback, which
   is the server's handling time plus well under a millisecond of transport) and attributed to
   its callback by the request's "output" field. gunicorn's access log (%(D)s) gives the
   server's own view of the same requests as a cross-check. Target warm p95 <= 50 ms.
4. click-to-redrawn: in the same browser session, from the mouse press (a capture-phase
   pointerdown listener, in page time) until the next page's marker is visible (a
   MutationObserver) and then painted (next animation frame + a task); median/p95 per step
   over --drill-rounds warm rounds after one cold round (target p95 <= 0.5 s).
2b. router callback from an HTTP client: the drill's three pages posted as the Dash renderer
   posts them, --rounds rounds after a warm-up, p95 against the same target; with no browser
   drawing on the same two CPUs (in steps 3 and 4 chromium slows the server by about half).
5. steps 2b, 3 and 4 again on a second server with DASHBOARD_PAGE_CACHE=0 ("[page cache off]"):
   the app keeps rendered drill pages until the next import, so warm rounds of step 3 are
   mostly answered from that cache; this run renders every page (data caches warm), the cost
   of a view nobody has opened since the last import. --page-cache on|off runs one of them.

Exit status: 0 after reporting (also when a target is missed); 1 with --strict when a target
is missed; 2 when a step could not be measured at all (the app did not start, chromium missing).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.api import bench_api
from benchmarks.demo_build import build_demo_database
from benchmarks.drill_browser import run_drill
from benchmarks.drill_report import print_drill
from benchmarks.machine import print_machine
from benchmarks.report import Report, heading, print_summary
from benchmarks.router_http import bench_router_http
from benchmarks.server import BenchServer
from benchmarks.settings import TARGET_BUILD_S
from tests.fixtures.processes import DEMO_AS_OF


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run_benchmarks.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Every target is a report: the exit status is 0 unless --strict is given and a "
               "target is missed (1), or a step could not be measured (2).",
    )
    parser.add_argument("--database-url", default=None,
                        help="use this existing database (built with demo-data --as-of "
                             "AS_OF) and skip step 1, the demo build + import; e.g. "
                             "sqlite:////tmp/demo.sqlite3")
    parser.add_argument("--as-of", default=DEMO_AS_OF,
                        help="demo-data --as-of and the server's DASHBOARD_TODAY "
                             f"(default {DEMO_AS_OF})")
    parser.add_argument("--rounds", type=int, default=20,
                        help="timed rounds over the API queries after one warm-up (default 20)")
    parser.add_argument("--drill-rounds", type=int, default=8,
                        help="warm drill rounds in chromium after one cold round (default 8)")
    parser.add_argument("--pause", type=float, default=0.2,
                        help="seconds to wait between drill steps (default 0.2)")
    parser.add_argument("--chromium", default=None,
                        help="chromium executable (default $CHROMIUM_PATH or chromium on PATH)")
    parser.add_argument("--skip-browser", action="store_true",
                        help="leave out steps 3 and 4 (no chromium)")
    parser.add_argument("--page-cache", choices=("both", "on", "off"), default="both",
                        help="drill with the app's page cache on (as served), off "
                             "(DASHBOARD_PAGE_CACHE=0: every page rendered, data caches warm), "
                             "or both, one after the other (default both)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when any target is missed")
    parser.add_argument("--keep-temp", action="store_true",
                        help="keep the temp dir (database, gunicorn logs) and print its path")
    parser.add_argument("--build-timeout", type=float, default=300,
                        help="give up on step 1 after this many seconds (default 300)")
    parser.add_argument("--api-budget", type=float, default=60,
                        help="stop step 2 early after this many seconds (default 60)")
    parser.add_argument("--drill-budget", type=float, default=90,
                        help="stop steps 3+4 early after this many seconds (default 90)")
    parser.add_argument("--step-timeout", type=float, default=20,
                        help="seconds one drill step may take before it counts as failed "
                             "(default 20)")
    return parser


def drill(server: BenchServer, args: argparse.Namespace, report: Report, variant: str) -> None:
    """Steps 3 and 4; a failure is reported and the benchmark goes on."""
    try:
        print_drill(run_drill(server, args, report, variant), report, variant)
    except Exception as error:  # report what could be measured
        report.error(f"drill in chromium{variant}", f"{type(error).__name__}: {error}\n"
                     f"gunicorn log (last lines):\n{server.log_tail(12)}")


def uncached(database_url: str, args: argparse.Namespace, scratch: Path,
             report: Report) -> None:
    """Steps 2b-4 on a second server that renders every page (its data caches warm up in the
    first round as usual): what a view nobody has opened since the last import costs."""
    variant = " [page cache off]"
    server = BenchServer(database_url, args.as_of, scratch, name="gunicorn-uncached",
                         env_overrides={"DASHBOARD_PAGE_CACHE": "0"})
    try:
        server.wait_until_healthy(timeout=60)
        bench_router_http(server, database_url, args, report, variant)
        if not args.skip_browser:
            drill(server, args, report, variant)
    except RuntimeError as error:
        report.error(f"app under gunicorn{variant}", str(error))
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.rounds < 1 or args.drill_rounds < 1:
        print("--rounds and --drill-rounds must be at least 1", file=sys.stderr)
        return 2
    run_started = time.perf_counter()
    report = Report()
    print_machine(args)
    scratch = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    server: BenchServer | None = None
    try:
        database_url = args.database_url
        if database_url:
            heading("1. demo build + import: skipped, --database-url given")
            print(f"  using {database_url}")
            report.add("demo build + import (wall)", "skipped (--database-url)",
                       f"<= {TARGET_BUILD_S:.0f} s", None, "skipped")
        else:
            database_url = build_demo_database(args, scratch, report)
        if database_url:
            server = BenchServer(database_url, args.as_of, scratch)
            try:
                startup = server.wait_until_healthy(timeout=60)
                print(f"\n  gunicorn (1 worker, 4 threads) on {server.base_url}: "
                      f"healthy after {startup:.1f} s")
            except RuntimeError as error:
                report.error("app under gunicorn", str(error))
                server.stop()
                server = None
        if server is not None:
            try:
                bench_api(server, database_url, args, report)
            except Exception as error:  # report and go on with the browser
                report.error("indicator API", f"{type(error).__name__}: {error}\n"
                             f"gunicorn log (last lines):\n{server.log_tail(12)}")
            if args.page_cache != "off":
                bench_router_http(server, database_url, args, report)
                if not args.skip_browser:
                    drill(server, args, report, "")
        if database_url and args.page_cache != "on":
            uncached(database_url, args, scratch, report)
    finally:
        if server is not None:
            server.stop()
        if args.keep_temp:
            print(f"\n  temp dir kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print_summary(report, time.perf_counter() - run_started)
    if report.errors:
        return 2
    if args.strict and any(r.ok is False for r in report.results):
        return 1
    return 0
