"""The wall display (/wall): a dark, mouse-free screen for the meeting room, built from the
weekly report model. Pure functions: report and boundaries in, components out.

Everything a viewer needs is printed (values on the map, ranks, status icon and word): a wall
has no hover. Rotation and the clock run in assets/wall.js, which finds the parts by class
(`.wall`, `.wall-panel[data-panel]`, `.wall-clock`, `.wall-position`); the styles are in
assets/wall.css, scoped under `.wall`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from layouts import ids
from layouts.attributes import attributes
from layouts.figures import MAP_CONFIG, choropleth_map, value_texts
from layouts.formatting import change_parts, format_value, unit_label
from layouts.i18n import Lang, app_title, html_lang, t
from layouts.kpi import KpiView, target_text
from layouts.places import map_label, place_name
from layouts.shell import tab_title_store
from layouts.theme import (
    FONT_FAMILY,
    STATUS_ICONS,
    STATUS_WORDS,
    WALL_STATUS_TEXT,
    ColourScale,
)
from layouts.weekly_first import flag_subject
from metrics.domains import DOMAIN_BY_ID
from metrics.indicators import INDICATORS, DomainId, Indicator, IndicatorValue
from metrics.red_flags import parse_late_detail
from metrics.targets import Status, ranked_status
from metrics.weekly import (
    DOMAIN_ORDER,
    FLAG_KINDS,
    HEADLINE,
    Flag,
    FlagRow,
    Ranking,
    WeeklyReport,
)

PANELS: tuple[str, ...] = ("map", *DOMAIN_ORDER, "flags")
# Rows a flag card has room for at 16:9 with its "and N more" line under them (wall.css).
FLAG_ROWS_SHOWN = 4
# The map in the wall's colours: dark navy to light blue, white labels with a dark outline, so
# the names and values stay readable on every cell (the desk map's light blues glare on a wall).
WALL_MAP_SCALE: ColourScale = [[0.0, "#173a5e"], [0.5, "#2d6aa3"], [1.0, "#5ea9e6"]]
WALL_BACKGROUND = "#0b1220"
# Plotly sizes text in px; assets/wall.css scales the labels with the screen (see .scattergeo text).
MAP_LABEL_PX = 20


def _name(indicator_id: str, lang: Lang) -> str:
    indicator = INDICATORS[indicator_id]
    return indicator.name_en if lang == "en" else indicator.name_zh


def _word(state: Status, lang: Lang) -> str:
    zh, en = STATUS_WORDS[state]
    return en if lang == "en" else zh


def status_badge(state: Status, lang: Lang, with_word: bool = True) -> html.Span:
    """Icon and word in the status colour: never colour alone."""
    icon = html.Span(STATUS_ICONS[state], **attributes({"aria-hidden": "true"}))
    parts: list[Any] = [icon, " ", _word(state, lang)] if with_word else [icon]
    return html.Span(parts, className="wall-status", style={"color": WALL_STATUS_TEXT[state]},
                     title=_word(state, lang), **attributes({"data-status": state}))


# --- the shell (drawn without any database read) ------------------------------------------


def wall_shell(lang: Lang, rotate_seconds: float, refresh_seconds: int,
               indicator_id: str) -> html.Div:
    """The whole window: header, warning banner, the panels (empty until the first refresh),
    footer. The refresh callback fills them in; wall.js rotates them."""
    titles = {"map": t("wall_map", lang), "flags": t("wall_flags", lang)}
    for domain in DOMAIN_ORDER:
        zh, en = DOMAIN_BY_ID[domain].names
        titles[domain] = en if lang == "en" else zh
    panels = [html.Section([
        html.H2(titles[name], className="wall-panel-title"),
        html.Div(html.P(t("wall_loading", lang), className="wall-muted"),
                 id=ids.wall_panel(name), className="wall-panel-body"),
    ], className="wall-panel", **attributes({"data-panel": name})) for name in PANELS]
    return html.Div([
        dcc.Store(id=ids.WALL_OPTIONS, data={"lang": lang, "indicator": indicator_id}),
        dcc.Store(id=ids.WALL_REPORT),
        dcc.Store(id=ids.WALL_STATUS),
        tab_title_store(f"{t('wall_subtitle', lang)} · {app_title('', lang)}", lang),
        dcc.Interval(id=ids.WALL_REFRESH, interval=int(refresh_seconds * 1000)),
        html.Header([
            html.Div([html.Span(app_title("", lang), id=ids.WALL_TITLE,
                                className="wall-app-title"),
                      html.Span(t("wall_subtitle", lang), className="wall-subtitle")],
                     className="wall-brand"),
            html.Div(id=ids.WALL_WEEK, className="wall-week"),
            html.Div([html.Span(id=ids.WALL_POSITION, className="wall-position"),
                      html.Span(id=ids.WALL_CLOCK, className="wall-clock")],
                     className="wall-meta"),
        ], className="wall-header"),
        html.Div(id=ids.WALL_BANNER, className="wall-banner", hidden=True, role="alert"),
        html.Main(panels, className="wall-panels"),
        html.Footer([
            html.Span(f"{t('data_as_of', lang)} —", id=ids.WALL_DATA_AS_OF,
                      className="wall-as-of"),
            html.Span(id=ids.WALL_REFRESHED, className="wall-refreshed"),
        ], className="wall-footer"),
    ], className="wall", lang=html_lang(lang),
        **attributes({"data-rotate": f"{rotate_seconds:g}"}))


# --- status: banner and footer ------------------------------------------------------------


def status_parts(wall_status: dict[str, Any], lang: Lang,
                 stale_hours: int) -> tuple[list | None, bool, str, str]:
    """(banner children, banner hidden, data-as-of text, refreshed text) for a refresh status
    (see callbacks.wall.refresh). The banner says it in the wall's language, the other beside."""
    state = wall_status.get("state")
    as_of = wall_status.get("data_as_of") or "—"
    footer = (f"{t('data_as_of', lang)} {as_of}",
              f"{t('wall_refreshed', lang)} {wall_status.get('checked_at') or '—'}")
    if state == "revoked":
        key, values = "wall_revoked", {}
    elif state == "offline":
        key, values = "wall_offline", {"since": wall_status.get("since") or "—", "as_of": as_of}
    elif state == "stale":
        key, values = "wall_stale", {"hours": stale_hours, "as_of": as_of}
    elif wall_status.get("calendar"):
        # No holiday calendar for this (or, in December, next) year: due dates and days
        # overdue would count Monday to Friday.
        zh, en = wall_status["calendar"]
        return _banner({"zh": zh, "en": en}, lang), False, *footer
    else:
        return None, True, *footer
    texts = {"zh": t(key, "zh").format(**values), "en": t(key, "en").format(**values)}
    return _banner(texts, lang), False, *footer


