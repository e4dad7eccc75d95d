"""Steps 3+4, recording: headless chromium (Debian's, through Playwright) drills county ->
调关镇 -> a village and back, timing every callback request and every click until the next page
is drawn. drill_report.py prints and judges what it recorded.
"""

from __future__ import annotations

import argparse
import math
import os
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from benchmarks.accounts import account, sign_in
from benchmarks.report import Report, heading
from benchmarks.server import BenchServer
from benchmarks.settings import (
    COUNTY_NAME,
    DASH_UPDATE_PATH,
    START_PATH,
    TIAOGUAN_CODE,
    TIAOGUAN_NAME,
)
from benchmarks.stats import fmt_ms, fmt_s

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request, Response


# Installed in every document: a capture-phase pointerdown listener stamps the press, and
# arm(kind, arg) starts watching (MutationObserver plus a per-frame check) for the next page's
# marker; result = {visible, drawn} in ms after the press (drawn: the next frame after it
# became visible has been produced: requestAnimationFrame, then a task).
PAGE_PROBE = r"""
(() => {
  if (window.__bench) return;
  const isVisible = (el) => {
    if (!el || !el.isConnected) return false;
    if (el.checkVisibility && !el.checkVisibility({visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const crumbIs = (text) => {
    const el = document.querySelector('.breadcrumb .crumb.current');
    return isVisible(el) && el.textContent.includes(text);
  };
  const conditions = {
    tiles: (text) => isVisible(document.querySelector('.tile')) && crumbIs(text),
    crumb: (text) => crumbIs(text),
    map: (n) => document.querySelectorAll('#map path.choroplethlocation').length === n
                && document.querySelectorAll('#map .scattergeo text').length > 0
                && isVisible(document.querySelector('#map')),
  };
  const b = window.__bench = {t0: null, result: null, armed: false};
  window.addEventListener('pointerdown', () => {
    if (b.armed && b.t0 === null) b.t0 = performance.now();
  }, true);
  b.arm = (kind, arg) => {
    const cond = () => conditions[kind](arg);
    if (cond()) return 'condition already true before the click';
    b.t0 = null; b.result = null; b.armed = true;
    let done = false;
    const finish = () => {
      if (done || b.t0 === null || !cond()) return;
      done = true;
      const visible = performance.now() - b.t0;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => {
        b.result = {visible, drawn: performance.now() - b.t0,
                    t0Epoch: performance.timeOrigin + b.t0};
        b.armed = false;
      }, 0));
    };
    const observer = new MutationObserver(finish);
    observer.observe(document.documentElement,
                     {childList: true, subtree: true, attributes: true, characterData: true});
    const frame = () => { if (!done) { finish(); requestAnimationFrame(frame); } };
    requestAnimationFrame(frame);
    return null;
  };
})();
"""


def classify_callback(post_json: object) -> str:
    output = post_json.get("output", "") if isinstance(post_json, dict) else ""
    if output == "page.children":
        return "router.render -> page.children"
    if "url.pathname" in output:
        return "navigation.map_clicked -> url.pathname"
    if "map-nav.pathname" in output:
        # The same callback since it writes the map panel's own Location (layouts/ids.py).
        return "navigation.map_clicked -> map-nav.pathname"
    if "url.search" in output:
        return "navigation.controls_changed -> url.search"
    if "export-download" in output:
        return "navigation.export -> download"
    return output or "(unknown)"


@dataclass
class CallbackRecord:
    """One POST /_dash-update-component, timed by the browser."""

    phase: str  # load, cold, warm
    step: str
    callback: str
    server_ms: float  # responseStart - requestStart (browser's Request.timing)
    start_epoch_ms: float  # when the browser started the request (wall clock, ms)
    end_epoch_ms: float  # when the response had fully arrived
    response_bytes: int | None = None  # None: the browser did not tell


@dataclass
class RedrawSample:
    """One click of a drill step, timed in the page from the press."""

    round: int  # 0: the cold round
    visible_ms: float  # until the next page's marker was visible
    drawn: float  # seconds until the frame after that was produced
    wall: float  # seconds from Playwright's click call until it saw the result
    pressed_epoch_ms: float  # the press, wall clock

    @property
    def visible(self) -> float:
        return self.visible_ms / 1000.0


# The drill's clicks, in order; the names of its rows.
STEPS = (
    "map click -> township tiles",
    "tile click -> village page",
    "breadcrumb -> township tiles",
    "breadcrumb -> county map",
)


