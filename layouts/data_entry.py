"""The data upload page (/data): the upload form, one upload's progress or outcome, the
templates to download and the history of uploads."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from layouts import ids
from layouts.attributes import attributes
from layouts.grid import ColumnSpec, link_column, row_data, table_section
from layouts.i18n import TEXT, Lang, in_brackets, in_language, t
from layouts.progress import progress_lines

PROBLEMS_TABLE = "upload-problems"
HISTORY_TABLE = "uploads"
ERRORS = ("too_large", "no_file", "role", "template", "empty", "expired")
POLL_MS = 1000
ACCEPT = (".xlsx,.xlsm,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
          "text/csv")


def template_label(key: str, name: str, lang: Lang) -> str:
    return name + in_brackets(key, lang)


def error_banner(error: str, max_mb: int, lang: Lang) -> html.P | None:
    if error not in ERRORS:
        return None
    return html.P(t(f"data_error_{error}", lang).format(mb=max_mb), className="error",
                  role="alert")


def upload_form(templates: list[tuple[str, str]], token: str, max_mb: int,
                lang: Lang) -> html.Section:
    """A plain multipart form: the browser's own picker and drop target send the file."""
    return html.Section([
        html.H3(t("data_upload", lang), className="section-title"),
        html.Form([
            dcc.Input(type="hidden", name="csrf_token", value=token),
            html.Label(t("data_template", lang), htmlFor="data-template"),
            html.Select([html.Option(t("data_template_auto", lang), value=""),
                         *(html.Option(template_label(key, name, lang), value=key)
                           for key, name in templates)],
                        id="data-template", name="template", className="data-select"),
            html.Label([html.Span(t("data_drop", lang), className="data-drop-text"),
                        # assets/upload_form.js puts the browser's file input in it.
                        html.Div(className="data-file-box",
                                 **attributes({"data-input-id": "data-file",
                                               "data-accept": ACCEPT}))],
                       htmlFor="data-file", className="data-drop"),
            html.Button(t("data_submit", lang), type="submit", className="button primary",
                        id="data-submit"),
        ], method="POST", action="/data/upload" + ("?lang=en" if lang == "en" else ""),
            encType="multipart/form-data",
            className="data-form"),
        html.P(t("data_rules", lang).format(mb=max_mb), className="muted small"),
    ], className="panel data-upload")


def template_list(templates: list[tuple[str, str]], lang: Lang) -> html.Section:
    return html.Section([
        html.H3(t("data_templates", lang), className="section-title"),
        html.Ul([html.Li(html.A(template_label(key + ".xlsx", name, lang),
                                href=f"/data/template/{key}.xlsx",
                                className="data-template-link"))
                 for key, name in templates], className="data-templates"),
        html.P(t("data_templates_note", lang), className="muted small"),
    ], className="panel")


def _progress(status: dict[str, Any], lang: Lang) -> list:
    phase = str(status.get("phase", "queued"))
    key = f"data_phase_{phase}" if f"data_phase_{phase}" in TEXT else "data_phase_queued"
    if status.get("stalled"):
        return [html.P(t("data_stalled", lang), className="error", role="alert")]
    if status["state"] == "undoing":  # one transaction, no share to tell: a moving bar
        return progress_lines(None, t(key, lang))
    return progress_lines(float(status.get("share", 0.0)), t(key, lang),
                          t("data_progress_note", lang))


def _problems(status: dict[str, Any], problems: pd.DataFrame, lang: Lang) -> list:
    upload_id = status["id"]
    links = [html.A(t("data_problems_csv", lang), href=f"/data/upload/{upload_id}/problems.csv",
                    className="button", id="data-problems-csv")]
    if status.get("has_marked"):
        links.insert(0, html.A(t("data_marked", lang),
                               href=f"/data/upload/{upload_id}/marked.xlsx",
                               className="button primary", id="data-marked"))
    columns = [ColumnSpec("file", t("data_file", lang)),
               ColumnSpec("sheet", t("data_sheet", lang)),
               ColumnSpec("row", t("data_row", lang), "number"),
               ColumnSpec("column", t("data_column", lang)),
               ColumnSpec("value", t("data_value", lang)),
               ColumnSpec("zh", t("data_message_zh", lang), wide=True),
               ColumnSpec("en", t("data_message_en", lang), wide=True)]
    return [html.P(t("data_rejected", lang).format(n=f"{status['problem_count']:,}"),
                   className="error", role="alert", **attributes({"data-problems": str(
                       status["problem_count"])})),
            html.Div(links, className="data-links"),
            table_section(PROBLEMS_TABLE, t("data_problem_table", lang), problems, columns,
                          lang, f"upload-{upload_id}-problems", height=420)]


