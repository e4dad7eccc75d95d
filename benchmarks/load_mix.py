"""Step 6: issue 15's load scenario. Viewers at once, each its own signed-in session, each
posting the router callback for the next page of the mix as soon as the last one arrived, on
the app served as `make serve-gunicorn` serves it; then the workers' resident memory."""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import math
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from benchmarks.accounts import account
from benchmarks.http_client import HttpSession, page_problem, signed_in
from benchmarks.machine import load_average, usable_cpus
from benchmarks.mix_plan import MixPlan, Visit
from benchmarks.report import Report, heading, print_table
from benchmarks.router_http import router_payload
from benchmarks.server import BenchServer, access_durations_ms, cpu_seconds, resident_mb
from benchmarks.settings import (
    DASH_UPDATE_PATH,
    TARGET_MIX_P95_MS,
    TARGET_MIX_PAGES_PER_S,
    TARGET_WORKER_RSS_MB,
)
from benchmarks.stats import fmt_ms, median, percentile

REQUEST_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Sample:
    visit: Visit
    finished: float  # time.monotonic() when the answer had arrived (or failed)
    elapsed_ms: float
    problem: str | None  # None: 200 with the page asked for


def _viewer(session: HttpSession, plan: MixPlan, rng: random.Random, stop_at: float,
            samples: list[Sample]) -> None:
    """One viewer: the next page as soon as the last one arrived, until stop_at."""
    while time.monotonic() < stop_at:
        visit = plan.draw(rng)
        started = time.perf_counter()
        try:
            answer = session.callback(router_payload(visit.pathname, visit.search))
            problem, elapsed = page_problem(answer), answer.elapsed_ms
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out
            problem = f"{type(error).__name__}: {error}"
            elapsed = (time.perf_counter() - started) * 1000.0
        samples.append(Sample(visit, time.monotonic(), elapsed, problem))  # append: atomic


def _sessions(server: BenchServer, viewers: int) -> list[HttpSession]:
    """One signed-in session per viewer, all as the same leader account (one login each)."""
    credentials = account(server.database_url)
    return [signed_in(server.base_url, credentials, REQUEST_TIMEOUT_S) for _ in range(viewers)]


@dataclass(frozen=True)
class MixRun:
    samples: list[Sample]  # every answer, the warm-up's included
    measure_from: float  # time.monotonic() of the window's start
    stop_at: float  # ... and end
    cpu_used: float  # the workers' CPU seconds within the window
    server_ms: list[float]  # gunicorn's own times of the callbacks logged within the window

    @property
    def window(self) -> list[Sample]:
        """Answers that arrived after the warm-up and before the end."""
        return [s for s in self.samples if self.measure_from <= s.finished <= self.stop_at]


def run_viewers(server: BenchServer, plan: MixPlan, sessions: list[HttpSession],
                args: argparse.Namespace) -> MixRun:
    samples: list[Sample] = []
    measure_from = time.monotonic() + args.mix_warmup
    stop_at = measure_from + args.mix_duration
    viewers = [threading.Thread(target=_viewer, name=f"viewer-{index}", daemon=True,
                                args=(session, plan, random.Random(args.mix_seed * 1000 + index),
                                      stop_at, samples))
               for index, session in enumerate(sessions)]
    for viewer in viewers:
        viewer.start()
    # The workers' CPU time over the window: what a page costs the server, which other load
    # on the machine changes less than it changes the waits.
    time.sleep(max(0.0, measure_from - time.monotonic()))
    pids = server.worker_pids()
    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    log_start = len(server.access_lines())
    time.sleep(max(0.0, stop_at - time.monotonic()))
    cpu_used = sum(cpu_seconds(pid) for pid in pids) - cpu_before
    logged = server.access_lines()[log_start:]
    print(f"  load average at the end of the window: {load_average()}")
    for viewer in viewers:  # an answer still on its way at stop_at is not counted
        viewer.join(timeout=max(0.0, stop_at - time.monotonic()) + REQUEST_TIMEOUT_S + 5)
    if any(viewer.is_alive() for viewer in viewers):
        print("  (some viewers were still waiting for an answer when the step ended)")
    return MixRun(samples, measure_from, stop_at, cpu_used,
                  access_durations_ms(logged, "POST", DASH_UPDATE_PATH))


def _row(name: str, samples: list[Sample], total: int) -> list[str]:
    times = [s.elapsed_ms for s in samples if s.problem is None]
    failed = sum(1 for s in samples if s.problem is not None)
    return [name, f"{len(samples) / total:.0%}" if total else "-", str(len(times)), str(failed),
            fmt_ms(median(times)), fmt_ms(percentile(times, 95)),
            fmt_ms(max(times) if times else math.nan)]