@dataclass
class DrillRun:
    """What one drill recorded, for drill_report.py."""

    records: list[CallbackRecord] = field(default_factory=list)
    samples: dict[str, list[RedrawSample]] = field(default_factory=lambda: defaultdict(list))
    warm_access_lines: list[str] = field(default_factory=list)  # gunicorn's, warm rounds only
    page_errors: list[str] = field(default_factory=list)
    # Callback requests answered other than 2xx, or not at all: left out of `records`.
    failed: list[str] = field(default_factory=list)


def find_chromium(explicit: str | None) -> str:
    from tests.fixtures.chromium import chromium_candidate

    path = chromium_candidate(explicit) or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"chromium not found at {path} (Debian package chromium; "
                           "set CHROMIUM_PATH or --chromium)")
    return path


class _RequestRecorder:
    """Tags each callback request with the drill's phase and step when it is sent, and records
    its timing when it has finished; keeps the timings of every request of the first load."""

    def __init__(self, run: DrillRun) -> None:
        self.run = run
        self.phase = "load"
        self.step = "page load"
        self._tags: dict[int, tuple[str, str]] = {}
        self._statuses: dict[int, int] = {}
        self.load_requests: list[tuple[str, float, float]] = []  # url, start, duration (ms)
        self.callback_requests: list[tuple[CallbackRecord, Request]] = []

    def on_request(self, request: Request) -> None:
        # Dash 4 adds a query (?endId=...) to the callback URL: compare the path only.
        if (request.method == "POST"
                and urllib.parse.urlsplit(request.url).path == DASH_UPDATE_PATH):
            self._tags[id(request)] = (self.phase, self.step)

    def on_response(self, response: Response) -> None:
        if id(response.request) in self._tags:
            self._statuses[id(response.request)] = response.status

    def on_failed(self, request: Request) -> None:
        tag = self._tags.pop(id(request), None)
        if tag is not None:
            self.run.failed.append(f"{tag[1]}: {request.failure}")

    def on_finished(self, request: Request) -> None:
        if self.phase == "load":
            end = request.timing.get("responseEnd", -1)
            self.load_requests.append((request.url, request.timing.get("startTime", math.nan),
                                       end if end >= 0 else math.nan))
        tag = self._tags.pop(id(request), None)
        if tag is None:
            return
        status = self._statuses.pop(id(request), 0)
        # 204: a callback that prevented its update (Dash's PreventUpdate) is answered, too.
        if status not in (200, 204):
            self.run.failed.append(f"{tag[1]}: HTTP {status}")
            return
        timing = request.timing
        start, first_byte = timing.get("requestStart", -1), timing.get("responseStart", -1)
        server_ms = first_byte - start if start >= 0 and first_byte >= 0 else math.nan
        end = timing.get("responseEnd", -1)
        try:
            post = request.post_data_json
        except Exception:  # a body that is not JSON: still count the request
            post = None
        started_at = timing.get("startTime", math.nan)
        record = CallbackRecord(tag[0], tag[1], classify_callback(post), server_ms, started_at,
                                started_at + end if end >= 0 else math.nan)
        self.run.records.append(record)
        self.callback_requests.append((record, request))

    def record_response_sizes(self) -> None:
        """While the browser is still open: the size is informational, left out when unknown."""
        from playwright.sync_api import Error as PlaywrightError

        for record, request in self.callback_requests:
            try:
                record.response_bytes = int(request.sizes()["responseBodySize"])
            except (PlaywrightError, KeyError, TypeError, ValueError):
                continue


def _first_load(page: Page, server: BenchServer, recorder: _RequestRecorder, report: Report,
                variant: str) -> None:
    """Opens the start page and waits for the county map: the cold load, informational."""
    load_started = time.perf_counter()
    page.goto(server.base_url + START_PATH)
    page.wait_for_function(
        "() => document.querySelectorAll('#map path.choroplethlocation').length === 15"
        " && document.querySelectorAll('#map .scattergeo text').length > 0")
    load_s = time.perf_counter() - load_started
    print(f"  first load of {START_PATH}: map drawn after {load_s:.2f} s (cold)")
    if recorder.load_requests:
        first = min(start for _url, start, _d in recorder.load_requests)
        # nan (no responseEnd) counts as 0 ms.
        slowest = sorted(recorder.load_requests,
                         key=lambda r: -(r[2] if r[2] == r[2] else 0))[:6]
        print("    slowest requests of that load (start after navigation -> duration):")
        for url, start, duration in slowest:
            short = urllib.parse.urlsplit(url).path
            print(f"      +{(start - first) / 1000:5.2f} s  {fmt_ms(duration):>8}  {short}")
    report.add(f"first page load, map drawn (cold, info){variant}", fmt_s(load_s), "-", None)


