"""Step 6: cold pages, what the first viewer of a page waits for. On a server of its own (as the
tests run it, page cache on as served) that has already drawn one page of each kind, the router
callback for village pages and /services views nobody has asked for since it started: each
village in a township of its own, each /services view on a period of its own, so neither the
page cache nor the per-village or per-period data caches hold anything of them. What the
process keeps for every page (imports, the division table, the maps, county figures) is warm,
as on any server that has served someone."""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import time
import urllib.parse
from typing import TYPE_CHECKING

from benchmarks.accounts import account
from benchmarks.http_client import HttpSession, page_problem, signed_in
from benchmarks.mix_plan import division_codes
from benchmarks.report import Report, heading, print_table
from benchmarks.router_http import router_payload
from benchmarks.server import BenchServer, access_durations_ms
from benchmarks.settings import (
    DASH_UPDATE_PATH,
    TARGET_COLD_SERVICES_MS,
    TARGET_COLD_VILLAGE_MS,
)
from benchmarks.stats import fmt_ms, median

if TYPE_CHECKING:
    from metrics.periods import PeriodKind

SERVICES_PATH = "/services"


def cold_villages(database_url: str, count: int, seed: int) -> tuple[str, list[str]]:
    """A village for the warm-up, then `count` villages each of another township."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT code, parent_code FROM division WHERE level = 'village' "
                "ORDER BY code")).all()
    finally:
        engine.dispose()
    by_township: dict[str, list[str]] = {}
    for code, parent in rows:
        by_township.setdefault(parent, []).append(code)
    rng = random.Random(seed)
    townships = rng.sample(sorted(by_township), min(count + 1, len(by_township)))
    chosen = [rng.choice(by_township[township]) for township in townships]
    if len(chosen) < 2:
        raise RuntimeError("too few townships with villages for a cold village page")
    return chosen[0], chosen[1:]


def cold_service_views(as_of: dt.date, count: int) -> list[str]:
    """Query strings of /services on periods its default view does not use: the complete
    months, weeks and quarters before the latest one, in turn, each asked once."""
    from metrics.periods import last_complete

    kinds: tuple[PeriodKind, ...] = ("month", "week", "quarter")
    older = {kind: last_complete(kind, as_of).previous() for kind in kinds}
    searches = []
    for kind in itertools.islice(itertools.cycle(older), count):
        searches.append("?" + urllib.parse.urlencode({"period": older[kind].label}))
        older[kind] = older[kind].previous()
    return searches


def _timed(session: HttpSession, pathname: str, search: str) -> tuple[float, str | None]:
    answer = session.callback(router_payload(pathname, search))
    return answer.elapsed_ms, page_problem(answer)


def bench_cold(server: BenchServer, args: argparse.Namespace, report: Report) -> None:
    heading(f"6. cold pages: the first request for {args.cold_samples} village pages and "
            f"{args.cold_samples} /services views (gunicorn 1 worker, 4 threads)")
    session = signed_in(server.base_url, account(server.database_url))
    warm_village, villages = cold_villages(server.database_url, args.cold_samples,
                                           args.mix_seed)
    townships = division_codes(server.database_url, "township")
    # One page of each kind first: what every page needs is then loaded, as on a server that
    # has served anyone at all.
    for pathname in ("/", f"/township/{townships[0]}", f"/village/{warm_village}",
                     SERVICES_PATH):
        _elapsed, problem = _timed(session, pathname, "")
        if problem:
            raise RuntimeError(f"warm-up page {pathname}: {problem}")
    time.sleep(0.2)  # gunicorn writes the access-log line after the response
    log_start = len(server.access_lines())
    asked = [("village", f"/village/{code}", "") for code in villages]
    asked += [("services", SERVICES_PATH, search)
              for search in cold_service_views(dt.date.fromisoformat(args.as_of),
                                               args.cold_samples)]
    measured = [(kind, pathname, search, *_timed(session, pathname, search))
                for kind, pathname, search in asked]
    time.sleep(0.2)
    server_side = access_durations_ms(server.access_lines()[log_start:], "POST",
                                      DASH_UPDATE_PATH)
    if len(server_side) != len(measured):  # the log and the requests must pair one to one
        server_side = [float("nan")] * len(measured)
    print_table(["page", "client", "server (%(D)s)", "answer"],
                [[pathname + search, fmt_ms(elapsed), fmt_ms(own), problem or "ok"]
                 for (_kind, pathname, search, elapsed, problem), own
                 in zip(measured, server_side, strict=True)])
    print("  client = POST sent -> whole answer read on 127.0.0.1; server = gunicorn's own "
          "request time; judged: the median of each kind's client times")
    failed = [f"{pathname}{search}: {problem}"
              for _kind, pathname, search, _elapsed, problem in measured if problem]
    if failed:
        report.error("cold pages", f"{len(failed)} answers were not the page; first: "
                     + "; ".join(failed[:3]))
    for kind, label, target in (("village", "village page", TARGET_COLD_VILLAGE_MS),
                                ("services", "/services", TARGET_COLD_SERVICES_MS)):
        times = [elapsed for k, _p, _s, elapsed, problem in measured
                 if k == kind and problem is None]
        if times:
            middle = median(times)
            report.add(f"cold {label}, median (max) of {len(times)}",
                       f"{fmt_ms(middle)} ({fmt_ms(max(times))})", f"<= {target:.0f} ms",
                       middle <= target)