def print_mix(run: MixRun, plan: MixPlan, args: argparse.Namespace) -> None:
    window = run.window
    by_class: dict[str, list[Sample]] = defaultdict(list)
    for sample in window:
        by_class[sample.visit.page_class].append(sample)
    rows = [_row(name, by_class[name], len(window)) for name in plan.classes]
    rows.append(_row("all", window, len(window)))
    print_table(["page class", "share", "n ok", "errors", "p50", "p95", "max"], rows)
    answered = sum(1 for s in window if s.problem is None)
    hit = {s.visit.pathname for s in window}
    print(f"  {answered / args.mix_duration:.1f} pages/s answered in the window; "
          f"{sum(1 for u in plan.urls['township'] if u[0] in hit)} of "
          f"{len(plan.urls['township'])} townships and "
          f"{sum(1 for u in plan.urls['village'] if u[0] in hit)} of "
          f"{len(plan.urls['village'])} villages opened; "
          f"{len(run.samples) - len(window)} answers of the warm-up and after the end left out")
    print("  time: client round trip (POST sent -> whole answer read); the viewers' threads run")
    print("  on the same CPUs as gunicorn")
    if run.server_ms:
        print(f"  gunicorn's own request time (%(D)s) in the window: n={len(run.server_ms)} "
              f"p50 {fmt_ms(median(run.server_ms))} p95 {fmt_ms(percentile(run.server_ms, 95))}"
              " (a request waiting for a worker's thread is not counted there)")
    print(f"  gunicorn workers' CPU time in the window: {run.cpu_used:.1f} s of "
          f"{args.mix_duration * usable_cpus():.0f} s the machine has, "
          + (f"{run.cpu_used / answered * 1000:.0f} ms per page answered" if answered
             else "no page answered"))
    failed = [s for s in window if s.problem is not None]
    if failed:
        common = Counter(f"{s.problem} ({s.visit.page_class})" for s in failed).most_common(3)
        print("  errors, most frequent: " + "; ".join(f"{n}x {p}" for p, n in common))


def judge_mix(run: MixRun, args: argparse.Namespace, report: Report, server: BenchServer) -> None:
    window = run.window
    answered = [s.elapsed_ms for s in window if s.problem is None]
    failed = [s for s in window if s.problem is not None]
    if not answered:
        report.error("load mix", "no page was answered in the window"
                     + (f": {failed[0].problem} ({failed[0].visit.url})" if failed else "")
                     + f"\ngunicorn log (last lines):\n{server.log_tail(12)}")
        return
    p95 = percentile(answered, 95)
    pages_per_s = len(answered) / args.mix_duration
    label = f"{args.mix_viewers}-viewer mix"
    report.add(f"{label} p95", fmt_ms(p95), f"<= {TARGET_MIX_P95_MS:.0f} ms",
               p95 <= TARGET_MIX_P95_MS)
    report.add(f"{label} throughput", f"{pages_per_s:.1f} pages/s",
               f">= {TARGET_MIX_PAGES_PER_S:.0f} pages/s", pages_per_s >= TARGET_MIX_PAGES_PER_S)
    report.add(f"{label} errors (not 200 / not the page)", f"{len(failed)} of {len(window)}",
               "0", not failed)


def bench_mix(server: BenchServer, args: argparse.Namespace, report: Report,
              concurrency: tuple[int, int]) -> None:
    workers, threads = concurrency
    heading(f"7. load mix: {args.mix_viewers} viewers for {args.mix_duration:.0f} s "
            f"(+{args.mix_warmup:.0f} s warm-up), gunicorn {workers} workers x {threads} threads")
    plan = MixPlan(server.database_url, dt.date.fromisoformat(args.as_of))
    print_table(["page class", "share", "URLs", "e.g."], plan.describe())
    sessions = _sessions(server, args.mix_viewers)
    print(f"  {len(sessions)} sessions signed in as one leader account; seed {args.mix_seed}; "
          "router callback as dash-renderer posts it, no pause between pages")
    print("  resident memory (VmRSS) per worker before: " + ", ".join(
        f"{pid}: {resident_mb(pid):.0f} MB" for pid in server.worker_pids()))
    print(f"  load average at the start: {load_average()}")
    run = run_viewers(server, plan, sessions, args)
    print_mix(run, plan, args)
    judge_mix(run, args, report, server)
    report_memory(server, report, workers)


def report_memory(server: BenchServer, report: Report, workers: int) -> None:
    """VmRSS of each gunicorn worker now; the target is per worker, judged on the largest."""
    pids = server.worker_pids()
    sizes = {pid: resident_mb(pid) for pid in pids}
    print("  resident memory (VmRSS) per worker after the mix: " + ", ".join(
        f"{pid}: {size:.0f} MB" for pid, size in sizes.items()))
    known = [size for size in sizes.values() if not math.isnan(size)]
    if len(known) != workers:
        report.error("worker memory", f"{len(known)} of {workers} workers found "
                     f"(pids {', '.join(map(str, pids)) or 'none'})")
    if known:
        largest = max(known)
        report.add("worker memory after the mix (largest VmRSS)",
                   f"{largest:.0f} MB (of {len(known)})", f"<= {TARGET_WORKER_RSS_MB:.0f} MB",
                   largest <= TARGET_WORKER_RSS_MB)
