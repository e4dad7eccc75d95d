"""Step 2: indicator API latency, a fixed set of /api/v1/indicators queries timed from urllib."""

from __future__ import annotations

import argparse
import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass

from benchmarks.report import Report, heading, print_table
from benchmarks.server import BenchServer, access_durations_ms
from benchmarks.settings import TARGET_API_P95_MS, TIAOGUAN_CODE
from benchmarks.stats import fmt_ms, median, percentile


@dataclass(frozen=True)
class ApiQuery:
    scope: str
    code: str
    name: str
    period: str

    def path(self) -> str:
        params = {"scope": self.scope, "period": self.period}
        if self.scope != "county":
            params["code"] = self.code
        return "/api/v1/indicators?" + urllib.parse.urlencode(params)

    @property
    def label(self) -> str:
        return f"{self.scope} {self.name} {self.period}"


def api_queries(database_url: str) -> list[ApiQuery]:
    """County 2025/2026-Q3/2026-10/2026-W45; three townships and a village of each, 2025 and
    2026-10. Townships: 调关镇 and the first and last by code; village: each one's first by code."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            county = connection.execute(text(
                "SELECT code, name FROM division WHERE level = 'county' ORDER BY code")).first()
            townships = connection.execute(text(
                "SELECT code, name FROM division WHERE level = 'township' ORDER BY code")).all()
            chosen = [t for t in townships if t[0] == TIAOGUAN_CODE]
            for candidate in (townships[0], townships[-1]) if townships else ():
                if candidate not in chosen:
                    chosen.append(candidate)
            villages = []
            for code, _name in chosen:
                village = connection.execute(text(
                    "SELECT code, name FROM division WHERE level = 'village' "
                    "AND parent_code = :parent ORDER BY code"), {"parent": code}).first()
                if village is not None:
                    villages.append(tuple(village))
    finally:
        engine.dispose()
    if county is None or not chosen:
        raise RuntimeError("the division table has no county or no townships")
    queries = [ApiQuery("county", county[0], county[1], p)
               for p in ("2025", "2026-Q3", "2026-10", "2026-W45")]
    for scope, rows in (("township", chosen), ("village", villages)):
        for code, name in rows:
            queries.extend(ApiQuery(scope, code, name, p) for p in ("2025", "2026-10"))
    return queries


def timed_get(url: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body = error.read()
        status = error.code
    return (time.perf_counter() - started) * 1000.0, status, body


def bench_api(server: BenchServer, database_url: str, args: argparse.Namespace,
              report: Report) -> None:
    heading(f"2. indicator API latency (/api/v1/indicators, urllib, 1 warm-up + {args.rounds} "
            "rounds)")
    queries = api_queries(database_url)
    cold: dict[ApiQuery, float] = {}
    for query in queries:  # warm-up pass, also a correctness check
        elapsed, status, body = timed_get(server.base_url + query.path())
        if status != 200:
            raise RuntimeError(f"{query.path()} answered {status}: {body[:300]!r}")
        payload = json.loads(body)
        if not payload.get("indicators"):
            raise RuntimeError(f"{query.path()} returned no indicators")
        cold[query] = elapsed
    time.sleep(0.2)  # gunicorn writes the access-log line after the response
    log_start = len(server.access_lines())
    timings: dict[ApiQuery, list[float]] = defaultdict(list)
    deadline = time.monotonic() + args.api_budget
    for rounds_done in range(args.rounds):
        if time.monotonic() > deadline:
            print(f"  (stopped after {rounds_done} rounds: --api-budget {args.api_budget:.0f} s)")
            break
        for query in queries:
            elapsed, status, _body = timed_get(server.base_url + query.path())
            if status != 200:
                raise RuntimeError(f"{query.path()} answered {status}")
            timings[query].append(elapsed)
    time.sleep(0.2)  # let the access log catch up
    server_side = access_durations_ms(server.access_lines()[log_start:], "GET",
                                      "/api/v1/indicators")

    rows = []
    for query in queries:
        values = timings[query]
        rows.append([query.label, fmt_ms(cold[query]), fmt_ms(median(values)),
                     fmt_ms(percentile(values, 95)), fmt_ms(max(values) if values else math.nan)])
    print_table(["query (scope name period)", "cold (1st)", "p50", "p95", "max"], rows)
    print("  client-side time: urllib.request.urlopen + read, a new TCP connection per request")

    heading("   per scope (warm)")
    rows = []
    for scope in ("county", "township", "village", "overall"):
        values = [v for q, vs in timings.items() if scope in (q.scope, "overall") for v in vs]
        p95 = percentile(values, 95)
        rows.append([scope, str(len(values)), fmt_ms(median(values)), fmt_ms(p95),
                     fmt_ms(max(values) if values else math.nan)])
        report.add(f"API p95 warm, {scope}", fmt_ms(p95), f"<= {TARGET_API_P95_MS:.0f} ms",
                   p95 <= TARGET_API_P95_MS)
    if server_side:
        rows.append(["overall, server-side (gunicorn %(D)s)", str(len(server_side)),
                     fmt_ms(median(server_side)), fmt_ms(percentile(server_side, 95)),
                     fmt_ms(max(server_side))])
    print_table(["scope", "n", "p50", "p95", "max"], rows)
    slowest = sorted(queries, key=lambda q: percentile(timings[q], 95), reverse=True)[:3]
    print("  slowest warm queries (p95): " + "; ".join(
        f"{q.label} {fmt_ms(percentile(timings[q], 95))}" for q in slowest))
    slowest_cold = sorted(queries, key=lambda q: cold[q], reverse=True)[:3]
    print("  slowest cold queries (1st request): " + "; ".join(
        f"{q.label} {fmt_ms(cold[q])}" for q in slowest_cold))