def status_body(status: dict[str, Any], problems: pd.DataFrame, template_name: str,
                is_admin: bool, lang: Lang) -> list:
    """What the upload's panel shows: progress while its job runs, then its outcome."""
    state = status["state"]
    body: list = [html.H3([t("data_upload_number", lang).format(id=status["id"]), " · ",
                           status["file_name"]], className="section-title"),
                  html.P(f"SHA-256 {status['sha256']}", className="muted small mono")]
    if state in ("queued", "running", "undoing"):
        body += _progress(status, lang)
    if state in ("imported", "undoing"):
        body.append(html.P("✔ " + t("data_imported", lang).format(
            rows=f"{status['rows_in_file'] or 0:,}", new=f"{status['rows_inserted'] or 0:,}",
            updated=f"{status['rows_updated'] or 0:,}", template=template_name),
            className="ok", role="status"))
    if status.get("same_as"):  # the same bytes imported before: its rows are unchanged
        body.append(html.P(t("data_same_file", lang).format(id=status["same_as"]),
                           className="muted"))
    if state == "imported" and status.get("message"):  # an undo refused
        body.append(html.P(in_language(status["message"], lang), className="error",
                           role="alert"))
    if state == "rejected":
        body += _problems(status, problems, lang)
    elif state == "failed":
        body.append(html.P(t("data_failed", lang).format(message=status.get("message") or ""),
                           className="error", role="alert"))
    elif state == "undone":
        at = status.get("undone_at")
        body.append(html.P(t("data_undone", lang).format(
            at=f"{at:%Y-%m-%d %H:%M}" if at is not None else "", by=status.get("undone_by", ""),
            removed=f"{status.get('undo_removed', 0):,}",
            restored=f"{status.get('undo_restored', 0):,}"),
            className="ok", role="status", **attributes({"data-undone": "true"})))
    actions: list = []
    if is_admin:
        actions.append(html.A(t("data_original", lang),
                              href=f"/data/upload/{status['id']}/original", className="button",
                              id="data-original"))
    if is_admin and state == "imported":
        actions.append(dcc.ConfirmDialogProvider(
            html.Button(t("data_undo", lang), className="button danger", id="data-undo-button"),
            id=ids.DATA_UNDO, message=t("data_undo_confirm", lang)))
    return [*body, html.Div(actions, className="data-links")] if actions else body


def status_panel(upload_id: int, body: list, running: bool) -> html.Section:
    """The panel that follows one upload; its poll runs while the job does."""
    return html.Section([
        dcc.Store(id=ids.DATA_UPLOAD_ID, data=upload_id),
        dcc.Interval(id=ids.DATA_POLL, interval=POLL_MS, disabled=not running),
        html.Div(body, id=ids.DATA_STATUS, **attributes({"data-upload": str(upload_id)})),
        html.Div(id=ids.DATA_UNDO_RESULT, role="status"),
    ], className="panel data-status")


def _history_shown(frame: pd.DataFrame, names: dict[str, str], lang: Lang) -> pd.DataFrame:
    return frame.assign(
        template=[names.get(d or p or "", d or p or "—")
                  for d, p in zip(frame["domain"], frame["template"], strict=True)],
        outcome=[t(f"data_state_{s}", lang) for s in frame["state"]])


def history_rows(frame: pd.DataFrame, names: dict[str, str], lang: Lang) -> list[dict]:
    """The history grid's rows again, once a job has ended."""
    return row_data(_history_shown(frame, names, lang))


def history(frame: pd.DataFrame, names: dict[str, str], is_admin: bool,
            lang: Lang) -> html.Section:
    shown = _history_shown(frame, names, lang)
    columns = [ColumnSpec("id", "#"),
               ColumnSpec("created_at", t("data_when", lang)),
               ColumnSpec("username", t("data_by", lang)),
               ColumnSpec("outcome", t("data_outcome", lang)),
               ColumnSpec("file_name", t("data_file_name", lang), wide=True),
               ColumnSpec("template", t("data_template", lang)),
               ColumnSpec("rows_inserted", t("data_rows_new", lang), "number"),
               ColumnSpec("rows_updated", t("data_rows_updated", lang), "number"),
               ColumnSpec("problem_count", t("data_problems", lang), "number"),
               ColumnSpec("sha256", "SHA-256")]
    return link_column(table_section(HISTORY_TABLE, t("data_history", lang), shown, columns,
                                     lang, "uploads", height=420,
                                     note=t("data_history_note_admin" if is_admin
                                            else "data_history_note", lang)),
                       "id", f"/data?{'lang=en&' if lang == 'en' else ''}upload=")


def unknown_upload(lang: Lang) -> html.P:
    return html.P(t("data_unknown_upload", lang), className="error", role="alert")


def undo_refused(message: str, lang: Lang) -> html.P:
    """An undo refused: the data layer's "中文 / English" message in the page's language."""
    return html.P(in_language(message, lang), className="error", role="alert")


def undo_queued(lang: Lang) -> html.P:
    return html.P(t("data_undo_queued", lang), className="muted", role="status")
