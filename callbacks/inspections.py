"""/inspections (the year), /inspections/worklist (open items) and /inspections/task/<code>
(a task's record and its verifiable draw), with chart-click drill to the result rows."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
from dash import Dash, Input, NoUpdate, Output, State, ctx, html, no_update

from callbacks.context import AppContext
from callbacks.trails import home_step
from callbacks.url_state import clicked_key, parse_query, search_with
from callbacks.views import View, default_period, home_kpi_views
from data_access import access
from data_access.divisions import ancestor_code, division_table
from data_access.draw import verify_draw
from data_access.inspections import (
    open_rows,
    result_rows,
    supervision_theme,
    task_record,
    task_years,
    worklist_choices,
    year_tasks,
)
from data_access.weekly import overdue_rectifications
from layouts import ids
from layouts.charts import chart_panel
from layouts.controls import period_notice, with_notice
from layouts.grid import indicator_column
from layouts.i18n import Lang, for_ranked, parse_lang, t
from layouts.inspections import (
    OverdueFigures,
    category_bars,
    draw_panel,
    empty_year,
    flow_panel,
    group_table,
    inspections_body,
    inspector_table,
    record_body,
    result_bars,
    rows_table,
    task_info,
    task_not_found,
    task_rows_table,
    task_table,
    theme_panel,
    worklist_body,
    worklist_filters,
    year_control,
)
from layouts.kpi import kpi_sections
from layouts.places import place_name
from layouts.urls import view_href
from metrics.draw import DrawError, rerun_command
from metrics.duban import ROW_LINK_ROLES
from metrics.indicators import INDICATORS, indicators_of
from metrics.inspections import (
    COUNT_COLUMNS,
    RATE_INDICATORS,
    counts,
    filter_rows,
    joint_task_share,
    rectification_state,
    result_counts,
    task_summary,
    worklist,
)
from metrics.periods import DefaultPeriod, parse_period
from metrics.red_flags import parse_as_of
from metrics.vocabulary import (
    INSPECTION_RESULTS,
    PROBLEM_RESULT_CODES,
    RISK_DRAW_RATIOS,
)

# The column of the division a row is ranked under: its township, or its county (_with_units).
UNIT = "unit_code"
# chart id -> (row column the bar's key selects, text key of the dimension)
DRILLS = {
    ids.INSPECTIONS_RESULT_CHART: ("result_code", "insp_result"),
    ids.INSPECTIONS_DEPARTMENT_CHART: ("lead_department", "insp_lead_department"),
    ids.INSPECTIONS_TOWNSHIP_CHART: (UNIT, "insp_township"),
    ids.INSPECTIONS_INDUSTRY_CHART: ("industry", "insp_industry"),
}
GROUPS = (("lead_department", "insp_by_department"), (UNIT, "insp_by_township"),
          ("industry", "insp_by_industry"))


def _name(indicator_id: str, lang: Lang) -> str:
    indicator = INDICATORS[indicator_id]
    return indicator.name_en if lang == "en" else indicator.name_zh


def _result_names(lang: Lang) -> dict[str, str]:
    return {code: (en if lang == "en" else zh) for code, (zh, en, _) in
            INSPECTION_RESULTS.items()}


def default_year(context: AppContext) -> DefaultPeriod:
    """The year the page opens on: every page's default-period rule (views.default_period),
    the latest complete year the inspection data cover."""
    return default_period(context, "year", ("inspections",))


def resolve_year(context: AppContext, query: dict[str, str]) -> tuple[int, list[int]]:
    """The year in the URL (default: `default_year`), and the years offered."""
    today = context.today()
    years = task_years(context.engine) or [today.year]
    text = query.get("year", "")
    year = int(text) if text.isdigit() and 2000 <= int(text) <= 2100 \
        else default_year(context).period.year
    return year, sorted({*years, year, today.year}, reverse=True)


def _shown_rows(rows: pd.DataFrame, context: AppContext, lang: Lang) -> pd.DataFrame:
    """Result rows as the tables show them: result text, inspectors, rectification state."""
    names = _result_names(lang)
    return rows.assign(
        result=rows["result_code"].map(lambda c: f"{c} {names[c]}" if c in names else None),
        inspectors=rows["inspector_codes"],
        rectify_state=rectification_state(rows, context.today()))


def _with_units(context: AppContext, rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with the division the page ranks them under (UNIT, and its name `unit`): their
    township, or their county when the area has several."""
    level = context.home().ranked_level
    units = rows["township_code"].map(
        lambda code: ancestor_code(code, level) if isinstance(code, str) else None)
    names = division_table(context.engine)["name"]
    return rows.assign(**{UNIT: units, "unit": units.map(names)})


def _group_frames(rows: pd.DataFrame, context: AppContext,
                  lang: Lang) -> list[tuple[str, str, pd.DataFrame]]:
    frames = []
    names = dict(zip(rows[UNIT], rows["unit"], strict=False))
    ranked = context.home().ranked_level
    for column, key in GROUPS:
        grouped = counts(rows, context.today(), column)
        shown = [place_name(names.get(k, k), lang) for k in grouped.index] if column == UNIT \
            else list(grouped.index)
        frames.append((column, for_ranked(key, ranked) if column == UNIT else key,
                       grouped.assign(key=grouped.index, name=shown,
                                      problem_rate=grouped["inspection_problem_rate"])))
    return frames


