"""石首督导看板 performance benchmark: prints measured figures against targets.

    python benchmarks/run_benchmarks.py                      # everything, demo database built here
    python benchmarks/run_benchmarks.py --database-url sqlite:////tmp/demo.sqlite3
    python benchmarks/run_benchmarks.py --strict             # exit 1 when a target is missed
    python benchmarks/run_benchmarks.py --database-url sqlite:///<a copy> \
        --only cold,mix,pdf --mix-duration 20                # issue 15's scenario alone

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
6. cold pages: on a server of its own (1 worker, 4 threads) that has drawn one page of each
   kind, the router callback for --cold-samples village pages (each of another township) and
   as many /services views (each on another period) nobody asked for since it started: the
   first viewer's wait. Median of each kind against village <= 80 ms, /services <= 150 ms.
7. load mix (issue 15): the app as `make serve-gunicorn` serves it (gunicorn.conf.py's workers
   and threads on this machine, or --mix-workers), --mix-viewers viewers at once (threads, each
   its own signed-in session), each posting the router callback for the next page as soon as
   the last one arrived, for --mix-duration seconds after --mix-warmup seconds not counted.
   Pages: 15% overview, 25% township pages, 20% village pages (all townships and villages of
   the division table), 20% the domains' pages, 10% the weekly report, 10% the overview on
   other indicators and periods; fixed seed. Every answer must be 200 with the page asked for.
   Targets: p95 <= 1000 ms, >= 40 pages/s, no errors; then each worker's VmRSS <= 500 MB.
8. PDF exports (same server, after step 7): --pdf-exports users export the weekly report's PDF
   at once as background jobs (POST /weekly/pdf -> 303, job status polled, the PDF fetched)
   while /api/v1/health is asked every 100 ms: all PDFs made, health p95 <= 200 ms.

Every step signs in as the application asks (accounts of each role are added to the database,
as the tests add them): a leader account through /login's form for pages and callbacks, a
leader's API token for /api/v1. Answers other than 200 (or 204, a callback the browser sent
that had nothing to update) are errors, never timings.
--only runs some of steps 2-8 (step 1 runs whenever there is no --database-url).

Exit status: 0 after reporting (also when a target is missed); 1 with --strict when a target
is missed; 2 when a step could not be measured at all (the app did not start, chromium missing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.api import bench_api
from benchmarks.cold_pages import bench_cold
from benchmarks.demo_build import build_demo_database
from benchmarks.drill_browser import run_drill
from benchmarks.drill_report import print_drill
from benchmarks.load_mix import bench_mix
from benchmarks.machine import print_machine
from benchmarks.pdf_load import bench_pdf
from benchmarks.report import Report, heading, print_summary
from benchmarks.router_http import bench_router_http
from benchmarks.server import BenchServer, served_concurrency
from benchmarks.settings import MIX_VIEWERS, PDF_EXPORTS, TARGET_BUILD_S
from tests.fixtures.processes import DEMO_AS_OF

# --only's names: the steps after the demo build.
STEPS = ("api", "router", "drill", "cold", "mix", "pdf")


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
                             "sqlite:////tmp/demo.sqlite3. The run adds accounts, an API "
                             "token and weekly exports to it: use a copy")
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
    parser.add_argument("--only", default=",".join(STEPS),
                        help="comma-separated steps to run, of " + ", ".join(STEPS)
                             + " (api: 2, router: 2b, drill: 3+4, each also 5 by "
                               "--page-cache; cold: 6, mix: 7, pdf: 8; default all)")
    parser.add_argument("--cold-samples", type=int, default=9,
                        help="step 6: village pages, and /services views, each asked once "
                             "(default 9)")
    parser.add_argument("--mix-viewers", type=int, default=MIX_VIEWERS,
                        help=f"step 7: viewers at once (default {MIX_VIEWERS})")
    parser.add_argument("--mix-duration", type=float, default=60,
                        help="step 7: seconds measured (default 60)")
    parser.add_argument("--mix-warmup", type=float, default=5,
                        help="step 7: seconds of load before the measured ones (default 5)")
    parser.add_argument("--mix-seed", type=int, default=15,
                        help="steps 6 and 7: seed of the pages drawn (default 15)")
    parser.add_argument("--mix-workers", type=int, default=None,
                        help="steps 7 and 8: gunicorn workers (DASHBOARD_WORKERS; default "
                             "gunicorn.conf.py's for this machine)")
    parser.add_argument("--pdf-exports", type=int, default=PDF_EXPORTS,
                        help=f"step 8: PDF exports at once (default {PDF_EXPORTS})")
    parser.add_argument("--pdf-timeout", type=float, default=180,
                        help="step 8: seconds until every PDF must be made (default 180)")
    parser.add_argument("--pdf-week", default=None,
                        help="step 8: the report's week (default the week of --as-of)")
    return parser


def chosen_steps(only: str) -> set[str] | None:
    """--only's steps, or None when it names one that does not exist."""
    steps = {name.strip() for name in only.split(",") if name.strip()}
    return steps if steps and steps <= set(STEPS) else None


def guarded(report: Report, measure: str, server: BenchServer, step: Callable[[], None]) -> None:
    """Runs a step; its failure is reported with the server's last log lines, and the
    benchmark goes on."""
    try:
        step()
    except Exception as error:  # report what could be measured
        report.error(measure, f"{type(error).__name__}: {error}\n"
                     f"gunicorn log (last lines):\n{server.log_tail(12)}")


