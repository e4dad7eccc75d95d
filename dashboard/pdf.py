"""PDF exports of the weekly report, made on the server with Debian's chromium (Playwright).

GET /weekly/pdf?week=&lang=            the whole report
GET /weekly/<township code>/pdf?week=  one township's summary
GET /weekly/export/<id>.pdf            a stored export's PDF, byte for byte
GET /weekly/export/<id>/pdf-status     its PDF job's state (JSON, data_access/pdf_jobs.py)

An export first saves the report's numbers (and the bulletin text) as a stored export; a
background job then prints that stored export's page: the PDF shows exactly the saved numbers,
and next week's meeting compares with them even if the data change in between. The request
answers with the export's page at once, which follows the job.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import re
import shutil
from dataclasses import replace
from urllib.parse import urlencode

import pandas as pd
from flask import Flask, Response, jsonify, redirect, request, send_file
from flask.typing import ResponseReturnValue
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from sqlalchemy import Engine

from callbacks.context import AppContext
from callbacks.weekly import requested_week
from dashboard.auth import printing_cookie
from data_access import access
from data_access.audit import record_request
from data_access.divisions import division_table, home
from data_access.duban import WEEK_ITEM_COLUMNS, week_items, week_summary
from data_access.exports import sheets_to_xlsx
from data_access.jobs import start_job
from data_access.pdf_jobs import pdf_status, queue_pdf
from data_access.weekly import export_pdf, export_snapshot, store_export
from data_access.weekly_report import weekly_report
from layouts import ids
from layouts.bulletin import bulletin_text
from layouts.duban import items_sheet
from layouts.grid import row_data
from layouts.i18n import Lang, parse_lang, t
from layouts.weekly import flag_sheets
from metrics.periods import Period, PeriodError
from metrics.weekly import WeeklyReport

CHROMIUM_ARGS = [
    "--no-sandbox",  # the server and CI run as root, where chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PAGE_TIMEOUT_MS = 60_000
CODE_PATTERN = re.compile(r"^\d{12}$")
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555">{note}'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


class PdfError(RuntimeError):
    """Chromium is missing or could not print the page."""


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        raise PdfError("服务器上没有 chromium（make run / make test 会安装 Debian 的 chromium） / "
                       "chromium is not installed on the server")
    return path


def render_pdf(url: str, footer_note: str = "", cookie: dict[str, str] | None = None) -> bytes:
    """Prints the page at `url` as A4 landscape once the report on it is drawn; every page's
    footer carries `footer_note` (the export and its data version) and the page number.
    cookie: the session cookie (name, value) chromium signs in with."""
    footer = FOOTER.format(note=f"{html.escape(footer_note)} · " if footer_note else "")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                                 args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 990})
                if cookie:
                    page.context.add_cookies([{"name": cookie["name"], "value": cookie["value"],
                                              "url": url}])
                page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
                page.wait_for_selector(f"#{ids.WEEKLY_READY}", state="attached",
                                       timeout=PAGE_TIMEOUT_MS)
                page.wait_for_load_state("networkidle", timeout=PAGE_TIMEOUT_MS)
                page.emulate_media(media="print")
                return page.pdf(format="A4", landscape=True, print_background=True,
                                display_header_footer=True, header_template="<span></span>",
                                footer_template=footer,
                                margin={"top": "10mm", "bottom": "12mm", "left": "10mm",
                                        "right": "10mm"})
            finally:
                browser.close()
    except PlaywrightError as error:
        raise PdfError(str(error).splitlines()[0]) from error


def _message(status: int, zh: str, en: str) -> ResponseReturnValue:
    return Response(f"{zh}\n{en}\n", status=status, content_type="text/plain; charset=utf-8")


def _asked_week(context: AppContext) -> Period | ResponseReturnValue:
    """The week the request asks for, or the 400 answer that says what is wrong with it."""
    try:
        return requested_week(context, request.args.get("week"))
    except PeriodError as error:
        zh, _, en = str(error).partition(" / ")
        return _message(400, zh, en or zh)


def report_snapshot(engine: Engine, week: Period, report: WeeklyReport, lang: Lang) -> dict:
    """What an export stores: the report, its bulletin and the 督办 ledger as it stood (the
    PDF prints the counts, the workbook lists the items, from here). The items are every
    township's, as the report's flag rows are: each viewer's workbook keeps their own."""
    ledger = week_summary(engine, week).to_dict("records")
    return {"report": report.to_json(), "bulletin": bulletin_text(report, lang, ledger),
            "duban": ledger, "duban_items": row_data(week_items(engine, week))}