def inspections_page(context: AppContext, lang: Lang, query: dict[str, str]
                     ) -> tuple[str, list, list]:
    year, years = resolve_year(context, query)
    today = context.today()
    trail = [home_step(context, lang, query), (t("inspections", lang), None)]
    controls = with_notice(year_control(lang, year, years),
                           period_notice(lang, default_year(context)))
    month = f"{today.year}-{today.month:02d}"
    indicator_names = {i: _name(i, lang) for i in INDICATORS}
    theme = theme_panel(lang, month, supervision_theme(context.engine, month), indicator_names)
    period = parse_period(str(year))
    rows = _with_units(context, result_rows(context.engine, period))
    tasks = year_tasks(context.engine, year)
    if rows.empty and tasks.empty:
        return t("inspections", lang), trail, [controls, theme, empty_year(lang, year)]
    choices = indicators_of("inspections")
    view = View(choices[0], period, ("year",), [period])
    kpis = home_kpi_views(context, view.period, [i.id for i in choices])
    total = counts(rows, today).iloc[0]
    totals = {name: int(total[name]) for name in COUNT_COLUMNS}
    joint_tasks = int(tasks["is_joint"].astype(bool).sum())
    # The overdue-rectifications flag of today (every year's draws, as on /weekly and the wall
    # for the same day) beside its share among this year's draws.
    overdue = OverdueFigures(year, today, totals["overdue"],
                             len(overdue_rectifications(context.engine, today)),
                             view_href("/inspections/worklist", query))
    flow = flow_panel(lang, totals, len(tasks), joint_tasks, joint_task_share(tasks), overdue)
    groups = _group_frames(rows, context, lang)
    charts = [chart_panel(t("insp_by_result", lang),
                          result_bars(result_counts(rows, _result_names(lang)),
                                      PROBLEM_RESULT_CODES, lang),
                          ids.INSPECTIONS_RESULT_CHART, t("insp_result_hint", lang), lang)]
    chart_ids = (ids.INSPECTIONS_DEPARTMENT_CHART, ids.INSPECTIONS_TOWNSHIP_CHART,
                 ids.INSPECTIONS_INDUSTRY_CHART)
    for (_column, key, frame), graph_id in zip(groups, chart_ids, strict=True):
        charts.append(chart_panel(f"{t(key, lang)} · {year}", category_bars(frame, lang),
                                  graph_id, t("insp_chart_hint", lang), lang))
    table = pd.concat([frame.assign(dimension=t(key, lang), group=frame["name"])
                       for _column, key, frame in groups], ignore_index=True)
    rate_columns = [indicator_column(i, lang) for i in RATE_INDICATORS]
    tables = [task_table(task_summary(tasks, rows, today), lang, year, today),
              group_table(table, context.home().ranked_level, lang, year, rate_columns, today)]
    return t("inspections", lang), trail, inspections_body(
        controls, theme, kpi_sections(kpis, lang), flow, charts, tables, lang)


def drill_rows(context: AppContext, lang: Lang, year: int, graph_id: str, key: str
               ) -> html.Section:
    """The result rows behind one bar of one chart, as an exportable table."""
    column, dimension = DRILLS[graph_id]
    rows = _with_units(context, result_rows(context.engine, parse_period(str(year))))
    chosen = access.scope_frame(rows[rows[column] == key])
    if column == "result_code":
        label = f"{key} {_result_names(lang).get(key, '')}"
    elif column == UNIT:
        label = chosen["unit"].iat[0] if len(chosen) else key
        dimension = for_ranked(dimension, context.home().ranked_level)
    else:
        label = key
    title = f"{t('insp_rows', lang)} · {t(dimension, lang)}：{label} · {year}"
    return rows_table(_shown_rows(chosen, context, lang), lang, title,
                      f"inspections_{year}_{label}")


# --- worklist ---------------------------------------------------------------------------------


def worklist_page(context: AppContext, lang: Lang, query: dict[str, str]
                  ) -> tuple[str, list, list]:
    # As of today, or of the day in the URL (?as_of=YYYY-MM-DD): the open items as they stood
    # at its end, so that the overdue rectifications are the red flag of that day.
    as_of = parse_as_of(query.get("as_of"), context.today())
    departments, townships = worklist_choices(context.engine)
    department = query.get("department") if query.get("department") in departments else None
    township = query.get("township") if query.get("township") in townships.index else None
    rows = filter_rows(open_rows(context.engine, as_of), department, township)
    frame = worklist(rows, as_of, lang)
    filters = worklist_filters(lang, departments, townships, department, township)
    name = "_".join(["worklist", as_of.isoformat(), *(x for x in (
        department, townships.get(township) if township else None) if x)])
    trail = [home_step(context, lang, query),
             (t("inspections", lang), view_href("/inspections", query)),
             (t("worklist", lang), None)]
    note = t("insp_worklist_note", lang).format(today=as_of.isoformat())
    return t("worklist", lang), trail, worklist_body(lang, filters, frame, note, name, as_of,
                                                     access.has_role(ROW_LINK_ROLES))


