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
import datetime as dt
import json
import math
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_AS_OF = "2026-11-15"
HEALTH_PATH = "/api/v1/health"
DASH_UPDATE_PATH = "/_dash-update-component"
TIAOGUAN_CODE = "421081105000"
TIAOGUAN_NAME = "调关镇"
COUNTY_NAME = "石首市"
START_PATH = "/?period=2025&indicator=service_full_online_rate"

TARGET_BUILD_S = 60.0
TARGET_API_P95_MS = 50.0
TARGET_CALLBACK_P95_MS = 50.0
TARGET_DRAWN_P95_S = 0.5

# The same flags, viewport and locale as the browser tests (tests/conftest.py).
sys.path.insert(0, str(REPO_ROOT))
from tests.conftest import CHROMIUM_ARGS, VIEWPORT, stop_process

# ---------------------------------------------------------------------------------------------
# Small helpers


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def fmt_ms(value: float) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def fmt_s(value: float) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:.2f} s"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _display_width(text))


def print_table(headers: Sequence[str], rows: Iterable[Sequence[str]], indent: str = "  ") -> None:
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [_display_width(h) for h in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], _display_width(cell))
    line = " | ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True))
    print(indent + line.rstrip())
    print(indent + "-+-".join("-" * w for w in widths))
    for row in rows:
        print(indent + " | ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())


def heading(text: str) -> None:
    print()
    print(f"== {text}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Result:
    """One row of the final table."""

    measure: str
    value: str
    target: str
    ok: bool | None  # None: informational, or not measured (see note)
    note: str = ""

    @property
    def ok_text(self) -> str:
        if self.note == "error":
            return "ERROR"
        if self.ok is None:
            return "n/a" if self.note == "skipped" else "-"
        return "yes" if self.ok else "NO"


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, measure: str, value: str, target: str, ok: bool | None,
            note: str = "") -> None:
        self.results.append(Result(measure, value, target, ok, note))

    def error(self, measure: str, message: str) -> None:
        self.errors.append(f"{measure}: {message}")
        self.results.append(Result(measure, "not measured", "", None, "error"))


# ---------------------------------------------------------------------------------------------
# Machine


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "?"


def git_revision() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=10, check=False)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO_ROOT, capture_output=True, text=True, timeout=10,
                               check=False)
    except (OSError, subprocess.SubprocessError):
        return "?"
    revision = head.stdout.strip() or "?"
    return revision + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "?"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def print_machine(args: argparse.Namespace) -> None:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    now = dt.datetime.now().astimezone()
    print("石首督导看板 benchmark")
    print(f"  date      {now.isoformat(timespec='seconds')}")
    print(f"  machine   nproc={usable}  cpu={cpu_model()}  memory={memory_total()}")
    print(f"  system    {platform.platform()}  python {platform.python_version()}")
    print(f"  revision  {git_revision()}")
    print(f"  load avg  {load_average()} (1/5/15 min) at start")
    try:
        if os.getloadavg()[0] > usable:
            print("  note      the machine is already busy (load > nproc): other processes share "
                  "the CPUs, figures will be slower than on an idle machine")
    except OSError:
        pass
    print(f"  settings  as-of {args.as_of}, API rounds {args.rounds}, drill rounds "
          f"{args.drill_rounds} (+1 cold), pause {args.pause:.2f} s between steps")


# ---------------------------------------------------------------------------------------------
# Step 1: demo database


def build_demo_database(args: argparse.Namespace, scratch: Path, report: Report) -> str | None:
    heading("1. demo build + import (python -m dashboard demo-data)")
    path = scratch / "bench.sqlite3"
    url = f"sqlite:///{path}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "dashboard", "demo-data", "--as-of", args.as_of]
    print(f"  $ DATABASE_URL={url} python {' '.join(command[1:])}")
    started = time.perf_counter()
    try:
        result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                                timeout=args.build_timeout, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        report.error("demo build + import", f"did not finish within {args.build_timeout:.0f} s")
        return None
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
        report.error("demo build + import", f"exit {result.returncode}:\n{tail}")
        return None
    for line in result.stdout.splitlines():
        print(f"    {line}")
    size = sum(p.stat().st_size for p in scratch.glob("bench.sqlite3*"))
    print(f"  wall time {elapsed:.1f} s, database {size / 1e6:.0f} MB")
    report.add("demo build + import (wall)", fmt_s(elapsed), f"<= {TARGET_BUILD_S:.0f} s",
               elapsed <= TARGET_BUILD_S)
    return url


