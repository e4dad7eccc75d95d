"""Page assembly: URL state -> data_access and metrics -> layouts. Plain functions, testable
without a browser; the router calls them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd
from dash import dcc, html

from callbacks.context import AppContext
from callbacks.trails import division_name, trail_to
from data_access import access
from data_access.aggregates import Level
from data_access.boundaries import county_boundaries, township_boundaries, village_boundaries
from data_access.coverage import coverage
from data_access.divisions import code_level, county_names, division_table, level_below
from data_access.indicator_values import (
    domain_ranks,
    domain_values,
    indicator_by_division,
    indicator_counts,
    indicator_frame,
    indicator_values_over,
)
from data_access.runs import Run
from data_access.trends import indicator_trend
from layouts.controls import period_notice, view_controls
from layouts.figures import choropleth_map
from layouts.grid import COUNTY_FIELD, ColumnSpec, table_section
from layouts.i18n import Lang, t
from layouts.kpi import Comparison, KpiView, kpi_sections
from layouts.overview import map_panel, page_body, trends_section
from layouts.ranking import ranking_list
from layouts.tiles import tile_grid
from layouts.urls import area_path, township_path, view_href, village_path
from layouts.village import trend_charts, village_column, village_indicator_name
from metrics.domains import DOMAIN_BY_ID, DOMAINS, village_columns, village_label, village_trends
from metrics.indicators import INDICATORS, Indicator
from metrics.periods import (
    Coverage,
    DefaultPeriod,
    Period,
    PeriodError,
    PeriodKind,
    check_in_range,
    latest_covered,
    parse_period,
    recent_periods,
)
from metrics.ranking import ranked_table
from metrics.targets import applies_at, bottom_positions, ranked_status

DEFAULT_INDICATOR = "collective_income_mean"
# Indicators that describe one village (the others count villages, or are township-only).
VILLAGE_COLUMNS = village_columns()
# The village page's cards: those indicators, in the order of all cards. Only these are
# computed: the others' aggregates would be queried for nothing.
VILLAGE_CARDS = [i for i in INDICATORS if i in VILLAGE_COLUMNS]
# The domains a page's default period must be covered by: the overview and township pages show
# every domain, the village page the domains of its columns, a domain's page its own.
ALL_DOMAINS: tuple[str, ...] = tuple(domain.id for domain in DOMAINS)
VILLAGE_DOMAINS: tuple[str, ...] = tuple(dict.fromkeys(INDICATORS[c].domain
                                                       for c in VILLAGE_COLUMNS))


class NotFound(LookupError):
    """Something a URL names that does not exist: by default a division code at the page's
    level; `what` is the text key that says what kind of thing it was."""

    def __init__(self, value: str, what: str = "unknown_code") -> None:
        super().__init__(value)
        self.value = value
        self.what = what


@dataclass(frozen=True)
class View:
    indicator: Indicator
    period: Period
    kinds: tuple[PeriodKind, ...]
    periods: list[Period]
    default: DefaultPeriod | None = None  # what the page opens on without a period
    problem: PeriodError | None = None  # why the URL's period was not taken


def period_kinds(indicator: Indicator) -> tuple[PeriodKind, ...]:
    return DOMAIN_BY_ID[indicator.domain].period_kinds


def page_domains(pathname: str | None) -> tuple[str, ...]:
    """The domains whose data decide the default period of the page at `pathname`."""
    path = pathname or "/"
    for domain in DOMAINS:
        if path == domain.route:
            return (domain.id,)
    if path.startswith("/village/"):
        return VILLAGE_DOMAINS
    return ALL_DOMAINS


def default_period(context: AppContext, kind: PeriodKind,
                   domains: tuple[str, ...] = ALL_DOMAINS) -> DefaultPeriod:
    """The one default-period rule of every page: the latest complete period of the kind that
    the data of the page's domains cover (metrics.periods.latest_covered)."""
    spans = coverage(context.engine)
    return latest_covered(kind, context.today(), [spans[d] for d in domains if d in spans])