def worklist_query(query: dict[str, str], department: str | None, township: str | None
                   ) -> dict[str, str]:
    """The URL query after a filter changed: empty filters leave the URL."""
    updated = {k: v for k, v in query.items() if k not in ("department", "township")}
    if department:
        updated["department"] = department
    if township:
        updated["township"] = township
    return updated


# --- task record ------------------------------------------------------------------------------


def _check(context: AppContext, lang: Lang, task: dict) -> tuple[str, str] | None:
    """Whether today's directory re-computes the recorded draw."""
    if not task["draw_seed"] or not task["directory_hash"]:
        return None
    try:
        result = verify_draw(context.engine, task["code"], task["draw_seed"])
    except DrawError as error:
        return "bad", t("insp_check_failed", lang).format(error=error)
    if result.hash_matches and result.draw_matches:
        return "good", t("insp_check_ok", lang)
    if not result.hash_matches:
        same = "与记录一致" if result.draw_matches else "与记录不同"
        same_en = "matches the record" if result.draw_matches else "differs from the record"
        return "warn", t("insp_check_hash_changed", lang).format(
            now=result.draw.directory_hash[:16] + "…", same=same, same_en=same_en)
    return "bad", t("insp_check_differs", lang)


def task_page(context: AppContext, lang: Lang, query: dict[str, str], code: str
              ) -> tuple[str, list, list]:
    task, rows, inspectors = task_record(context.engine, code)
    if task is None:
        trail = [home_step(context, lang, query),
                 (t("inspections", lang), view_href("/inspections", query)), (code, None)]
        return t("not_found", lang), trail, task_not_found(lang, code,
                                                           view_href("/inspections", query))
    recorded = bool(task["draw_seed"] and task["directory_hash"])
    command = rerun_command(task["code"], task["draw_seed"]) if recorded else None
    check = _check(context, lang, task)
    if task["draw_seed"] and not recorded:
        check = ("warn", t("insp_not_recorded", lang))
    ratios = " / ".join(f"{k} {v * 100:g}%" for k, v in RISK_DRAW_RATIOS.items())
    method = t("insp_draw_method", lang).format(ratios=ratios)
    names = dict(zip(inspectors["code"], inspectors["name"], strict=True)) if len(
        inspectors) else {}
    shown = _shown_rows(rows, context, lang)
    shown = shown.assign(inspectors=rows["inspector_codes"].map(
        lambda text: "、".join(f"{names.get(c, c)}（{c}）" for c in text.split("、") if c)))
    tables = [task_rows_table(access.scope_frame(shown), lang, code),
              inspector_table(inspectors, lang, code)]
    trail = [home_step(context, lang, query),
             (t("inspections", lang), view_href("/inspections", query)),
             (t("worklist", lang), view_href("/inspections/worklist", query)),
             (code, None)]
    return f"{task['name']}", trail, record_body(task_info(lang, task),
                                                 draw_panel(lang, task, command, check, method),
                                                 tables)


# This domain's pages (callbacks/domains.py): URL pattern and page function.
PAGES = (
    (r"^/inspections$", inspections_page),
    (r"^/inspections/worklist$", worklist_page),
    (r"^/inspections/task/([^/]{1,32})$", task_page),
)
# The worklist links its rows to 督办 by the viewer's role: drawn for each request.
DATA_ONLY = (inspections_page,)


def register(app: Dash, context: AppContext) -> None:
    @app.callback(Output(ids.URL, "search", allow_duplicate=True),
                  Input(ids.INSPECTIONS_YEAR, "value"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def year_changed(year: int | None, search: str | None) -> str | NoUpdate:
        return search_with(search, "year", year)

    @app.callback(Output(ids.URL, "search", allow_duplicate=True),
                  Input(ids.WORKLIST_DEPARTMENT, "value"), Input(ids.WORKLIST_TOWNSHIP, "value"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def filters_changed(department: str | None, township: str | None,
                        search: str | None) -> str | NoUpdate:
        query = parse_query(search)
        updated = worklist_query(query, department, township)
        return no_update if updated == query else "?" + urlencode(updated)

    @app.callback(Output(ids.INSPECTIONS_DRILL, "children"),
                  Input(ids.INSPECTIONS_RESULT_CHART, "clickData"),
                  Input(ids.INSPECTIONS_DEPARTMENT_CHART, "clickData"),
                  Input(ids.INSPECTIONS_TOWNSHIP_CHART, "clickData"),
                  Input(ids.INSPECTIONS_INDUSTRY_CHART, "clickData"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def drill(*args: object) -> object:
        search = args[-1]
        click = ctx.triggered[0]["value"] if ctx.triggered else None
        key = clicked_key(click)
        if key is None or ctx.triggered_id not in DRILLS:
            return no_update
        query = parse_query(str(search or ""))
        year, _years = resolve_year(context, query)
        return drill_rows(context, parse_lang(query.get("lang")), year, ctx.triggered_id,
                          key)