# ---------------------------------------------------------------------------------------------
# The app under gunicorn


class Server:
    """gunicorn serving dashboard.wsgi:server on 127.0.0.1:<free port>, as tests/conftest.py."""

    ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"  # %(D)s: request time in microseconds

    def __init__(self, database_url: str, as_of: str, scratch: Path, name: str = "gunicorn",
                 env_overrides: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = scratch / f"{name}.log"
        self.access_path = scratch / f"{name}-access.log"
        env = dict(os.environ)
        env.update({"DATABASE_URL": database_url, "DASHBOARD_TODAY": as_of,
                    "PYTHONUNBUFFERED": "1", **(env_overrides or {})})
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT),
                                                          os.environ.get("PYTHONPATH")]))
        command = [sys.executable, "-m", "gunicorn", "dashboard.wsgi:server",
                   "-b", f"127.0.0.1:{self.port}", "-w", "1", "--threads", "4",
                   "--graceful-timeout", "5",
                   "--access-logfile", str(self.access_path),
                   "--access-logformat", self.ACCESS_FORMAT]
        self.started = time.perf_counter()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=REPO_ROOT, env=env,
                                            stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def wait_until_healthy(self, timeout: float) -> float:
        """Seconds from the start until /api/v1/health answered 200; raises RuntimeError."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base_url + HEALTH_PATH, timeout=5) as response:
                    body = json.loads(response.read())
                    if body.get("status") != "ok":
                        raise RuntimeError(f"health says {body}")
                    return time.perf_counter() - self.started
            except urllib.error.HTTPError as error:
                raise RuntimeError(f"health answered {error.code}: {error.read()[:500]!r}") from error
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"{HEALTH_PATH} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def access_lines(self) -> list[str]:
        try:
            return self.access_path.read_text(errors="replace").splitlines()
        except OSError:
            return []

    def stop(self) -> None:
        stop_process(self.process)


def access_durations_ms(lines: Iterable[str], method: str, path_prefix: str) -> list[float]:
    """Server-side durations (ms) from access-log lines "METHOD PATH STATUS MICROSECONDS"."""
    durations = []
    for line in lines:
        parts = line.split()
        if len(parts) == 4 and parts[0] == method and parts[1].startswith(path_prefix):
            try:
                durations.append(int(parts[3]) / 1000.0)
            except ValueError:
                continue
    return durations


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


def bench_router_http(server: Server, database_url: str, args: argparse.Namespace,
                      report: Report, variant: str = "") -> None:
    """The router callback without a browser on the machine: chromium drawing the pages shares
    the two CPUs with gunicorn in steps 3 and 4 and slows the server down by about half again."""
    heading(f"2b. router callback from an HTTP client (urllib, 1 warm-up + {args.rounds} rounds)"
            f"{variant}")
    timings: dict[str, list[float]] = defaultdict(list)
    paths = drill_paths(database_url)
    for rounds_done in range(args.rounds + 1):
        for pathname, search in paths:
            request = urllib.request.Request(
                server.base_url + DASH_UPDATE_PATH, data=router_payload(pathname, search),
                headers={"Content-Type": "application/json"})
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
            if rounds_done:
                timings[pathname].append((time.perf_counter() - started) * 1000.0)
    rows = [[pathname, fmt_ms(median(values)), fmt_ms(percentile(values, 95)),
             fmt_ms(max(values))] for pathname, values in timings.items()]
    print_table(["page", "p50", "p95", "max"], rows)
    every = [v for values in timings.values() for v in values]
    p95 = percentile(every, 95)
    report.add(f"router callback p95 warm, HTTP client{variant}", fmt_ms(p95),
               f"<= {TARGET_CALLBACK_P95_MS:.0f} ms", p95 <= TARGET_CALLBACK_P95_MS)


# ---------------------------------------------------------------------------------------------
# Step 2: indicator API


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


def bench_api(server: Server, database_url: str, args: argparse.Namespace,
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


# ---------------------------------------------------------------------------------------------
# Steps 3 and 4: the browser


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
    phase: str  # load, cold, warm
    step: str
    round: int
    callback: str
    server_ms: float  # responseStart - requestStart (browser's Request.timing)
    start_epoch_ms: float  # when the browser started the request (wall clock, ms)
    end_epoch_ms: float  # when the response had fully arrived
    request: object


STEPS = (
    ("map click -> township tiles", "map"),
    ("tile click -> village page", "tile"),
    ("breadcrumb -> township tiles", "crumb-township"),
    ("breadcrumb -> county map", "crumb-county"),
)


def find_chromium(explicit: str | None) -> str:
    path = explicit or os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"chromium not found at {path} (Debian package chromium; "
                           "set CHROMIUM_PATH or --chromium)")
    return path


def bench_browser(server: Server, args: argparse.Namespace, report: Report,
                  variant: str = "") -> None:
    """variant: appended to every heading and measure (e.g. " [page cache off]")."""
    heading(f"3+4. drill in headless chromium (1 cold + {args.drill_rounds} warm rounds)"
            f"{variant}")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = find_chromium(args.chromium)
    records: list[CallbackRecord] = []
    state = {"phase": "load", "step": "page load", "round": -1}
    tags: dict[int, tuple[str, str, int]] = {}
    drawn: dict[str, list[dict]] = defaultdict(list)  # step -> [{visible, drawn, wall, round}]
    access_window: list[int] = []

    def on_request(request) -> None:
        # Dash 4 adds a query (?endId=...) to the callback URL: compare the path only.
        if request.method == "POST" and urllib.parse.urlsplit(request.url).path == DASH_UPDATE_PATH:
            tags[id(request)] = (state["phase"], state["step"], state["round"])

    def on_finished(request) -> None:
        tag = tags.pop(id(request), None)
        if tag is None:
            return
        timing = request.timing
        start, first_byte = timing.get("requestStart", -1), timing.get("responseStart", -1)
        server_ms = first_byte - start if start >= 0 and first_byte >= 0 else math.nan
        end = timing.get("responseEnd", -1)
        try:
            post = request.post_data_json
        except Exception:  # noqa: BLE001 - a body that is not JSON: still count the request
            post = None
        started_at = timing.get("startTime", math.nan)
        records.append(CallbackRecord(tag[0], tag[1], tag[2], classify_callback(post),
                                      server_ms, started_at,
                                      started_at + end if end >= 0 else math.nan, request))

    load_requests: list[tuple[str, float, float]] = []  # url, start (ms), duration (ms)

    def on_any_finished(request) -> None:
        if state["phase"] != "load":
            return
        timing = request.timing
        end = timing.get("responseEnd", -1)
        load_requests.append((request.url, timing.get("startTime", math.nan),
                              end if end >= 0 else math.nan))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            print(f"  chromium {browser.version} ({executable}), viewport "
                  f"{VIEWPORT['width']}x{VIEWPORT['height']}")
            context = browser.new_context(viewport=VIEWPORT, locale="zh-CN",
                                          timezone_id="Asia/Shanghai")
            context.set_default_timeout(args.step_timeout * 1000)
            context.add_init_script(PAGE_PROBE)
            context.on("request", on_request)
            context.on("requestfinished", on_finished)
            context.on("requestfinished", on_any_finished)
            page = context.new_page()
            page_errors: list[str] = []
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.on("console", lambda m: page_errors.append(m.text) if m.type == "error" else None)

            load_started = time.perf_counter()
            page.goto(server.base_url + START_PATH)
            page.wait_for_function(
                "() => document.querySelectorAll('#map path.choroplethlocation').length === 15"
                " && document.querySelectorAll('#map .scattergeo text').length > 0")
            load_s = time.perf_counter() - load_started
            print(f"  first load of {START_PATH}: map drawn after {load_s:.2f} s (cold)")
            if load_requests:
                first = min(start for _url, start, _d in load_requests)
                slowest = sorted(load_requests, key=lambda r: -(r[2] if r[2] == r[2] else 0))[:6]
                print("    slowest requests of that load (start after navigation -> duration):")
                for url, start, duration in slowest:
                    short = urllib.parse.urlsplit(url).path
                    print(f"      +{(start - first) / 1000:5.2f} s  {fmt_ms(duration):>8}  {short}")
            report.add(f"first page load, map drawn (cold, info){variant}", fmt_s(load_s), "-", None)

            def measure(step: str, kind: str, arg: object, click: Callable[[], None],
                        round_index: int) -> None:
                state["step"] = step
                problem = page.evaluate("([k, a]) => window.__bench.arm(k, a)", [kind, arg])
                if problem:
                    raise RuntimeError(f"{step}: {problem}")
                wall_started = time.perf_counter()
                click()
                page.wait_for_function("() => window.__bench.result !== null",
                                       timeout=args.step_timeout * 1000)
                wall = time.perf_counter() - wall_started
                result = page.evaluate("() => window.__bench.result")
                drawn[step].append({"visible": result["visible"] / 1000.0,
                                    "drawn": result["drawn"] / 1000.0, "wall": wall,
                                    "round": round_index, "t0_epoch_ms": result["t0Epoch"],
                                    "visible_ms": result["visible"]})
                page.wait_for_timeout(args.pause * 1000)

            def click_township() -> None:
                label = page.locator("#map .scattergeo text", has_text=TIAOGUAN_NAME)
                box = label.bounding_box()
                if box is None:
                    raise RuntimeError(f"no map label {TIAOGUAN_NAME}")
                page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

            deadline = time.monotonic() + args.drill_budget
            for round_index in range(args.drill_rounds + 1):
                if time.monotonic() > deadline:
                    print(f"  (stopped after {round_index - 1} warm rounds: --drill-budget "
                          f"{args.drill_budget:.0f} s)")
                    break
                state["phase"] = "cold" if round_index == 0 else "warm"
                state["round"] = round_index
                if round_index == 1:
                    access_window.append(len(server.access_lines()))
                measure(STEPS[0][0], "tiles", TIAOGUAN_NAME, click_township, round_index)
                href = page.evaluate("() => location.href")
                if f"/township/{TIAOGUAN_CODE}" not in href:
                    raise RuntimeError(f"map click led to {href}, not {TIAOGUAN_NAME}")
                tile = page.locator(".tile").first
                village = tile.locator(".tile-name").inner_text().strip()
                measure(STEPS[1][0], "crumb", village, tile.click, round_index)
                measure(STEPS[2][0], "tiles", TIAOGUAN_NAME,
                        page.locator(".breadcrumb a", has_text=TIAOGUAN_NAME).click, round_index)
                measure(STEPS[3][0], "map", 15,
                        page.locator(".breadcrumb a", has_text=COUNTY_NAME).click, round_index)
            time.sleep(0.3)  # the last access-log lines
            if access_window:
                access_window.append(len(server.access_lines()))
            sizes: dict[int, int] = {}
            for record in records:
                try:
                    sizes[id(record)] = int(record.request.sizes()["responseBodySize"])
                except (PlaywrightError, KeyError, TypeError, ValueError):
                    continue  # size is informational: left out when unknown
            context.close()
        finally:
            browser.close()

    if page_errors:
        print("  browser errors: " + " | ".join(page_errors[:5]))

    # --- step 3: callbacks
    heading(f"   3. drill callbacks: POST /_dash-update-component, server time per callback"
            f"{variant}")
    print("  server time = Request.timing responseStart - requestStart in chromium (time to first")
    print("  byte on 127.0.0.1: gunicorn + Dash + the callback, transport well under 1 ms);")
    print("  warm = rounds after the first (cold) one; the page's initial load is left out")
    by_callback: dict[str, list[CallbackRecord]] = defaultdict(list)
    for record in records:
        by_callback[record.callback].append(record)
    rows = []
    for callback, items in sorted(by_callback.items()):
        warm = [r.server_ms for r in items if r.phase == "warm"]
        cold = [r.server_ms for r in items if r.phase == "cold"]
        warm_sizes = [sizes[id(r)] for r in items if r.phase == "warm" and id(r) in sizes]
        rows.append([callback, str(len(warm)), fmt_ms(max(cold) if cold else math.nan),
                     fmt_ms(median(warm)), fmt_ms(percentile(warm, 95)),
                     fmt_ms(max(warm) if warm else math.nan),
                     f"{median(warm_sizes) / 1000:.1f} kB" if warm_sizes else "-"])
    print_table(["callback", "n warm", "cold max", "p50", "p95", "max", "response"], rows)

    rows = []
    for step, _key in STEPS:
        for callback in sorted({r.callback for r in records if r.step == step}):
            warm = [r.server_ms for r in records
                    if r.step == step and r.callback == callback and r.phase == "warm"]
            cold = [r.server_ms for r in records
                    if r.step == step and r.callback == callback and r.phase == "cold"]
            rows.append([step, callback, fmt_ms(max(cold) if cold else math.nan),
                         fmt_ms(median(warm)), fmt_ms(percentile(warm, 95))])
    print("  by drill step:")
    print_table(["step", "callback", "cold", "warm p50", "warm p95"], rows)
    if len(access_window) == 2:
        lines = server.access_lines()[access_window[0]:access_window[1]]
        server_side = access_durations_ms(lines, "POST", DASH_UPDATE_PATH)
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

    # --- step 4: click to redrawn
    heading(f"   4. click -> redrawn (page time from pointerdown; warm rounds){variant}")
    print("  visible = the next page's marker is in the DOM and visible (MutationObserver);")
    print("  drawn = the following animation frame has run (rAF + task): what the eye sees.")
    print("  Markers: township .tile + current crumb 调关镇; village: .breadcrumb .crumb.current")
    print("  holds the tile's name; county: 15 map polygons and their labels drawn.")
    def chain_requests(sample: dict) -> list[CallbackRecord]:
        """Callback requests sent after the press that had their answer before the marker
        showed: the chain the user waited for (a callback fired by the new page's own
        components after it appeared is left out)."""
        start = sample["t0_epoch_ms"] - 5
        end = sample["t0_epoch_ms"] + sample["visible_ms"] + 5
        return [r for r in records
                if r.start_epoch_ms >= start and r.end_epoch_ms <= end]

    rows = []
    for step, _key in STEPS:
        samples = drawn.get(step, [])
        warm = [s for s in samples if s["round"] > 0]
        cold = [s for s in samples if s["round"] == 0]
        drawn_warm = [s["drawn"] for s in warm]
        server_sum = [sum(r.server_ms for r in chain_requests(s)) / 1000.0 for s in warm]
        rows.append([step, str(len(warm)), fmt_s(cold[0]["drawn"]) if cold else "-",
                     fmt_s(median([s["visible"] for s in warm])), fmt_s(median(drawn_warm)),
                     fmt_s(percentile(drawn_warm, 95)),
                     fmt_s(max(drawn_warm) if drawn_warm else math.nan),
                     fmt_s(median(server_sum)),
                     fmt_s(median(drawn_warm) - median(server_sum)) if server_sum else "-",
                     fmt_s(median([s["wall"] for s in warm]))])
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
    print("  wall = Playwright's view from its click call to seeing the result (polling adds to it).")


# ---------------------------------------------------------------------------------------------
# Main


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
    parser.add_argument("--as-of", default=DEFAULT_AS_OF,
                        help="demo-data --as-of and the server's DASHBOARD_TODAY "
                             f"(default {DEFAULT_AS_OF})")
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


def drill(server: Server, args: argparse.Namespace, report: Report, variant: str) -> None:
    try:
        bench_browser(server, args, report, variant)
    except Exception as error:  # noqa: BLE001 - report what could be measured
        report.error(f"drill in chromium{variant}", f"{type(error).__name__}: {error}\n"
                     f"gunicorn log (last lines):\n{server.log_tail(12)}")


def uncached(database_url: str, args: argparse.Namespace, scratch: Path,
             report: Report) -> None:
    """Steps 2b-4 on a second server that renders every page (its data caches warm up in the
    first round as usual): what a view nobody has opened since the last import costs."""
    variant = " [page cache off]"
    server = Server(database_url, args.as_of, scratch, name="gunicorn-uncached",
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


def print_summary(report: Report, total_s: float) -> None:
    heading(f"summary (total run {total_s:.0f} s, load avg now {load_average()})")
    print_table(["measure", "value", "target", "ok"],
                [[r.measure, r.value, r.target, r.ok_text] for r in report.results])
    if report.errors:
        print()
        print("errors:")
        for message in report.errors:
            print("  " + message.replace("\n", "\n    "))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.rounds < 1 or args.drill_rounds < 1:
        print("--rounds and --drill-rounds must be at least 1", file=sys.stderr)
        return 2
    run_started = time.perf_counter()
    report = Report()
    print_machine(args)
    scratch = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    server: Server | None = None
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
            server = Server(database_url, args.as_of, scratch)
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
            except Exception as error:  # noqa: BLE001 - report and go on with the browser
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


if __name__ == "__main__":
    sys.exit(main())
