"""The pages of areas: the overview (the area overseen) and, when it holds several counties, a
county's page (or a prefecture's under a province). Each shows the divisions one level down on
the indicator: a county its townships' map, an area above a county its counties' tiles (no
county has a boundary of its own); then the area's own KPI cards."""

from __future__ import annotations

from dash import html

from callbacks.context import AppContext
from callbacks.trails import division_name, trail_to
from callbacks.views import (
    NotFound,
    controls_of,
    division_row,
    hrefs_to,
    indicator_title,
    kpi_views,
    resolve_view,
    short_names,
    township_map_panel,
)
from data_access.aggregates import Level
from data_access.divisions import DIVISION_LEVELS, code_level
from data_access.indicator_values import indicator_by_division, indicator_counts
from layouts.i18n import Lang, t
from layouts.kpi import kpi_sections
from layouts.overview import map_panel, page_body
from layouts.ranking import ranking_list
from layouts.tiles import tile_grid
from layouts.urls import area_path
from metrics.indicators import Indicator
from metrics.periods import Period
from metrics.ranking import ranked_table


def overview_page(context: AppContext, lang: Lang,
                  query: dict[str, str]) -> tuple[str, list, list]:
    return _area(context, lang, query, context.home().code)


def area_page(context: AppContext, lang: Lang, query: dict[str, str],
              code: str) -> tuple[str, list, list]:
    """A county (or prefecture) of the area overseen: its own overview."""
    level = code_level(code)
    if level not in ("prefecture", "county") or code == context.home().code:
        raise NotFound(code)
    division = division_row(context, code, level)
    _, trail, body = _area(context, lang, query, code)
    return division_name(division, lang), trail, body


def _area(context: AppContext, lang: Lang, query: dict[str, str],
          code: str) -> tuple[str, list, list]:
    area = context.home()
    level = code_level(code)
    view = resolve_view(context, query)
    below = DIVISION_LEVELS[DIVISION_LEVELS.index(level) + 1]
    # The area overseen asks for all (None), so its figures are shared with the other pages.
    within = None if code == area.code else code
    if below == "township":
        panel = township_map_panel(context, view.indicator, view.period, query, lang,
                                   within=within)
    else:
        panel = _areas_panel(context, view.indicator, view.period, below, within, query, lang)
    kpis = kpi_sections(kpi_views(context, view.period, level, code), lang)
    return t("overview", lang), trail_to(context, code, query, lang), \
        page_body(controls_of(view, lang), kpis, panel)


def _areas_panel(context: AppContext, indicator: Indicator, period: Period, level: Level,
                 within: str | None, query: dict[str, str], lang: Lang) -> html.Div:
    """The counties (or prefectures) under `within` on one indicator: ranked tiles and the
    ranking beside them, each linking to its page."""
    engine = context.engine
    values = indicator_by_division(engine, indicator.id, period, level, within)
    table = ranked_table(values, short_names(context), indicator.id,
                         indicator_counts(engine, indicator.id, period, level, within))
    hrefs = hrefs_to(table["code"], area_path, query)
    return map_panel(indicator_title(indicator, period, lang), None,
                     tile_grid(table, indicator, lang, hrefs, "tile_hint_counties"),
                     ranking_list(table, indicator, lang, hrefs, level),
                     t("county_ranking", lang),
                     False, lang)