def _banner(texts: dict[str, str], lang: Lang) -> list:
    """The warning in the wall's language, the other language beside it."""
    other: Lang = "zh" if lang == "en" else "en"
    return [html.Span("⚠", className="wall-banner-icon", **attributes({"aria-hidden": "true"})),
            html.Div([html.P(texts[lang], className="wall-banner-main"),
                      html.P(texts[other], className="wall-banner-other",
                             lang=html_lang(other))])]


# --- panels ------------------------------------------------------------------------------


def week_label(report: WeeklyReport, lang: Lang) -> str:
    year, number = report.week.split("-W")
    return t("wall_week", lang).format(year=year, number=int(number), first=report.first_day,
                                       last=report.last_day)


def period_text(label: str, lang: Lang) -> str:
    """A report period as a wall prints it: a year-to-date span ("2026-01-01~2026-11-08") as
    “2026年初至 2026-11-08”, any other label as it is."""
    if "~" in label:
        first, last = label.split("~", 1)
        return t("wall_year_to", lang).format(year=first[:4], date=last)
    return label


def compared_with(ranking: Ranking) -> tuple[float | None, str] | None:
    """The county figure a tile compares with and the period it is of: each figure with its own
    previous period, of the periods the weekly report takes (metrics.weekly.report_periods). A
    weekly figure with last week's; a year-to-date or annual figure with the same span a year
    earlier: its "last week" is the year to last Sunday, which differs from it by a week's
    draws at most, or the very same annual report. None when there is no such period."""
    if "-W" in ranking.period:
        return ranking.county_previous, ranking.previous_period
    if ranking.year_before_period != ranking.period:
        return ranking.county_year_before, ranking.year_before_period
    return None