def _asked_period(text: str, kinds: tuple[PeriodKind, ...], indicator: Indicator,
                  context: AppContext) -> Period:
    """The URL's period if the page can show it; PeriodError says why not."""
    period = check_in_range(parse_period(text), context.today())
    if period.kind not in kinds:
        domain = DOMAIN_BY_ID[indicator.domain]
        raise PeriodError(zh=f"“{period.label}”：{domain.not_reported_zh}",
                          en=f"'{period.label}': {domain.not_reported_en}")
    return period


def resolve_view(context: AppContext, query: dict[str, str],
                 default: str = DEFAULT_INDICATOR, domain: str | None = None,
                 domains: tuple[str, ...] = ALL_DOMAINS) -> View:
    """The view the URL asks for, made consistent: a period kind the indicator is reported in
    (and, on a domain's own page, an indicator of that domain). Without a period the page opens
    on the default period (`default_period` over the page's domains: `domain`, else
    `domains`); a malformed period, one that has not begun or lies before the first year, or
    one of a kind the indicator is not reported in, is replaced by the default and the reason
    kept in `problem`, for the page to show beside its period picker."""
    indicator = INDICATORS.get(query.get("indicator", ""), INDICATORS[default])
    if domain and indicator.domain != domain:
        indicator = INDICATORS[default]
    kinds = period_kinds(indicator)
    today = context.today()
    chosen = default_period(context, kinds[0], (domain,) if domain else domains)
    period, problem = chosen.period, None
    if query.get("period"):
        try:
            period = _asked_period(query["period"], kinds, indicator, context)
        except PeriodError as error:
            problem = error
    periods = recent_periods(period.kind, today)
    if period not in periods:
        periods = [period, *periods]
    return View(indicator, period, kinds, periods, chosen, problem)


def controls_of(view: View, lang: Lang, choices: list[Indicator] | None = None) -> html.Div:
    """The view controls with the page's default period and, if the URL's period was not
    taken, why."""
    return view_controls(lang, view.indicator, view.period, view.kinds, view.periods, choices,
                         notice=period_notice(lang, view.default, view.problem))


def kpi_views(context: AppContext, period: Period, level: Level, code: str,
              ids_: list[str] | None = None) -> list[KpiView]:
    """KPI cards' data: value, previous period's value (and whether the data cover that
    period in full), status and (townships) rank."""
    engine = context.engine
    before = period.previous()
    # Both periods in one aggregate per domain: the run (before, period).
    both = indicator_values_over(engine, Run((before, period)), level, code, ids_)
    current = both[period.label]
    previous = {v.indicator.id: v.value for v in both[before.label]}
    spans = coverage(engine)
    positions = _township_positions(context, period, code,
                                    {i.indicator.domain for i in current}) \
        if level == "township" else {}
    views = []
    for item in current:
        # Townships are ranked among their peers; the county and villages are not.
        position, ranked, bottom = positions.get(item.indicator.id, (None, 0, False))
        judged = applies_at(item.indicator.id, level)
        state = (ranked_status(item.indicator.id, item.value, bottom, item.denominator)
                 if judged else "none")
        # A change against a period the data do not fully cover is no change: it says so. A
        # measure of things as they stand now has none to show.
        own = spans.get(item.indicator.domain, Coverage())
        as_now = item.indicator.current
        compared = None if as_now else Comparison(before.label, own.covers(before),
                                                  own.within(before))
        views.append(KpiView(item, None if as_now else previous.get(item.indicator.id), state,
                             position, ranked, bottom, comparison=compared, judged=judged))
    return views


def home_kpi_views(context: AppContext, period: Period,
                   ids_: list[str] | None = None) -> list[KpiView]:
    """The KPI cards of the area overseen (its own level: a county, or above several)."""
    area = context.home()
    return kpi_views(context, period, area.level, area.code, ids_)


def peers_within(context: AppContext, code: str) -> str | None:
    """The county a township is ranked in: None when it is the area overseen (every
    township), its own county when the area holds several."""
    county = division_table(context.engine).at[code, "parent_code"]
    return None if county == context.home().code else str(county)


