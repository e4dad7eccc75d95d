"""Maps the URL to a page. View state (period, language) lives in the query string."""

from __future__ import annotations

from urllib.parse import parse_qsl

from dash import Dash, Input, Output, State

from dashboard import ids
from dashboard.context import AppContext
from data_access.status import data_status
from layouts.formatting import format_date
from layouts.i18n import parse_lang, t
from layouts.shell import not_found, page_frame
from callbacks.overview import overview_page


def register(app: Dash, context: AppContext) -> None:
    @app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"),
                  State(ids.URL, "search"))
    def render(pathname: str | None, search: str | None) -> object:
        query = dict(parse_qsl((search or "").lstrip("?")))
        lang = parse_lang(query.get("lang"))
        status = data_status(context.engine)
        as_of = format_date(status.last_import_at)
        if (pathname or "/") == "/":
            title, body = overview_page(context, lang, query)
        else:
            title, body = t("not_found", lang), not_found(lang, pathname or "")
        return page_frame(lang, query, as_of, title, body)
