"""The weekly meeting pages: /weekly, /weekly/<township code> and a stored export
/weekly/export/<id> (with its PDF job), plus the week selector and the print button."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import ALL, Dash, Input, NoUpdate, Output, State, ctx, html, no_update

from callbacks.context import AppContext
from callbacks.kept import TREE_JSON, Tree, digest
from callbacks.trails import home_step
from callbacks.url_state import parse_query, search_with
from callbacks.views import NotFound
from data_access import access
from data_access.audit import record_request
from data_access.cache import Memo
from data_access.calendar import calendar_warning
from data_access.divisions import division_table
from data_access.duban import week_summary
from data_access.meeting_copy import MarkRefused, mark_meeting_copy, meeting_copy
from data_access.pdf_jobs import pdf_status
from data_access.weekly import export_snapshot, list_exports
from data_access.weekly_report import weekly_report
from layouts import ids
from layouts.bulletin import bulletin_text
from layouts.calendar_notice import calendar_notice
from layouts.duban import week_panel
from layouts.i18n import Lang, in_language, parse_lang, t
from layouts.pdf_job import is_following, pdf_href, pdf_job_body, pdf_job_panel
from layouts.places import place_name
from layouts.weekly import (
    archive_notice,
    comparison_note,
    exports_items,
    exports_list,
    ready_marker,
    report_body,
    township_summary,
    week_controls,
    weekly_href,
)
from metrics.duban import ROW_LINK_ROLES
from metrics.periods import (
    Period,
    PeriodError,
    last_complete,
    parse_period,
    period_containing,
    recent_periods,
)
from metrics.weekly import WeeklyReport

_BODIES = Memo("callbacks.weekly.report_body", max_entries=8, codec=TREE_JSON, serialized=True)
# Who decides which export the meeting was shown: not a township officer.
MARKING_ROLES = ("leader", "supervisor", "admin")


def requested_week(context: AppContext, text: str | None) -> Period:
    """The week the URL asks for (YYYY-Www), by default the last complete one.

    Raises PeriodError for anything else, or a week that has not begun."""
    today = context.today()
    if not text:
        return last_complete("week", today)
    week = parse_period(text)
    if week.kind != "week":
        raise PeriodError(f"周次应为 YYYY-Www，如 {last_complete('week', today).label} / "
                          f"a week is YYYY-Www, e.g. {last_complete('week', today).label}")
    if week.start > today:
        raise PeriodError(f"{week.label} 尚未开始 / {week.label} has not begun")
    return week


def _title(report: WeeklyReport, lang: Lang, name: str | None = None) -> str:
    heading = t("weekly_township_title", lang).format(name=place_name(name, lang)) if name \
        else t("weekly_title", lang)
    days = f"{report.first_day} ~ {report.last_day}"
    return f"{heading} {report.week}（{days}）" if lang == "zh" else \
        f"{heading} {report.week} ({days})"


def _controls(context: AppContext, week: Period, path: str, lang: Lang) -> html.Div:
    today = context.today()
    complete = [w for w in recent_periods("week", today) if w.end <= today]
    weeks = [w.label for w in complete]
    if week.label not in weeks:
        weeks.insert(0, week.label)
    following = period_containing("week", week.end)
    return week_controls(
        week.label, weeks, weekly_href(path, week.previous().label, lang),
        weekly_href(path, following.label, lang) if following.end <= today else None,
        f"{path}/pdf?{urlencode({'week': week.label, 'lang': lang})}", access.form_token(),
        lang)


def weekly_page(context: AppContext, lang: Lang, query: dict[str, str]) -> tuple[str, list, list]:
    week = requested_week(context, query.get("week"))
    report = weekly_report(context.engine, week)
    ledger = week_summary(context.engine, week).to_dict("records")
    body = [
        _controls(context, week, "/weekly", lang),
        calendar_notice(calendar_warning(context.engine, context.today()), lang),
        comparison_note(report, lang),
        _kept_body(context, report, lang, ledger),
        week_panel(ledger, week.label, lang),
        exports_list(list_exports(context.engine, week.label),
                     meeting_copy(context.engine, week.label), lang),
        ready_marker(report),
    ]
    trail = [home_step(context, lang, query), (t("weekly", lang), None)]
    return _title(report, lang), trail, body


def _kept_body(context: AppContext, report: WeeklyReport, lang: Lang, ledger: list[dict]) -> Tree:
    """The report's body, most of the page's drawing, kept as drawn: by the data (the cache's
    key holds the data version), the report compared with, the 督办 counts the bulletin cites,
    and the viewer's scope (rows) and role (the rows' 督办 links)."""
    follow_up = access.has_role(ROW_LINK_ROLES)

    def drawn() -> html.Div:
        return report_body(
            report, lang, bulletin_text(report, lang, ledger),
            f"/weekly/flags.xlsx?{urlencode({'week': report.week, 'lang': lang})}",
            access.row_visible, ledger, follow_up)

    if not context.settings.page_cache:
        return drawn()
    key = (report.week, lang, report.compared_with, access.scope_key(), follow_up,
           digest(ledger))
    return _BODIES.get(context.engine, key, drawn)


def _township(context: AppContext, code: str) -> str:
    table = division_table(context.engine)
    if code not in table.index or table.at[code, "level"] != "township":
        raise NotFound(code)
    return str(table.at[code, "name"])


def weekly_township_page(context: AppContext, lang: Lang, query: dict[str, str],
                         code: str) -> tuple[str, list, list]:
    name = _township(context, code)
    access.require_division(code)
    week = requested_week(context, query.get("week"))
    report = weekly_report(context.engine, week)
    body = [_controls(context, week, f"/weekly/{code}", lang),
            comparison_note(report, lang), *township_summary(report, code, lang),
            ready_marker(report)]
    trail = [home_step(context, lang, query),
             (t("weekly", lang), weekly_href("/weekly", week.label, lang)),
             (place_name(name, lang), None)]
    return _title(report, lang, name), trail, body


def archived_page(context: AppContext, lang: Lang, query: dict[str, str],
                  export_id: str) -> tuple[str, list, list]:
    """A stored export, drawn from the numbers saved with it (in the language it was made in)."""
    export = export_snapshot(context.engine, int(export_id))
    if export is None:
        raise NotFound(f"#{export_id}", "unknown_export")
    report = WeeklyReport.from_json(export["snapshot"]["report"])
    shown: Lang = "en" if export["lang"] == "en" else "zh"
    notice = archive_notice(export, shown)
    if export["pdf_state"] and "print" not in query:
        status = pdf_status(context.engine, export["id"])
        notice = html.Div([notice, pdf_job_panel(status, lang)]) if status else notice
    if export["kind"] == "township":
        code = export["township_code"]
        name = _township(context, code)
        body = [notice, comparison_note(report, shown), *township_summary(report, code, shown)]
        title = _title(report, shown, name)
    else:
        body = [notice, comparison_note(report, shown),
                report_body(report, shown, export["snapshot"]["bulletin"],
                            f"/weekly/export/{export['id']}/flags.xlsx", access.row_visible,
                            export["snapshot"].get("duban"), access.has_role(ROW_LINK_ROLES))]
        if "duban" in export["snapshot"]:  # exports made before the ledger have none
            body.append(week_panel(export["snapshot"]["duban"], report.week, shown))
        title = _title(report, shown)
    trail = [home_step(context, lang, query),
             (t("weekly", lang), weekly_href("/weekly", report.week, lang)),
             (f"#{export['id']}", None)]
    return title, trail, [*body, ready_marker(report)]


def register(app: Dash, context: AppContext) -> None:
    @app.callback(Output(ids.URL, "search", allow_duplicate=True),
                  Input(ids.WEEKLY_WEEK, "value"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def week_chosen(week: str | None, search: str | None) -> str | NoUpdate:
        return search_with(search, "week", week)

    @app.callback(Output(ids.WEEKLY_EXPORTS, "children"),
                  Output(ids.WEEKLY_MARK_RESULT, "children"),
                  Input(ids.meeting_mark(ALL), "n_clicks"), State(ids.WEEKLY_MARK_REASON, "value"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def mark_clicked(clicks: list[int | None], reason: str | None,
                     search: str | None) -> tuple[list | NoUpdate, str | NoUpdate]:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks):
            return no_update, no_update
        lang = parse_lang(parse_query(search).get("lang"))
        try:
            access.require_role(MARKING_ROLES)
            week = mark_meeting_copy(context.engine, int(trigger["export"]), reason or "",
                                     context.now())
        except (MarkRefused, access.Forbidden) as refused:
            record_request(context.engine, "meeting_mark", f"#{trigger['export']}: {refused}",
                           "refused")
            return no_update, in_language(str(refused), lang)
        record_request(context.engine, "meeting_mark", f"#{trigger['export']} {week}")
        exports = exports_items(list_exports(context.engine, week),
                                meeting_copy(context.engine, week), lang)
        return exports, t("meeting_copy_marked", lang).format(id=trigger["export"], week=week)

    @app.callback(Output(ids.WEEKLY_PDF_JOB, "children"), Output(ids.WEEKLY_PDF_POLL, "disabled"),
                  Output(ids.WEEKLY_PDF_FETCH, "data"),
                  Input(ids.WEEKLY_PDF_POLL, "n_intervals"), State(ids.WEEKLY_PDF_EXPORT, "data"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def follow_pdf(_ticks: int, export_id: int | None,
                   search: str | None) -> tuple[list, bool, str | NoUpdate]:
        """While the page watches the job: its progress, then the PDF's download, started
        once (a later visit shows the link only)."""
        lang = parse_lang(parse_query(search).get("lang"))
        status = pdf_status(context.engine, int(export_id)) if export_id else None
        if status is None:
            return [html.P(t("export_not_found", lang), className="error")], True, no_update
        made = pdf_href(status["id"]) if status["state"] == "done" else no_update
        return pdf_job_body(status, lang, fetching=status["state"] == "done"), \
            not is_following(status), made

    app.clientside_callback(
        "function (href) { if (href) { window.location.assign(href); } return href; }",
        Output(ids.WEEKLY_PDF_FETCHED, "data"), Input(ids.WEEKLY_PDF_FETCH, "data"),
        prevent_initial_call=True)

    app.clientside_callback(
        "function (clicks) { if (clicks) { window.print(); } return clicks; }",
        Output(ids.WEEKLY_PRINTED, "data"), Input(ids.WEEKLY_PRINT, "n_clicks"),
        prevent_initial_call=True)
