"""Step 2b: the router callback posted as the Dash renderer posts it, from an HTTP client and
with no browser drawing on the same CPUs."""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

from benchmarks.accounts import account
from benchmarks.http_client import page_problem, signed_in
from benchmarks.report import Report, heading, print_table
from benchmarks.server import BenchServer
from benchmarks.settings import START_PATH, TARGET_CALLBACK_P95_MS, TIAOGUAN_CODE
from benchmarks.stats import fmt_ms, median, percentile


def router_payload(pathname: str, search: str) -> bytes:
    """The POST the Dash renderer sends for the router callback (url -> page.children)."""
    from layouts import ids

    return json.dumps({
        "output": f"{ids.PAGE}.children",
        "outputs": {"id": ids.PAGE, "property": "children"},
        "inputs": [{"id": ids.URL, "property": "pathname", "value": pathname},
                   {"id": ids.URL, "property": "search", "value": search}],
        "changedPropIds": [f"{ids.URL}.pathname"], "state": [],
    }).encode()


def drill_paths(database_url: str) -> list[tuple[str, str]]:
    """The drill's pages: county, 调关镇, its first village by code; with the drill's query."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            village = connection.scalar(text(
                "SELECT code FROM division WHERE level = 'village' AND parent_code = :parent "
                "ORDER BY code"), {"parent": TIAOGUAN_CODE})
    finally:
        engine.dispose()
    search = "?" + START_PATH.split("?", 1)[1]
    return [("/", search), (f"/township/{TIAOGUAN_CODE}", search), (f"/village/{village}", search)]


def bench_router_http(server: BenchServer, database_url: str, args: argparse.Namespace,
                      report: Report, variant: str = "") -> None:
    """The router callback without a browser on the machine: chromium drawing the pages shares
    the two CPUs with gunicorn in steps 3 and 4 and slows the server down by about half again."""
    heading(f"2b. router callback from an HTTP client (urllib, 1 warm-up + {args.rounds} rounds)"
            f"{variant}")
    session = signed_in(server.base_url, account(database_url))
    timings: dict[str, list[float]] = defaultdict(list)
    failures: list[str] = []
    paths = drill_paths(database_url)
    for rounds_done in range(args.rounds + 1):
        for pathname, search in paths:
            answer = session.callback(router_payload(pathname, search))
            problem = page_problem(answer)
            if problem:
                failures.append(f"{pathname}{search}: {problem}")
            elif rounds_done:
                timings[pathname].append(answer.elapsed_ms)
    rows = [[pathname, str(len(values)), fmt_ms(median(values)),
             fmt_ms(percentile(values, 95)), fmt_ms(max(values))]
            for pathname, values in timings.items()]
    print_table(["page", "n", "p50", "p95", "max"], rows)
    print("  signed in as a leader through /login; each answer checked to be 200 with the page")
    if failures:
        report.error(f"router callback, HTTP client{variant}",
                     f"{len(failures)} answers were not the page; first: "
                     + "; ".join(failures[:3]))
    every = [v for values in timings.values() for v in values]
    if every:
        p95 = percentile(every, 95)
        report.add(f"router callback p95 warm, HTTP client{variant}", fmt_ms(p95),
                   f"<= {TARGET_CALLBACK_P95_MS:.0f} ms", p95 <= TARGET_CALLBACK_P95_MS)