def _drill_rounds(page: Page, server: BenchServer, recorder: _RequestRecorder,
                  args: argparse.Namespace) -> None:
    """One cold round, then up to --drill-rounds warm ones within --drill-budget: map click ->
    township, tile -> village, breadcrumb -> township, breadcrumb -> county."""
    run = recorder.run
    step_timeout_ms = args.step_timeout * 1000

    def measure(step: str, kind: str, arg: object, click: Callable[[], None],
                round_index: int) -> None:
        recorder.step = step
        problem = page.evaluate("([k, a]) => window.__bench.arm(k, a)", [kind, arg])
        if problem:
            raise RuntimeError(f"{step}: {problem}")
        wall_started = time.perf_counter()
        click()
        page.wait_for_function("() => window.__bench.result !== null", timeout=step_timeout_ms)
        wall = time.perf_counter() - wall_started
        result = page.evaluate("() => window.__bench.result")
        run.samples[step].append(RedrawSample(
            round=round_index, visible_ms=result["visible"], drawn=result["drawn"] / 1000.0,
            wall=wall, pressed_epoch_ms=result["t0Epoch"]))
        page.wait_for_timeout(args.pause * 1000)

    def click_township() -> None:
        label = page.locator("#map .scattergeo text", has_text=TIAOGUAN_NAME)
        box = label.bounding_box()
        if box is None:
            raise RuntimeError(f"no map label {TIAOGUAN_NAME}")
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    warm_access_start: int | None = None
    deadline = time.monotonic() + args.drill_budget
    for round_index in range(args.drill_rounds + 1):
        if time.monotonic() > deadline:
            print(f"  (stopped after {round_index - 1} warm rounds: --drill-budget "
                  f"{args.drill_budget:.0f} s)")
            break
        recorder.phase = "cold" if round_index == 0 else "warm"
        if round_index == 1:
            warm_access_start = len(server.access_lines())
        measure(STEPS[0], "tiles", TIAOGUAN_NAME, click_township, round_index)
        href = page.evaluate("() => location.href")
        if f"/township/{TIAOGUAN_CODE}" not in href:
            raise RuntimeError(f"map click led to {href}, not {TIAOGUAN_NAME}")
        tile = page.locator(".tile").first
        village = tile.locator(".tile-name").inner_text().strip()
        measure(STEPS[1], "crumb", village, tile.click, round_index)
        measure(STEPS[2], "tiles", TIAOGUAN_NAME,
                page.locator(".breadcrumb a", has_text=TIAOGUAN_NAME).click, round_index)
        measure(STEPS[3], "map", 15,
                page.locator(".breadcrumb a", has_text=COUNTY_NAME).click, round_index)
    time.sleep(0.3)  # the last access-log lines
    if warm_access_start is not None:
        run.warm_access_lines = server.access_lines()[warm_access_start:]


def run_drill(server: BenchServer, args: argparse.Namespace, report: Report,
              variant: str = "") -> DrillRun:
    """variant: appended to every heading and measure (e.g. " [page cache off]")."""
    heading(f"3+4. drill in headless chromium (1 cold + {args.drill_rounds} warm rounds)"
            f"{variant}")
    from playwright.sync_api import sync_playwright

    # Here, not at the top: the chromium flags come from the application (dashboard.pdf), which
    # the steps without a browser, and --help, do not need to import.
    from tests.fixtures.chromium import CHROMIUM_ARGS, CONTEXT_OPTIONS, VIEWPORT

    executable = find_chromium(args.chromium)
    run = DrillRun()
    recorder = _RequestRecorder(run)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            print(f"  chromium {browser.version} ({executable}), viewport "
                  f"{VIEWPORT['width']}x{VIEWPORT['height']}")
            # The options are a plain dict shared with the tests: typed loosely.
            context = browser.new_context(**cast(dict[str, Any], CONTEXT_OPTIONS))
            context.set_default_timeout(args.step_timeout * 1000)
            # As a leader through the login form: the drill's pages need a session.
            sign_in(context, server.base_url, account(server.database_url))
            context.add_init_script(PAGE_PROBE)
            context.on("request", recorder.on_request)
            context.on("response", recorder.on_response)
            context.on("requestfailed", recorder.on_failed)
            context.on("requestfinished", recorder.on_finished)
            page = context.new_page()
            page.on("pageerror", lambda error: run.page_errors.append(str(error)))
            page.on("console",
                    lambda m: run.page_errors.append(m.text) if m.type == "error" else None)
            _first_load(page, server, recorder, report, variant)
            _drill_rounds(page, server, recorder, args)
            recorder.record_response_sizes()
            context.close()
        finally:
            browser.close()
    return run