def started(server: BenchServer, report: Report, measure: str) -> bool:
    """Whether the server answered its health check; if not it is stopped and reported."""
    try:
        startup = server.wait_until_healthy(timeout=60)
    except RuntimeError as error:
        report.error(measure, str(error))
        server.stop()
        return False
    print(f"\n  {measure} on {server.base_url}: healthy after {startup:.1f} s")
    return True


def cold_pages(database_url: str, args: argparse.Namespace, scratch: Path,
               report: Report) -> None:
    """Step 6 on a server nobody else asked anything."""
    server = BenchServer(database_url, args.as_of, scratch, name="gunicorn-cold")
    try:
        if started(server, report, "gunicorn (1 worker, 4 threads) for cold pages"):
            guarded(report, "cold pages", server, lambda: bench_cold(server, args, report))
    finally:
        server.stop()


def served_load(database_url: str, args: argparse.Namespace, scratch: Path,
                report: Report) -> None:
    """Steps 7 and 8 on the app as `make serve-gunicorn` serves it."""
    overrides = {"DASHBOARD_WORKERS": str(args.mix_workers)} if args.mix_workers else {}
    concurrency = served_concurrency(database_url, overrides)
    server = BenchServer(database_url, args.as_of, scratch, name="gunicorn-served",
                         env_overrides=overrides, concurrency=concurrency)
    measure = (f"gunicorn as served ({concurrency[0]} workers x {concurrency[1]} threads, "
               "gunicorn.conf.py" + (", --mix-workers)" if args.mix_workers else ")"))
    try:
        if not started(server, report, measure):
            return
        if "mix" in args.steps:
            guarded(report, "load mix", server,
                    lambda: bench_mix(server, args, report, concurrency))
        if "pdf" in args.steps:
            guarded(report, "PDF exports", server, lambda: bench_pdf(server, args, report))
    finally:
        server.stop()


def drill(server: BenchServer, args: argparse.Namespace, report: Report, variant: str) -> None:
    """Steps 3 and 4; a failure is reported and the benchmark goes on."""
    try:
        print_drill(run_drill(server, args, report, variant), report, variant)
    except Exception as error:  # report what could be measured
        report.error(f"drill in chromium{variant}", f"{type(error).__name__}: {error}\n"
                     f"gunicorn log (last lines):\n{server.log_tail(12)}")


def as_tested(database_url: str, args: argparse.Namespace, scratch: Path,
              report: Report) -> None:
    """Steps 2-4 on the app as the tests run it, its page cache on (as served)."""
    server = BenchServer(database_url, args.as_of, scratch)
    try:
        if not started(server, report, "gunicorn (1 worker, 4 threads)"):
            return
        if "api" in args.steps:
            guarded(report, "indicator API", server,
                    lambda: bench_api(server, database_url, args, report))
        if args.page_cache != "off":
            if "router" in args.steps:
                guarded(report, "router callback, HTTP client", server,
                        lambda: bench_router_http(server, database_url, args, report))
            if "drill" in args.steps and not args.skip_browser:
                drill(server, args, report, "")
    finally:
        server.stop()


def uncached(database_url: str, args: argparse.Namespace, scratch: Path,
             report: Report) -> None:
    """Steps 2b-4 on a second server that renders every page (its data caches warm up in the
    first round as usual): what a view nobody has opened since the last import costs."""
    variant = " [page cache off]"
    server = BenchServer(database_url, args.as_of, scratch, name="gunicorn-uncached",
                         env_overrides={"DASHBOARD_PAGE_CACHE": "0"})
    try:
        if not started(server, report, f"gunicorn (1 worker, 4 threads){variant}"):
            return
        if "router" in args.steps:
            guarded(report, f"router callback, HTTP client{variant}", server,
                    lambda: bench_router_http(server, database_url, args, report, variant))
        if "drill" in args.steps and not args.skip_browser:
            drill(server, args, report, variant)
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.rounds < 1 or args.drill_rounds < 1:
        print("--rounds and --drill-rounds must be at least 1", file=sys.stderr)
        return 2
    steps = chosen_steps(args.only)
    if steps is None:
        print(f"--only takes steps of {', '.join(STEPS)}", file=sys.stderr)
        return 2
    if min(args.mix_viewers, args.pdf_exports, args.cold_samples) < 1 \
            or args.mix_duration <= 0 or args.mix_warmup < 0:
        print("--mix-viewers, --pdf-exports and --cold-samples must be at least 1, "
              "--mix-duration above 0 and --mix-warmup not below", file=sys.stderr)
        return 2
    args.steps = steps
    if args.pdf_week is None:
        from metrics.periods import period_containing

        args.pdf_week = period_containing("week", dt.date.fromisoformat(args.as_of)).label
    run_started = time.perf_counter()
    report = Report()
    print_machine(args)
    scratch = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
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
            drilled = bool(steps & {"router", "drill"})
            if "api" in steps or (drilled and args.page_cache != "off"):
                as_tested(database_url, args, scratch, report)
            if drilled and args.page_cache != "on":
                uncached(database_url, args, scratch, report)
            if "cold" in steps:
                cold_pages(database_url, args, scratch, report)
            if steps & {"mix", "pdf"}:
                served_load(database_url, args, scratch, report)
    finally:
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
