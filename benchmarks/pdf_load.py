"""Step 8: the weekly report's PDF exported by several users at once, as a background job each,
while a probe asks /api/v1/health every 100 ms: the PDFs all made, and the server answering
meanwhile.

An export: POST /weekly/pdf {week, lang} with the session's CSRF header -> 303 to the export's
page /weekly/export/<id>(?pdf=1); GET /weekly/export/<id>/pdf-status every 0.5 s until its state is
done or failed; GET /weekly/export/<id>.pdf must be a PDF. The first export is posted alone: a
server without PDF jobs (any answer but that 303) is reported as such, without ten exports
printed inside requests; the others follow as soon as it is accepted.
"""

from __future__ import annotations

import argparse
import http.client
import re
import threading
import time
from dataclasses import dataclass

from benchmarks.accounts import account
from benchmarks.http_client import Answer, HttpSession, json_body, signed_in
from benchmarks.report import Report, heading, print_table
from benchmarks.server import BenchServer
from benchmarks.settings import (
    HEALTH_PROBE_EVERY_S,
    PDF_POLL_EVERY_S,
    TARGET_HEALTH_P95_MS,
)
from benchmarks.stats import fmt_ms, fmt_s, median, percentile
from tests.fixtures.processes import HEALTH_PATH

# The export's page, which follows the job ("?pdf=1" in the agreed interface; any query taken).
EXPORT_LOCATION = re.compile(r"/weekly/export/(\d+)(\?[^/]*)?$")
REQUEST_TIMEOUT_S = 60.0  # also bounds a server that prints inside the POST


@dataclass
class Export:
    """One user's export, as far as it got."""

    posted_ms: float = float("nan")  # the POST's round trip
    export_id: int | None = None
    state: str = "not posted"
    made_after_s: float = float("nan")  # from the step's start until the PDF was fetched
    pdf_bytes: int = 0
    problem: str | None = None


class HealthProbe(threading.Thread):
    """GET /api/v1/health every HEALTH_PROBE_EVERY_S (at once when one took longer), without a
    session: the path is open, as for the county's monitoring."""

    def __init__(self, base_url: str) -> None:
        super().__init__(name="health-probe", daemon=True)
        self.client = HttpSession(base_url, timeout=10.0)
        self.stopped = threading.Event()
        self.times_ms: list[float] = []
        self.failures: list[str] = []

    def run(self) -> None:
        while not self.stopped.is_set():
            started = time.monotonic()
            try:
                answer = self.client.get(HEALTH_PATH)
                if answer.ok:
                    self.times_ms.append(answer.elapsed_ms)
                else:
                    self.failures.append(f"HTTP {answer.status}")
            except (OSError, http.client.HTTPException) as error:
                self.failures.append(f"{type(error).__name__}: {error}")
            self.stopped.wait(max(0.0, HEALTH_PROBE_EVERY_S - (time.monotonic() - started)))


def _post(session: HttpSession, week: str, export: Export) -> Answer | None:
    try:
        answer = session.post_form("/weekly/pdf", {"week": week, "lang": "zh"})
    except (OSError, http.client.HTTPException) as error:
        export.problem = f"POST /weekly/pdf: {type(error).__name__}: {error}"
        return None
    export.posted_ms = answer.elapsed_ms
    found = EXPORT_LOCATION.search(answer.header("Location")) if answer.status == 303 else None
    if found is None:
        export.problem = (f"PDF jobs not available: POST /weekly/pdf answered {answer.status} "
                          f"{answer.header('Content-Type')} {answer.header('Location')}, "
                          "not 303 to /weekly/export/<id>")
        return None
    export.export_id = int(found.group(1))
    export.state = "posted"
    return answer