def _township_positions(context: AppContext, period: Period, code: str,
                        domains: set[str]) -> dict[str, tuple[int | None, int, bool]]:
    """indicator id -> (the township's rank among its county's townships or None, how many
    are ranked, whether it is 末位)."""
    engine, within = context.engine, peers_within(context, code)
    positions: dict[str, tuple[int | None, int, bool]] = {}
    for domain in domains:
        ranks = domain_ranks(engine, domain, period, "township", within)
        values = domain_values(engine, domain, period, "township", within)
        if ranks is None or values is None:
            continue
        counts = ranks.notna().sum()
        own = ranks.loc[code] if code in ranks.index else None
        for indicator_id in ranks.columns:
            value = None if own is None else own[indicator_id]
            cases = indicator_counts(engine, indicator_id, period, "township", within)
            bottom = bottom_positions(indicator_id, values[indicator_id],
                                      None if cases is None else cases["denominator"])
            positions[indicator_id] = (None if value is None or pd.isna(value) else int(value),
                                       int(counts[indicator_id]), bool(bottom.get(code, False)))
    return positions


def short_names(context: AppContext) -> pd.Series:
    """Each division's short name (调关, not 调关镇), by code: what maps and rankings show."""
    return division_table(context.engine)["short_name"]


def with_county(context: AppContext, frame: pd.DataFrame, code_field: str) -> pd.DataFrame:
    """At a prefecture, the rows with their county's short name (`county`, from the county
    digits of the division code in `code_field`), which a table shows as its first column;
    in a county the rows as they are."""
    if context.home().ranked_level != "county" or code_field not in frame.columns:
        return frame
    return frame.assign(**{COUNTY_FIELD: county_names(context.engine, frame[code_field])})


def division_row(context: AppContext, code: str, level: str) -> pd.Series:
    table = division_table(context.engine)
    if code not in table.index or table.at[code, "level"] != level:
        raise NotFound(code)
    return table.loc[code]


def hrefs_to(codes: pd.Series, path: Callable[[str], str],
           query: dict[str, str]) -> dict[str, str]:
    return {code: view_href(path(code), query) for code in codes}


def indicator_title(indicator: Indicator, period: Period, lang: Lang) -> str:
    name = indicator.name_en if lang == "en" else indicator.name_zh
    return f"{name} · {period.label}"


def ranked_map_panel(context: AppContext, indicator: Indicator, period: Period,
                     link_query: dict[str, str], lang: Lang, title: str | None = None,
                     height: int = 520, within: str | None = None) -> html.Div:
    """The divisions one level below `within` (a county or prefecture of the area; None: the
    area overseen) on one indicator, and beside them their ranking, each linking to its page
    with `link_query`: townships on their map, counties on the outline of their townships
    (ranked tiles while any is missing), prefectures as ranked tiles."""
    level = _level_below(context, within)
    engine = context.engine
    values = indicator_by_division(engine, indicator.id, period, level, within)
    table = ranked_table(values, short_names(context), indicator.id,
                         indicator_counts(engine, indicator.id, period, level, within))
    townships = level == "township"
    boundaries = (township_boundaries(engine, within) if townships
                  else county_boundaries(engine, within) if level == "county" else None)
    hrefs = hrefs_to(table["code"], township_path if townships else area_path, link_query)
    figure = None if boundaries is None else choropleth_map(
        boundaries.drawing, boundaries.labels, table, indicator, lang,
        ranked=int(table["rank"].notna().sum()), height=height)
    tiles = None if boundaries is not None else tile_grid(
        table, indicator, lang, hrefs, "tile_hint_townships" if townships
        else "tile_hint_counties")
    return map_panel(title or indicator_title(indicator, period, lang), figure, tiles,
                     ranking_list(table, indicator, lang, hrefs, level),
                     t("ranking" if townships else "county_ranking", lang),
                     boundaries is not None and boundaries.schematic, lang)


def _level_below(context: AppContext, within: str | None) -> Level:
    """What an area's pages rank: the level below it (the area overseen's when None)."""
    if within is None:
        return context.home().ranked_level
    return level_below(code_level(within))


