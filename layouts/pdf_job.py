"""A stored export's PDF job on the export's page: waiting, printing, ready, or failed."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.attributes import attributes
from layouts.i18n import Lang, t
from layouts.progress import progress_lines

POLL_MS = 1000
PHASE_TEXT = {"queued": "pdf_queued", "running": "pdf_printing", "printing": "pdf_printing",
              "saving": "pdf_saving"}


def pdf_href(export_id: int) -> str:
    return f"/weekly/export/{export_id}.pdf"


def is_following(status: dict[str, Any]) -> bool:
    """Whether the page should keep asking: the job has not ended and has not stopped."""
    return status["state"] in ("queued", "running") and not status["stalled"]


def pdf_job_body(status: dict[str, Any], lang: Lang, fetching: bool = False) -> list:
    """fetching: the page, having watched the job, has just started the download."""
    state = status["state"]
    if state == "done":
        lines = [html.P(t("pdf_ready_fetching" if fetching else "pdf_ready", lang),
                        role="status"),
                 html.A(t("pdf_download", lang), href=pdf_href(status["id"]),
                        className="button primary pdf-download")]
    elif state == "failed":
        lines = [html.P(t("pdf_job_failed", lang).format(reason=status["message"]),
                        className="error", role="alert")]
    elif status["stalled"]:
        lines = [html.P(t("pdf_stalled", lang), className="error", role="alert")]
    else:
        phase = str(status["phase"])
        key = "pdf_starting" if phase == "queued" and not status["ahead"] \
            else PHASE_TEXT.get(phase, "pdf_printing")
        label = t(key, lang).format(ahead=status["ahead"])
        # Chromium tells nothing while it prints: a moving bar, not a share standing still.
        share = None if key == "pdf_printing" else float(status["share"])
        lines = progress_lines(share, label, t("pdf_progress_note", lang))
    return [html.Div(lines, **attributes({"data-state": "stalled" if status["stalled"]
                                          and state in ("queued", "running") else state}))]


def pdf_job_panel(status: dict[str, Any], lang: Lang) -> html.Section:
    """Follows the export's PDF job while it runs; the page's poll stops once it has ended."""
    return html.Section([
        html.H3(t("pdf_job_title", lang), className="section-title"),
        dcc.Store(id=ids.WEEKLY_PDF_EXPORT, data=status["id"]),
        dcc.Store(id=ids.WEEKLY_PDF_FETCH),
        dcc.Store(id=ids.WEEKLY_PDF_FETCHED),
        dcc.Interval(id=ids.WEEKLY_PDF_POLL, interval=POLL_MS, disabled=not is_following(status)),
        html.Div(pdf_job_body(status, lang), id=ids.WEEKLY_PDF_JOB),
    ], className="panel pdf-job screen-only")
