"""Step 2: indicator API latency, a fixed set of /api/v1/indicators queries timed from urllib."""

from __future__ import annotations

import argparse
import math
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass

from benchmarks.accounts import account
from benchmarks.http_client import api_session, json_body
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


def bench_api(server: BenchServer, database_url: str, args: argparse.Namespace,
              report: Report) -> None:
    heading(f"2. indicator API latency (/api/v1/indicators, urllib, 1 warm-up + {args.rounds} "
            "rounds)")
    client = api_session(server.base_url, database_url, account(database_url))
    print("  as an API client: Authorization: Bearer <API token of a leader account>")
    queries = api_queries(database_url)
    failures: list[str] = []

    def timed(query: ApiQuery) -> float | None:
        """Milliseconds of a 200 answer with indicators; None (and a failure) otherwise."""
        answer = client.get(query.path())
        if answer.status != 200:
            failures.append(f"{query.path()} answered {answer.status}: {answer.body[:200]!r}")
            return None
        payload = json_body(answer)
        if not isinstance(payload, dict) or not payload.get("indicators"):
            failures.append(f"{query.path()} returned no indicators")
            return None
        return answer.elapsed_ms

    cold: dict[ApiQuery, float] = {}
    for query in queries:  # warm-up pass, also a correctness check
        elapsed = timed(query)
        cold[query] = math.nan if elapsed is None else elapsed
    time.sleep(0.2)  # gunicorn writes the access-log line after the response
    log_start = len(server.access_lines())
    timings: dict[ApiQuery, list[float]] = defaultdict(list)
    deadline = time.monotonic() + args.api_budget
    for rounds_done in range(args.rounds):
        if time.monotonic() > deadline:
            print(f"  (stopped after {rounds_done} rounds: --api-budget {args.api_budget:.0f} s)")
            break
        for query in queries:
            elapsed = timed(query)
            if elapsed is not None:
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
        if values:
            report.add(f"API p95 warm, {scope}", fmt_ms(p95), f"<= {TARGET_API_P95_MS:.0f} ms",
                       p95 <= TARGET_API_P95_MS)
    if server_side:
        rows.append(["overall, server-side (gunicorn %(D)s)", str(len(server_side)),
                     fmt_ms(median(server_side)), fmt_ms(percentile(server_side, 95)),
                     fmt_ms(max(server_side))])
    print_table(["scope", "n", "p50", "p95", "max"], rows)
    if failures:
        # Left out of every timing above: an error page's time says nothing of the API's.
        report.error("indicator API", f"{len(failures)} answers were not 200 with indicators; "
                     "first: " + "; ".join(failures[:3]))
    answered = [q for q in queries if timings[q]]
    slowest = sorted(answered, key=lambda q: percentile(timings[q], 95), reverse=True)[:3]
    print("  slowest warm queries (p95): " + "; ".join(
        f"{q.label} {fmt_ms(percentile(timings[q], 95))}" for q in slowest))
    slowest_cold = sorted((q for q in queries if not math.isnan(cold[q])),
                          key=lambda q: cold[q], reverse=True)[:3]
    print("  slowest cold queries (1st request): " + "; ".join(
        f"{q.label} {fmt_ms(cold[q])}" for q in slowest_cold))
