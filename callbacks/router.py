"""Maps the URL to a page. View state (indicator, period, language) lives in the query string,
so the back button, a bookmark, a shared link and a wall screen all reproduce the view."""

from __future__ import annotations

import re
from collections.abc import Callable

from dash import Dash, Input, Output, dcc, html

from callbacks.context import AppContext
from callbacks.kept import TREE_JSON, Tree
from callbacks.pages import DATA_ONLY_PAGES, PAGES, SCREENS
from callbacks.url_state import parse_query
from callbacks.views import NotFound
from data_access import access
from data_access.cache import Memo
from data_access.divisions import NoDivisions, home_if_loaded
from data_access.status import figures_as_of
from layouts import ids
from layouts.formatting import format_date
from layouts.i18n import Lang, parse_lang, t
from layouts.shell import not_found, page_frame
from layouts.urls import view_href
from metrics.periods import PeriodError

ROUTES = tuple((re.compile(pattern), page) for pattern, page in PAGES)
# The query parameters that choose a period; a page that cannot show the one asked for (and
# has no period picker of its own to show instead) links to itself without them.
PERIOD_PARAMS = ("period", "week", "year")
SCREEN_ROUTES = tuple((re.compile(pattern), screen) for pattern, screen in SCREENS)
# Rendered data-only pages kept per worker: a meeting's or a wall's working set, not every view.
PAGE_CACHE_ENTRIES = 48
_PAGES = Memo("callbacks.router.pages", max_entries=PAGE_CACHE_ENTRIES, codec=TREE_JSON,
              serialized=True)
PageTree = Tree


def render_page(context: AppContext, pathname: str, search: str) -> PageTree:
    query = parse_query(search)
    lang = parse_lang(query.get("lang"))
    try:
        access.require_page(pathname or "/")
    except access.Forbidden as refused:
        return html.Div(html.P(str(refused), className="error forbidden"), className="page")
    for pattern, screen in SCREEN_ROUTES:
        match = pattern.match(pathname or "/")
        if match:
            # Drawn before any database read: a screen keeps working while the database is away.
            return screen(context, lang, query, *match.groups())
    for pattern, page in ROUTES:
        match = pattern.match(pathname or "/")
        if not match:
            continue
        if page in DATA_ONLY_PAGES and context.settings.page_cache:
            return _kept_page(context, page, lang, pathname, query, search, match.groups())
        return _framed_page(context, page, lang, pathname, query, match.groups())
    as_of = format_date(figures_as_of(context.engine))
    return page_frame(lang, query, as_of, t("not_found", lang), not_found(lang, pathname),
                      place=_place(context, lang))


def _place(context: AppContext, lang: Lang) -> str:
    """The area's name for the title; none before the divisions are loaded."""
    area = home_if_loaded(context.engine)
    return area.title_name(lang) if area else ""


def _framed_page(context: AppContext, page: Callable, lang: Lang, pathname: str,
                 query: dict[str, str], groups: tuple[str, ...]) -> html.Div:
    as_of = format_date(figures_as_of(context.engine))
    place = _place(context, lang)
    try:
        title, trail, body = page(context, lang, query, *groups)
    except access.Forbidden as refused:
        return page_frame(lang, query, as_of, t("forbidden_scope", lang),
                          [html.P(str(refused), className="error forbidden")], place=place)
    except NoDivisions:
        return page_frame(lang, query, as_of, t("no_divisions", lang),
                          [html.P(t("no_divisions_help", lang), className="notice")])
    except NotFound as missing:
        return page_frame(lang, query, as_of, t("not_found", lang),
                          not_found(lang, f"{t(missing.what, lang)} {missing.value}"),
                          place=place)
    except PeriodError as error:
        # Pages with view controls show a bad period beside their picker (views.resolve_view);
        # the others say what is wrong and link to their default period.
        plain = {k: v for k, v in query.items() if k not in PERIOD_PARAMS}
        return page_frame(lang, query, as_of, t("bad_period", lang), [html.Div([
            html.P(error.text(lang), className="error"),
            dcc.Link(t("show_default_period", lang), href=view_href(pathname, plain),
                     className="show-default")])], place=place)
    return page_frame(lang, query, as_of, title, body, trail, place=place)


def _kept_page(context: AppContext, page: Callable, lang: Lang, pathname: str,
               query: dict[str, str], search: str, groups: tuple[str, ...]) -> PageTree:
    """A data-only page as rendered for this URL, day and viewer's scope (a township officer's
    rows are their township's), kept until the next import (the cache adds the data version
    to the key). The page goes in the key by name, and the context not at all: other workers
    and hosts compute the same key. Nothing downstream changes a rendered tree: Dash only
    serialises it."""
    key = (f"{page.__module__}.{page.__qualname__}", pathname, search, groups, context.today(),
           access.scope_key())
    return _PAGES.get(context.engine, key,
                      lambda: _framed_page(context, page, lang, pathname, query, groups))


def register(app: Dash, context: AppContext) -> None:
    @app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"),
                  Input(ids.URL, "search"))
    def render(pathname: str | None, search: str | None) -> PageTree:
        return render_page(context, pathname or "/", search or "")

    app.clientside_callback(
        """function (tab) { if (tab) { document.title = tab.title;
                                      document.documentElement.lang = tab.lang; }
                            return tab; }""",
        Output(ids.TAB_TITLE_SHOWN, "data"), Input(ids.TAB_TITLE, "data"))

    # The phone menu opens and closes in the browser; every page draws it closed.
    app.clientside_callback(
        """function (clicks) { var open = clicks % 2 === 1;
               return [open ? "nav nav-open" : "nav", open ? "true" : "false"]; }""",
        Output(ids.NAV_MENU, "className"), Output(ids.NAV_TOGGLE, "aria-expanded"),
        Input(ids.NAV_TOGGLE, "n_clicks"), prevent_initial_call=True)