def change_line(indicator: Indicator, value: float | None, base: float | None, period: str,
                lang: Lang) -> html.Span | None:
    """“较 2026-W44 ↑ 1.2 个百分点”: the change and the period it is against, named."""
    if value is None or base is None:
        return None
    arrow, text, better = change_parts(indicator.id, value, base, lang)
    return html.Span(f"{t('wall_vs', lang).format(period=period_text(period, lang))} {arrow} "
                     f"{text}", className=f"kpi-change {'better' if better else 'worse'}",
                     **attributes({"data-compared": period}))


def county_tile(ranking: Ranking, lang: Lang, week: str) -> html.Div:
    """The county figure: value, status icon and word, target, the change against its own
    previous period (named: `compared_with`); the period when it is not the week
    (inspections run to date, income is yearly)."""
    indicator = INDICATORS[ranking.indicator_id]
    state = ranked_status(indicator.id, ranking.county, False, ranking.county_denominator)
    view = KpiView(IndicatorValue(indicator, ranking.county), None, state)
    has_value = ranking.county is not None
    base = compared_with(ranking)
    target = target_text(view, lang)
    return html.Div([
        html.Div(_name(indicator.id, lang), className="wall-tile-name"),
        html.Div([html.Span(format_value(ranking.county, indicator.unit, lang),
                            className="wall-tile-value"),
                  html.Span(unit_label(indicator.unit, lang) if has_value else "",
                            className="wall-tile-unit")], className="wall-tile-figure"),
        html.Div([status_badge(state, lang) if state != "none" else None,
                  html.Span(target, className="wall-tile-target") if target else None],
                 className="wall-tile-line"),
        html.Div([change_line(indicator, ranking.county, base[0], base[1], lang)
                  if base else None,
                  html.Span(period_text(ranking.period, lang), className="wall-tile-period")
                  if ranking.period != week else None], className="wall-tile-line"),
    ], className="wall-tile", **attributes({"data-indicator": indicator.id, "data-status": state}))


def _rank_change(change: int | None) -> str:
    if change is None:
        return ""
    return "→" if change == 0 else (f"↑{change}" if change > 0 else f"↓{-change}")


def township_ranking(ranking: Ranking, lang: Lang) -> html.Div:
    """All townships, best first, with value, status icon and places moved since last week
    for a weekly figure (left out for a year-to-date or annual one: see `compared_with`)."""
    indicator = INDICATORS[ranking.indicator_id]
    unit = unit_label(indicator.unit, lang)
    moves = "-W" in ranking.period
    rows = [html.Li([
        html.Span("—" if card.rank is None else str(card.rank), className="wall-rank-no"),
        html.Span(place_name(card.name, lang), className="wall-rank-name"),
        html.Span([format_value(card.value, indicator.unit, lang),
                   html.Small(f" {unit}" if card.value is not None else "")],
                  className="wall-rank-value"),
        status_badge(card.status, lang, with_word=False),
        html.Span(_rank_change(card.rank_change) if moves else "", className="wall-rank-move"),
    ], className="wall-rank", **attributes({"data-code": card.code, "data-status": card.status}))
        for card in ranking.cards]
    shown: tuple[Status, ...] = ("green", "yellow", "red")
    legend = [html.Span([status_badge(s, lang)], className="wall-legend-item") for s in shown]
    title = t("wall_ranking", lang).format(indicator=_name(indicator.id, lang))
    return html.Div([
        html.H3([title, html.Span(period_text(ranking.period, lang),
                                  className="wall-tile-period")],
                className="wall-section-title"),
        html.Ol(rows, className="wall-ranking"),
        html.Div(legend, className="wall-legend"),
    ], className="wall-ranking-block")


