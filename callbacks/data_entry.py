"""The data upload page (/data) and its two callbacks: following an upload's job, and undoing
an import (administrators). The file itself comes through dashboard/uploads.py."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update

from callbacks.context import AppContext
from callbacks.trails import home_step
from callbacks.url_state import parse_query
from data_access import access
from data_access.audit import record_request
from data_access.importing.templates import TEMPLATES
from data_access.jobs import start_job
from data_access.uploads import (
    FINAL_STATES,
    UPLOAD_ROLES,
    UploadRefused,
    problems_frame,
    request_undo,
    running_upload,
    templates_for_viewer,
    upload_status,
    uploads,
)
from layouts import ids
from layouts.data_entry import (
    HISTORY_TABLE,
    error_banner,
    history,
    history_rows,
    status_body,
    status_panel,
    template_list,
    undo_queued,
    undo_refused,
    unknown_upload,
    upload_form,
)
from layouts.i18n import Lang, parse_lang, t


def _template_names(lang: Lang) -> dict[str, str]:
    # English names start with a capital where they stand alone (lists, the history's cells).
    return {key: (domain.en[:1].upper() + domain.en[1:] if lang == "en" else domain.zh)
            for key, domain in TEMPLATES.items()}


def _status(context: AppContext, upload_id: int, lang: Lang) -> tuple[list, bool] | None:
    status = upload_status(context.engine, upload_id)
    if status is None:
        return None
    names = _template_names(lang)
    return (status_body(status, problems_frame(status), names.get(status.get("domain") or "", ""),
                        access.has_role(("admin",)), lang),
            status["state"] not in FINAL_STATES)


def data_page(context: AppContext, lang: Lang, query: dict[str, str]
              ) -> tuple[str, list, list]:
    access.require_role(UPLOAD_ROLES)
    names = _template_names(lang)
    templates = [(key, names[key]) for key in templates_for_viewer()]
    body: list = []
    banner = error_banner(query.get("error", ""), context.settings.upload_max_mb, lang)
    if banner is not None:
        body.append(banner)
    asked = query.get("upload", "")
    # Without a number, the viewer's own upload still being worked on, if any.
    upload_id = int(asked) if asked.isdigit() else None if asked else \
        running_upload(context.engine)
    shown = _status(context, upload_id, lang) if upload_id is not None else None
    if shown is not None and upload_id is not None:
        body.append(status_panel(upload_id, *shown))
    elif asked:
        body.append(unknown_upload(lang))
    body += [upload_form(templates, access.form_token(), context.settings.upload_max_mb, lang),
             history(uploads(context.engine), names, access.has_role(("admin",)), lang),
             template_list(templates, lang)]
    trail = [home_step(context, lang, query), (t("data_entry", lang), None)]
    return t("data_entry", lang), trail, body


def register(app: Dash, context: AppContext) -> None:
    @app.callback(Output(ids.DATA_STATUS, "children"), Output(ids.DATA_POLL, "disabled"),
                  Output(ids.grid(HISTORY_TABLE), "rowData"),
                  Output(ids.DATA_UNDO_RESULT, "children", allow_duplicate=True),
                  Input(ids.DATA_POLL, "n_intervals"), State(ids.DATA_UPLOAD_ID, "data"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def follow(_ticks: int, upload_id: int | None, search: str | None) -> tuple:
        lang = parse_lang(parse_query(search).get("lang"))
        shown = _status(context, int(upload_id or 0), lang)
        if shown is None:
            return unknown_upload(lang), True, no_update, no_update
        body, running = shown
        # The history's row says what the panel says; once the job has ended, the panel alone
        # tells its outcome (the "undo started" note goes).
        rows = history_rows(uploads(context.engine), _template_names(lang), lang)
        return body, not running, rows, no_update if running else None

    @app.callback(Output(ids.DATA_UNDO_RESULT, "children"),
                  Output(ids.DATA_POLL, "disabled", allow_duplicate=True),
                  Input(ids.DATA_UNDO, "submit_n_clicks"), State(ids.DATA_UPLOAD_ID, "data"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def undo(clicks: int | None, upload_id: int | None, search: str | None) -> tuple:
        lang = parse_lang(parse_query(search).get("lang"))
        if not clicks or upload_id is None:
            return no_update, no_update
        try:
            request_undo(context.engine, int(upload_id))
        except (UploadRefused, access.Forbidden) as refused:
            record_request(context.engine, "import_undo", f"upload #{upload_id}: {refused}",
                           "refused")
            return undo_refused(str(refused), lang), no_update
        principal = access.current_principal()
        record_request(context.engine, "import_undo", f"upload #{upload_id} undo queued")
        # As long to undo as to import: its own process, followed by the page's poll.
        start_job(context.engine, context.settings.today, "run-upload", str(upload_id),
                  "--undo", "--by", principal.name if principal else "(cli)")
        return undo_queued(lang), False
