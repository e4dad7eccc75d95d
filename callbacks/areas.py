"""The pages of areas: the overview (the area overseen) and, when it holds several counties, a
county's page (or a prefecture's under a province). Each shows the divisions one level down on
the indicator: a county its townships' map, an area above a county its counties' tiles (no
county has a boundary of its own); then the area's own KPI cards."""

from __future__ import annotations

from callbacks.context import AppContext
from callbacks.trails import division_name, trail_to
from callbacks.views import (
    NotFound,
    controls_of,
    division_row,
    kpi_views,
    ranked_map_panel,
    resolve_view,
)
from data_access.divisions import code_level
from layouts.i18n import Lang, t
from layouts.kpi import kpi_sections
from layouts.overview import page_body


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
    # The area overseen asks for all (None), so its figures are shared with the other pages.
    within = None if code == area.code else code
    panel = ranked_map_panel(context, view.indicator, view.period, query, lang, within=within)
    kpis = kpi_sections(kpi_views(context, view.period, level, code), lang)
    return t("overview", lang), trail_to(context, code, query, lang), \
        page_body(controls_of(view, lang), kpis, panel)