def _follow(session: HttpSession, export: Export, started: float, deadline: float) -> None:
    """Polls the job until it is done or failed (or the deadline), then fetches the PDF."""
    status_path = f"/weekly/export/{export.export_id}/pdf-status"
    try:
        while True:
            answer = session.get(status_path)
            status = json_body(answer) if answer.ok else None
            if not isinstance(status, dict):
                export.problem = f"{status_path} answered {answer.status}: {answer.body[:120]!r}"
                return
            export.state = str(status.get("state"))
            if export.state == "failed":
                export.problem = f"job failed: {status.get('message')}"
                return
            if export.state == "done":
                break
            if time.monotonic() + PDF_POLL_EVERY_S > deadline:
                export.problem = f"not done within the timeout (state {export.state})"
                return
            time.sleep(PDF_POLL_EVERY_S)
        pdf = session.get(f"/weekly/export/{export.export_id}.pdf")
    except (OSError, http.client.HTTPException) as error:
        export.problem = f"{type(error).__name__}: {error}"
        return
    if pdf.status != 200 or not pdf.body.startswith(b"%PDF"):
        export.problem = f"the PDF answered {pdf.status}: {pdf.body[:60]!r}"
        return
    export.pdf_bytes = len(pdf.body)
    export.made_after_s = time.monotonic() - started


def _export(session: HttpSession, week: str, export: Export, started: float,
            deadline: float) -> None:
    if _post(session, week, export) is not None:
        _follow(session, export, started, deadline)


def bench_pdf(server: BenchServer, args: argparse.Namespace, report: Report) -> None:
    count = args.pdf_exports
    heading(f"8. {count} PDF exports at once (weekly report {args.pdf_week}), "
            f"/api/v1/health every {HEALTH_PROBE_EVERY_S * 1000:.0f} ms meanwhile")
    credentials = account(server.database_url)
    sessions = [signed_in(server.base_url, credentials, REQUEST_TIMEOUT_S) for _ in range(count)]
    exports = [Export() for _ in range(count)]
    probe = HealthProbe(server.base_url)
    probe.start()
    started = time.monotonic()
    deadline = started + args.pdf_timeout
    try:
        first = _post(sessions[0], args.pdf_week, exports[0])
        threads = []
        if first is not None:
            threads = [threading.Thread(target=_follow, daemon=True,
                                        args=(sessions[0], exports[0], started, deadline))]
            threads += [threading.Thread(target=_export, daemon=True,
                                         args=(session, args.pdf_week, export, started,
                                               deadline))
                        for session, export in zip(sessions[1:], exports[1:], strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT_S)
    finally:
        probe.stopped.set()
        probe.join(timeout=15)
    elapsed = time.monotonic() - started
    if first is None:
        report.error("PDF exports", f"{exports[0].problem}\ngunicorn log (last lines):\n"
                     f"{server.log_tail(8)}")
        return
    print_table(["export id", "POST", "state", "made after", "PDF", "problem"],
                [[str(e.export_id or "-"), fmt_ms(e.posted_ms), e.state, fmt_s(e.made_after_s),
                  f"{e.pdf_bytes / 1000:.0f} kB" if e.pdf_bytes else "-", e.problem or ""]
                 for e in exports])
    made = [e for e in exports if e.pdf_bytes]
    report.add(f"PDF exports made ({count} at once)", f"{len(made)} of {count}",
               f"{count} of {count}", len(made) == count)
    if len(made) == count:
        report.add("time until all PDFs made", fmt_s(max(e.made_after_s for e in made)), "-",
                   None)
    else:
        print(f"  not all made after {elapsed:.0f} s (jobs still running are left to the "
              "server)")
    times = probe.times_ms
    print(f"  health probe: {len(times)} answered, p50 {fmt_ms(median(times))}, "
          f"p95 {fmt_ms(percentile(times, 95))}, max {fmt_ms(max(times) if times else 0.0)}; "
          f"{len(probe.failures)} failed" + (f" (first: {probe.failures[0]})"
                                             if probe.failures else ""))
    if times:
        p95 = percentile(times, 95)
        report.add("health p95 during the PDF exports", fmt_ms(p95),
                   f"<= {TARGET_HEALTH_P95_MS:.0f} ms", p95 <= TARGET_HEALTH_P95_MS)
    report.add("health failures during the PDF exports",
               f"{len(probe.failures)} of {len(times) + len(probe.failures)}", "0",
               not probe.failures)
