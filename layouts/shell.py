"""The frame around every page: title bar, language switch, data time, content slot."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from dashboard import ids
from layouts.i18n import Lang, t


def app_layout() -> html.Div:
    return html.Div([dcc.Location(id=ids.URL, refresh="callback-nav"),
                     html.Div(id=ids.PAGE)], className="app")


def page_frame(lang: Lang, query: dict[str, str], data_as_of: str, title: str,
               body: list) -> html.Div:
    other = "en" if lang == "zh" else "zh"
    switch_href = "?" + urlencode({**query, "lang": other})
    return html.Div([
        html.Header([
            html.Div([
                html.H1(t("app_title", lang), className="app-title"),
                html.Span(t("app_subtitle", lang), className="app-subtitle"),
            ], className="brand"),
            html.Nav([html.A(t("overview", lang), href="/" + _keep(query), className="nav-link")],
                     className="nav"),
            html.Div([
                html.Span(f"{t('data_as_of', lang)} {data_as_of}", id=ids.DATA_AS_OF,
                          className="data-as-of"),
                html.A(t("switch_language", lang), href=switch_href, className="lang-switch",
                       lang=other, hrefLang=other),
            ], className="header-meta"),
        ], className="topbar"),
        html.Main([html.H2(title, className="page-title"), *body], className="content",
                  lang="en" if lang == "en" else "zh-CN"),
    ])


def _keep(query: dict[str, str]) -> str:
    kept = {k: v for k, v in query.items() if k in ("lang", "period")}
    return "?" + urlencode(kept) if kept else ""


def not_found(lang: Lang, detail: str = "") -> list:
    return [html.Div([
        html.P(t("not_found_body", lang)),
        html.P(detail, className="muted") if detail else None,
        html.A(t("back_home", lang), href="/"),
    ], className="not-found")]