def _export(context: AppContext, internal_url: str,
            township_code: str | None) -> ResponseReturnValue:
    """Saves the report's numbers as a stored export and queues its PDF; answers with the
    export's page, which follows the job and downloads the PDF once it is made."""
    lang = parse_lang(request.args.get("lang") or request.form.get("lang"))
    week = _asked_week(context)
    if not isinstance(week, Period):
        return week
    principal = access.current_principal()
    if principal is None or principal.kind != "user":  # the guard lets only users POST here
        return _message(403, "只有登录用户可以导出", "only signed-in users export")
    report = weekly_report(context.engine, week)
    export_id = store_export(context.engine, "township" if township_code else "weekly",
                             week.label, township_code, lang,
                             report_snapshot(context.engine, week, report, lang),
                             dt.datetime.now().replace(microsecond=0))
    queue_pdf(context.engine, export_id, principal.name)
    start_job(context.engine, context.settings.today, "print-export", str(export_id),
              "--base", internal_url or request.host_url.rstrip("/"))
    record_request(context.engine, "export_pdf",
                   f"export #{export_id} {week.label} {township_code or 'county'}")
    return redirect(f"/weekly/export/{export_id}" + ("?lang=en" if lang == "en" else ""), 303)


def print_export(server: Flask, engine: Engine, export: dict, base: str) -> bytes:
    """The stored export's page printed as PDF, as the user who asked for it sees it (the
    background job's work: data_access/pdf_jobs.py)."""
    lang = parse_lang(export["lang"])
    report = WeeklyReport.from_json(export["snapshot"]["report"])
    note = t("pdf_footer", lang).format(week=export["week"], id=export["id"],
                                        version=export["data_version"], as_of=report.data_as_of)
    with printing_cookie(server, engine, export["pdf_requested_by"]) as cookie:
        query = {"print": 1, **({"lang": "en"} if lang == "en" else {})}
        return render_pdf(f"{base}/weekly/export/{export['id']}?{urlencode(query)}",
                          note, cookie)


def pdf_name(engine: Engine, export: dict) -> str:
    name = division_table(engine).at[export["township_code"] or home(engine).code, "name"]
    return f"{name}_周调度_{export['week']}_{export['id']}.pdf"


def _workbook(engine: Engine, report: WeeklyReport, lang: Lang, name: str,
              items: pd.DataFrame | None) -> ResponseReturnValue:
    """Every red flag's rows the viewer may see, a sheet each: the full lists behind the
    printed report; and the week's 督办 items the viewer may see (none for an export stored
    before the workbook listed them)."""
    visible = replace(report, flags=tuple(
        replace(flag, rows=tuple(row for row in flag.rows
                                 if access.row_visible(row.township_code)))
        for flag in report.flags))
    sheets = flag_sheets(visible, lang)
    if items is not None:
        sheets.append(items_sheet(access.scope_frame(items), lang))
    record_request(engine, "export_workbook",
                   f"{name}: {sum(len(frame) for _, frame, _ in sheets)} rows")
    return send_file(io.BytesIO(sheets_to_xlsx(sheets)),
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     as_attachment=True, download_name=f"{name}.xlsx")


def register(server: Flask, context: AppContext, internal_url: str = "") -> None:
    """internal_url: where the server's chromium reaches the app (Settings.internal_url)."""
    @server.post("/weekly/pdf")
    def weekly_pdf() -> ResponseReturnValue:
        return _export(context, internal_url, None)

    @server.post("/weekly/<code>/pdf")
    def township_pdf(code: str) -> ResponseReturnValue:
        table = division_table(context.engine)
        if not CODE_PATTERN.match(code) or code not in table.index \
                or table.at[code, "level"] != "township":
            return _message(404, f"未知的乡镇代码 {code}", f"unknown township code {code}")
        return _export(context, internal_url, code)

    @server.get("/weekly/flags.xlsx")
    def flags_workbook() -> ResponseReturnValue:
        week = _asked_week(context)
        if not isinstance(week, Period):
            return week
        return _workbook(context.engine, weekly_report(context.engine, week),
                         parse_lang(request.args.get("lang")), f"预警明细_{week.label}",
                         week_items(context.engine, week))

    @server.get("/weekly/export/<int:export_id>/flags.xlsx")
    def stored_flags_workbook(export_id: int) -> ResponseReturnValue:
        export = export_snapshot(context.engine, export_id)
        if export is None:
            return _message(404, t("export_not_found", "zh"), t("export_not_found", "en"))
        report = WeeklyReport.from_json(export["snapshot"]["report"])
        stored = export["snapshot"].get("duban_items")
        return _workbook(context.engine, report, parse_lang(export["lang"]),
                         f"预警明细_{report.week}_{export_id}",
                         None if stored is None
                         else pd.DataFrame(stored, columns=list(WEEK_ITEM_COLUMNS)))

    @server.get("/weekly/export/<int:export_id>.pdf")
    def stored_pdf(export_id: int) -> ResponseReturnValue:
        export = export_snapshot(context.engine, export_id)
        pdf = export_pdf(context.engine, export_id) if export else None
        if export is None or pdf is None:
            return _message(404, t("export_not_found", "zh"), t("export_not_found", "en"))
        return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                         download_name=pdf_name(context.engine, export))

    @server.get("/weekly/export/<int:export_id>/pdf-status")
    def stored_pdf_status(export_id: int) -> ResponseReturnValue:
        status = pdf_status(context.engine, export_id)
        if status is None:
            return _message(404, t("export_not_found", "zh"), t("export_not_found", "en"))
        return jsonify(status)