def township_page(context: AppContext, lang: Lang, query: dict[str, str],
                  code: str) -> tuple[str, list, list]:
    township = division_row(context, code, "township")
    access.require_division(code)
    view = resolve_view(context, query)
    controls = controls_of(view, lang)
    kpis = kpi_sections(kpi_views(context, view.period, "township", code), lang)
    values = indicator_by_division(context.engine, view.indicator.id, view.period, "village",
                                   code)
    panel: html.Div | html.P
    if values is None:
        panel = html.P(t("inspections_by_township", lang), className="panel muted")
        extra: list = []
    else:
        table = ranked_table(values, short_names(context), view.indicator.id,
                             indicator_counts(context.engine, view.indicator.id, view.period,
                                              "village", code))
        hrefs = hrefs_to(table["code"], village_path, query)
        boundaries = village_boundaries(context.engine, code)
        ranked = int(table["rank"].notna().sum())
        figure = (choropleth_map(boundaries.drawing, boundaries.labels, table, view.indicator,
                                 lang, ranked) if boundaries else None)
        tiles = None if boundaries else tile_grid(table, view.indicator, lang, hrefs)
        # The map and ranking show each village's own value (村均 of one village is its own).
        title = f"{village_indicator_name(view.indicator.id, lang)} · {view.period.label}"
        panel = map_panel(title, figure, tiles,
                          ranking_list(table, view.indicator, lang, hrefs, "village"),
                          t("village_ranking", lang), False, lang)
        villages = village_table(context, view.period, code)
        columns = [ColumnSpec("name", t("name", lang), pinned=True, place=True),
                   ColumnSpec("unit_type", t("unit_type", lang), term=True),
                   *(village_column(c, lang) for c in VILLAGE_COLUMNS if c in villages)]
        extra = [table_section("villages", t("villages", lang), villages, columns, lang,
                               f"{township['name']}_{view.period.label}", row_id="code",
                               note=t("villages_note", lang))]
    return division_name(township, lang), trail_to(context, code, query, lang), page_body(
        controls, kpis, panel, extra)


def village_table(context: AppContext, period: Period, township_code: str) -> pd.DataFrame:
    """One row per village of the township with the village-level indicators of the period."""
    table = division_table(context.engine)
    frame = indicator_frame(context.engine, list(VILLAGE_COLUMNS), period, "village",
                            township_code)
    frame.insert(0, "unit_type", table["unit_type"].reindex(frame.index))
    frame.insert(0, "name", table["name"].reindex(frame.index))
    frame.index.name = "code"
    return frame.reset_index()


TREND_MONTHS = 24


def village_trend_frames(context: AppContext, code: str) -> dict[str, pd.DataFrame]:
    """By grain ("year": the complete years, "month": the last TREND_MONTHS months), the values
    of the village trend charts' indicators (metrics/domains.py)."""
    today = context.today()
    periods = {"year": [p for p in recent_periods("year", today) if p.end <= today],
               "month": recent_periods("month", today)[:TREND_MONTHS]}
    frames = {}
    for grain, grain_periods in periods.items():
        wanted = [i for chart in village_trends() if chart.grain == grain
                  for i in chart.indicators]
        frames[grain] = indicator_trend(context.engine, list(dict.fromkeys(wanted)), "village",
                                        code, grain_periods)
    return frames


def village_page(context: AppContext, lang: Lang, query: dict[str, str],
                 code: str) -> tuple[str, list, list]:
    village = division_row(context, code, "village")
    township = division_row(context, village["parent_code"], "township")
    access.require_division(code)
    view = resolve_view(context, query, domains=VILLAGE_DOMAINS)
    controls = controls_of(view, lang)
    # One village: its own value, named as such (not 村均, the mean over villages).
    kpis = kpi_sections([replace(k, label=village_label(k.item.indicator.id))
                         for k in kpi_views(context, view.period, "village", code,
                                            VILLAGE_CARDS)], lang)
    trends = trends_section(lang, trend_charts(village_trend_frames(context, code), lang))
    trail = trail_to(context, code, query, lang)
    inspections = html.P([t("inspections_by_township", lang), " ",
                          dcc.Link(division_name(township, lang),
                                   href=view_href(township_path(township.name), query))],
                         className="panel muted")
    return division_name(village, lang), trail, [controls, html.Div(kpis, className="kpi-grid"),
                                    inspections, trends]