def domain_body(report: WeeklyReport, domain: DomainId, lang: Lang) -> list:
    rankings = [r for r in report.rankings if INDICATORS[r.indicator_id].domain == domain]
    if not rankings:
        return [html.P(t("no_data_period", lang), className="wall-muted")]
    headline = report.ranking(HEADLINE[domain]) or rankings[0]
    return [html.Div([county_tile(r, lang, report.week) for r in rankings],
                     className="wall-tiles"),
            township_ranking(headline, lang)]


def cards_table(ranking: Ranking) -> pd.DataFrame:
    """code, name, value, rank of the townships (what layouts.figures maps take)."""
    return pd.DataFrame([{"code": c.code, "name": c.name, "value": c.value, "rank": c.rank}
                         for c in ranking.cards], columns=["code", "name", "value", "rank"])


def wall_map_figure(geojson: dict, labels: dict[str, Any], ranking: Ranking,
                    lang: Lang) -> go.Figure:
    """The shared township map, restyled for the wall: every township's name and value written
    on it, dark colours, no colour bar (the values are printed), no hover."""
    indicator = INDICATORS[ranking.indicator_id]
    table = cards_table(ranking)
    figure = go.Figure(choropleth_map(geojson, {c: tuple(p) for c, p in labels.items()}, table,
                                      indicator, lang, ranked=int(table["rank"].notna().sum())))
    # Keyed as the map writes each name (layouts.places.map_label).
    values = dict(zip(table["name"].map(lambda name: map_label(name, lang)),
                      value_texts(table["value"], indicator, lang), strict=True))
    scale = WALL_MAP_SCALE if indicator.higher_is_better else [
        [1 - stop, colour] for stop, colour in reversed(WALL_MAP_SCALE)]
    figure.update_traces(selector={"type": "choropleth"}, colorscale=scale, showscale=False,
                         marker={"line": {"color": WALL_BACKGROUND, "width": 2}},
                         hoverinfo="skip", hovertemplate=None)
    for trace in figure.data:
        if trace.type == "scattergeo":
            trace.text = [f"<b>{name}</b><br>{values.get(name, '—')}" for name in trace.text]
            trace.textfont = {"size": MAP_LABEL_PX, "color": "#ffffff", "family": FONT_FAMILY,
                              "shadow": "1px 1px 2px #000, -1px -1px 2px #000"}
    figure.update_layout(height=None, autosize=True, hovermode=False,
                         font={"color": "#e6edf5"})
    return figure


def map_body(report: WeeklyReport, boundaries: dict[str, Any] | None, indicator_id: str,
             lang: Lang) -> list:
    """The township map (their ranking while the county has no boundaries) and the domains'
    headline tiles beside it."""
    ranking = report.ranking(indicator_id) or next(iter(report.rankings), None)
    if ranking is None:
        return [html.P(t("no_data_period", lang), className="wall-muted")]
    drawing = township_ranking(ranking, lang) if boundaries is None else dcc.Graph(
        figure=wall_map_figure(boundaries["geojson"], boundaries["labels"], ranking, lang),
        config={**MAP_CONFIG, "staticPlot": True}, responsive=True, className="wall-map-graph")
    headlines = [r for r in (report.ranking(HEADLINE[d]) for d in DOMAIN_ORDER) if r is not None]
    title = f"{_name(ranking.indicator_id, lang)}（{ranking.period}）" if lang == "zh" \
        else f"{_name(ranking.indicator_id, lang)} ({ranking.period})"
    return [html.Div([
        html.Div([
            html.H3(title, className="wall-section-title"),
            drawing,
            html.P(t("schematic", lang), className="wall-muted wall-map-note")
            if boundaries and boundaries.get("schematic") else None,
        ], className="wall-map", **attributes({"data-indicator": ranking.indicator_id})),
        html.Div([county_tile(r, lang, report.week) for r in headlines],
                 className="wall-side"),
    ], className="wall-map-body")]


def _days(row: FlagRow) -> int:
    """Working days overdue of a rectification row ("12 (17)"; a plain number in reports made
    before working days were counted)."""
    parsed = parse_late_detail(row.detail)
    if parsed is not None:
        return parsed[0]
    return int(row.detail) if row.detail.lstrip("-").isdigit() else 0


