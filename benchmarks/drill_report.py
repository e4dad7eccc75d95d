"""Steps 3+4, reporting: the callbacks' server times (step 3) and click -> redrawn (step 4) of a
recorded drill, printed as tables and judged against the targets."""

from __future__ import annotations

import math
from collections import defaultdict

from benchmarks.drill_browser import STEPS, CallbackRecord, DrillRun, RedrawSample
from benchmarks.report import Report, heading, print_table
from benchmarks.server import access_durations_ms
from benchmarks.settings import DASH_UPDATE_PATH, TARGET_CALLBACK_P95_MS, TARGET_DRAWN_P95_S
from benchmarks.stats import fmt_ms, fmt_s, median, percentile


def print_drill(run: DrillRun, report: Report, variant: str = "") -> None:
    """variant: appended to every heading and measure (e.g. " [page cache off]")."""
    if run.page_errors:
        print("  browser errors: " + " | ".join(run.page_errors[:5]))
    if run.failed:
        report.error(f"drill callbacks{variant}", f"{len(run.failed)} callback requests were "
                     "not answered 2xx (left out of the timings); first: "
                     + "; ".join(run.failed[:3]))
    print_callbacks(run, report, variant)
    print_redrawn(run, report, variant)


def _max(values: list[float]) -> float:
    return max(values) if values else math.nan


def print_callbacks(run: DrillRun, report: Report, variant: str) -> None:
    """Step 3: server time per callback, per drill step, and the targets of the router and the
    navigation callback."""
    heading(f"   3. drill callbacks: POST /_dash-update-component, server time per callback"
            f"{variant}")
    print("  server time = Request.timing responseStart - requestStart in chromium (time to first")
    print("  byte on 127.0.0.1: gunicorn + Dash + the callback, transport well under 1 ms);")
    print("  warm = rounds after the first (cold) one; the page's initial load is left out")
    records = run.records
    by_callback: dict[str, list[CallbackRecord]] = defaultdict(list)
    for record in records:
        by_callback[record.callback].append(record)
    rows = []
    for callback, items in sorted(by_callback.items()):
        warm = [r.server_ms for r in items if r.phase == "warm"]
        cold = [r.server_ms for r in items if r.phase == "cold"]
        warm_sizes = [r.response_bytes for r in items
                      if r.phase == "warm" and r.response_bytes is not None]
        rows.append([callback, str(len(warm)), fmt_ms(_max(cold)),
                     fmt_ms(median(warm)), fmt_ms(percentile(warm, 95)), fmt_ms(_max(warm)),
                     f"{median(warm_sizes) / 1000:.1f} kB" if warm_sizes else "-"])
    print_table(["callback", "n warm", "cold max", "p50", "p95", "max", "response"], rows)

    rows = []
    for step in STEPS:
        for callback in sorted({r.callback for r in records if r.step == step}):
            warm = [r.server_ms for r in records
                    if r.step == step and r.callback == callback and r.phase == "warm"]
            cold = [r.server_ms for r in records
                    if r.step == step and r.callback == callback and r.phase == "cold"]
            rows.append([step, callback, fmt_ms(_max(cold)),
                         fmt_ms(median(warm)), fmt_ms(percentile(warm, 95))])
    print("  by drill step:")
    print_table(["step", "callback", "cold", "warm p50", "warm p95"], rows)
    server_side = access_durations_ms(run.warm_access_lines, "POST", DASH_UPDATE_PATH)
    if server_side:
        print(f"  cross-check, gunicorn access log (%(D)s) for the warm rounds: "
              f"n={len(server_side)} p50 {fmt_ms(median(server_side))} "
              f"p95 {fmt_ms(percentile(server_side, 95))} max {fmt_ms(max(server_side))}")
    for label, needle in (("router callback (page.children)", "router.render"),
                          ("navigation callback (map_clicked)", "navigation.map_clicked")):
        warm = [r.server_ms for r in records if r.phase == "warm" and r.callback.startswith(needle)]
        if not warm:
            report.error(f"{label} p95 warm{variant}", "no requests recorded")
            continue
        p95 = percentile(warm, 95)
        report.add(f"{label} p95 warm{variant}", fmt_ms(p95),
                   f"<= {TARGET_CALLBACK_P95_MS:.0f} ms", p95 <= TARGET_CALLBACK_P95_MS)


def _chain_requests(records: list[CallbackRecord], sample: RedrawSample) -> list[CallbackRecord]:
    """Callback requests sent after the press that had their answer before the marker showed:
    the chain the user waited for (a callback fired by the new page's own components after it
    appeared is left out)."""
    start = sample.pressed_epoch_ms - 5
    end = sample.pressed_epoch_ms + sample.visible_ms + 5
    return [r for r in records if r.start_epoch_ms >= start and r.end_epoch_ms <= end]


def print_redrawn(run: DrillRun, report: Report, variant: str) -> None:
    """Step 4: click -> redrawn per drill step, and its target."""
    heading(f"   4. click -> redrawn (page time from pointerdown; warm rounds){variant}")
    print("  visible = the next page's marker is in the DOM and visible (MutationObserver);")
    print("  drawn = the following animation frame has run (rAF + task): what the eye sees.")
    print("  Markers: township .tile + current crumb 调关镇; village: .breadcrumb .crumb.current")
    print("  holds the tile's name; county: 15 map polygons and their labels drawn.")
    rows = []
    for step in STEPS:
        samples = run.samples.get(step, [])
        warm = [s for s in samples if s.round > 0]
        cold = [s for s in samples if s.round == 0]
        drawn_warm = [s.drawn for s in warm]
        server_sum = [sum(r.server_ms for r in _chain_requests(run.records, s)) / 1000.0
                      for s in warm]
        rows.append([step, str(len(warm)), fmt_s(cold[0].drawn) if cold else "-",
                     fmt_s(median([s.visible for s in warm])), fmt_s(median(drawn_warm)),
                     fmt_s(percentile(drawn_warm, 95)), fmt_s(_max(drawn_warm)),
                     fmt_s(median(server_sum)),
                     fmt_s(median(drawn_warm) - median(server_sum)) if server_sum else "-",
                     fmt_s(median([s.wall for s in warm]))])
        if not drawn_warm:
            report.error(f"{step}, drawn{variant}", "no warm samples")
            continue
        p95 = percentile(drawn_warm, 95)
        report.add(f"{step}, drawn p95 (median){variant}",
                   f"{fmt_s(p95)} ({fmt_s(median(drawn_warm))})",
                   f"<= {TARGET_DRAWN_P95_S:.1f} s", p95 <= TARGET_DRAWN_P95_S)
    print_table(["step", "n", "cold drawn", "visible p50", "drawn p50", "drawn p95",
                 "drawn max", "server p50", "rest p50", "wall p50"], rows)
    print("  server = server times of the callbacks sent after the press and answered before the")
    print("  marker showed (the chain the user waits for), added up;")
    print("  rest = drawn - server: transport, Dash renderer, React, plotly.js, layout and paint.")
    print("  wall = Playwright's view from its click call to seeing the result "
          "(polling adds to it).")
