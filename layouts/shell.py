"""The frame around every page: title bar, language switch, data time, content slot."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html
from dash.development.base_component import Component

from layouts import ids
from layouts.attributes import attributes
from layouts.i18n import Lang, app_title, html_lang, t
from layouts.urls import view_href
from metrics.domains import DOMAINS

# (path, text key) of the top navigation: the county overview, each domain's entries in the
# order the domains are declared (metrics/domains.py), the weekly meeting.
NAV_ITEMS: tuple[tuple[str, str], ...] = (
    ("/", "overview"),
    *((entry.path, entry.text_key) for domain in DOMAINS for entry in domain.nav),
    ("/weekly", "weekly"),
    ("/duban", "duban"),
)


def app_layout() -> html.Div:
    return html.Div([dcc.Location(id=ids.URL, refresh="callback-nav"),
                     dcc.Store(id=ids.TAB_TITLE_SHOWN), html.Div(id=ids.PAGE)], className="app")


def breadcrumb(trail: list[tuple[str, str | None]]) -> html.Nav:
    """trail: (label, href) from the county down; the last one is the current page."""
    items: list[Component] = []
    for index, (label, href) in enumerate(trail):
        if index:
            items.append(html.Span("›", className="crumb-sep",
                                   **attributes({"aria-hidden": "true"})))
        if href and index < len(trail) - 1:
            items.append(dcc.Link(label, href=href, className="crumb"))
        else:
            items.append(html.Span(label, className="crumb current",
                                   **attributes({"aria-current": "page"})))
    return html.Nav(items, className="breadcrumb", **attributes({"aria-label": "breadcrumb"}))


def page_frame(lang: Lang, query: dict[str, str], data_as_of: str, title: str,
               body: list, trail: list[tuple[str, str | None]] | None = None,
               place: str = "") -> html.Div:
    """The page inside the header; `place`: the area's name in the title (none before the
    divisions are loaded)."""
    other = "en" if lang == "zh" else "zh"
    switch_href = "?" + urlencode({**query, "lang": other})
    return html.Div([
        html.Header([
            html.Div([
                html.H1(app_title(place, lang), className="app-title"),
                html.Span(t("app_subtitle", lang), className="app-subtitle"),
            ], className="brand"),
            # On a phone the navigation folds into a menu this button opens (a clientside
            # callback in callbacks/router.py); on wider screens it is hidden and the links
            # are in a row.
            html.Button(t("menu", lang), id=ids.NAV_TOGGLE, className="nav-toggle", n_clicks=0,
                        **attributes({"aria-controls": ids.NAV_MENU, "aria-expanded": "false"})),
            html.Nav([dcc.Link(t(key, lang), href=view_href(path, query), className="nav-link")
                      for path, key in NAV_ITEMS], className="nav", id=ids.NAV_MENU,
                     **attributes({"aria-label": t("navigation", lang)})),
            html.Div([
                html.Span(f"{t('data_as_of', lang)} {data_as_of}", id=ids.DATA_AS_OF,
                          className="data-as-of"),
                html.A(t("switch_language", lang), href=switch_href, className="lang-switch",
                       lang=other, hrefLang=other),
            ], className="header-meta"),
        ], className="topbar"),
        tab_title_store(f"{title} · {app_title(place, lang)}", lang),
        html.Main([breadcrumb(trail) if trail else None,
                   html.H2(title, className="page-title"), *body], className="content",
                  lang=html_lang(lang)),
    ])


def tab_title_store(title: str, lang: Lang) -> dcc.Store:
    """The browser tab's title (and the history's) and the document's language, which
    callbacks/router.py sets once the page is drawn: a screen reader reads the page in it."""
    return dcc.Store(id=ids.TAB_TITLE, data={"title": title, "lang": html_lang(lang)})


def not_found(lang: Lang, detail: str = "") -> list:
    return [html.Div([
        html.P(t("not_found_body", lang)),
        html.P(detail, className="muted") if detail else None,
        html.A(t("back_home", lang), href="/"),
    ], className="not-found")]