def _income(row: FlagRow) -> float:
    try:
        return float(row.detail)
    except ValueError:
        return float("inf")


def top_rows(flag: Flag, count: int = FLAG_ROWS_SHOWN) -> list[FlagRow]:
    """The rows a wall has room for, most pressing first: the longest overdue rectification,
    unfinished then oldest overdue cases, villages idle longest (never active first), the
    lowest incomes; red streaks in the report's order."""
    rows = list(flag.rows)
    if flag.kind == "overdue_rectifications":
        rows.sort(key=_days, reverse=True)
    elif flag.kind == "new_overdue_cases":
        rows.sort(key=lambda r: (r.detail != "", r.date))
    elif flag.kind == "inactive_villages":
        rows.sort(key=lambda r: r.date)
    elif flag.kind == "fell_below_50k":
        rows.sort(key=_income)
    return rows[:count]


def flag_detail(kind: str, row: FlagRow, lang: Lang) -> str:
    if kind == "new_overdue_cases":
        due = t("wall_due", lang).format(date=row.date)
        return due if row.detail else f"{due} · {t('wall_unfinished', lang)}"
    if kind == "overdue_rectifications":
        parsed = parse_late_detail(row.detail)
        if parsed is None:
            return t("wall_days_late", lang).format(days=row.detail)
        return t("late_working_days", lang).format(working=parsed[0], calendar=parsed[1])
    if kind == "inactive_villages":
        return (t("wall_last_activity", lang).format(date=row.date) if row.date
                else t("wall_no_activity", lang))
    if kind == "fell_below_50k":
        return t("wall_income", lang).format(value=row.detail, year=row.date)
    return ""


def flag_card(flag: Flag, lang: Lang) -> html.Div:
    rows = top_rows(flag)
    items = [html.Li([html.Span(place_name(row.township, lang), className="wall-flag-township"),
                      html.Span(flag_subject(flag.kind, row.subject, lang),
                                className="wall-flag-subject"),
                      html.Span(flag_detail(flag.kind, row, lang), className="wall-flag-detail")],
                     className="wall-flag-row") for row in rows]
    more = flag.count - len(rows)
    return html.Div([
        html.Div([html.Span(t(f"flag_{flag.kind}", lang), className="wall-flag-name"),
                  html.Span(f"{flag.count:,}" if flag.covered else "—",
                            className="wall-flag-count")],
                 className="wall-flag-head"),
        html.Ul(items, className="wall-flag-rows") if items
        else html.P(t("wall_nothing", lang), className="wall-muted"),
        html.P(t("wall_more", lang).format(count=more), className="wall-muted") if more > 0
        else None,
    ], className="wall-flag", **attributes({"data-kind": flag.kind, "data-count": str(flag.count)}))


def flags_body(report: WeeklyReport, lang: Lang, duban_overdue: int | None = None) -> list:
    """The flags under the names /weekly gives them, as of the week's Sunday (said, with the
    unit of the time overdue), and the 督办 items overdue today."""
    return [html.P(t("wall_flags_as_of", lang).format(date=report.last_day),
                   className="wall-muted wall-flags-as-of",
                   **attributes({"data-as-of": report.last_day})),
            html.Div([flag_card(report.flag(kind), lang) for kind in FLAG_KINDS],
                     className="wall-flags"),
            html.P([html.Span(str(duban_overdue), className="wall-duban-count"),
                    " ", t("wall_duban_overdue", lang)],
                   className="wall-duban" + (" wall-duban-on" if duban_overdue else ""),
                   **attributes({"data-count": str(duban_overdue)}))
            if duban_overdue is not None else None]


def panel_bodies(report: WeeklyReport, boundaries: dict[str, Any] | None, indicator_id: str,
                 lang: Lang, duban_overdue: int | None = None) -> dict[str, list]:
    """Each panel's content, by panel name (PANELS)."""
    bodies = {"map": map_body(report, boundaries, indicator_id, lang),
              "flags": flags_body(report, lang, duban_overdue)}
    for domain in DOMAIN_ORDER:
        bodies[domain] = domain_body(report, domain, lang)
    return bodies
