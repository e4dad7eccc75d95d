"""The inspection pages: pure builders from prepared frames to components and figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component, ComponentType

from layouts import ids
from layouts.attributes import attributes
from layouts.formatting import format_date
from layouts.grid import DATA_WORDS, ColumnSpec, action_column, link_column, table_section
from layouts.i18n import Lang, for_ranked, in_brackets, t
from layouts.theme import FONT_FAMILY, TREND_COLOURS
from layouts.weekly_first import duban_href
from metrics.inspections import late_counts, work_subject
from metrics.periods import period_containing
from metrics.red_flags import FLAG_DEFINITIONS

TASK_PATH = "/inspections/task/"
NO_PROBLEM_COLOUR = "#8fb8de"
THEME_STATUS = {"未开始": ("none", "not started"), "进行中": ("yellow", "in progress"),
                "已完成": ("green", "done"), "逾期": ("red", "overdue")}
PROBLEM_COLOUR = "#D55E00"


def task_path(code: str) -> str:
    return f"{TASK_PATH}{code}"


def _link_column(section: html.Section, field: str) -> html.Section:
    """Shows `field` (a task code) as a link to its record."""
    return link_column(section, field, TASK_PATH)


# --- figures -----------------------------------------------------------------------------------


def category_bars(frame: pd.DataFrame, lang: Lang, height: int | None = None) -> go.Figure:
    """Horizontal bars of objects drawn per group, largest at the top, labelled with the
    problem rate. frame: key, name, drawn, with_problem, inspected, problem_rate."""
    ordered = frame.sort_values(["drawn", "name"], ascending=[True, False])
    rate_word = "问题发现率" if lang == "zh" else "problem rate"
    texts = [f"{int(d)} · {rate_word} {'—' if pd.isna(r) else f'{r:.1f}%'}"
             for d, r in zip(ordered["drawn"], ordered["problem_rate"], strict=True)]
    figure = go.Figure(go.Bar(
        x=ordered["drawn"], y=ordered["name"], orientation="h", text=texts,
        textposition="auto", customdata=ordered["key"], marker_color=TREND_COLOURS[0],
        hovertemplate="%{y}: %{text}<extra></extra>"))
    figure.update_layout(height=height or max(220, 26 * len(ordered) + 60),
                         margin={"l": 8, "r": 16, "t": 8, "b": 32},
                         font={"family": FONT_FAMILY, "size": 12}, plot_bgcolor="#ffffff",
                         paper_bgcolor="rgba(0,0,0,0)", clickmode="event",
                         xaxis_title="户次" if lang == "zh" else "objects drawn")
    figure.update_xaxes(gridcolor="#e6e9ee")
    return figure


def result_bars(frame: pd.DataFrame, problem_codes: tuple[str, ...], lang: Lang) -> go.Figure:
    """Inspected objects per result code; problems in vermilion, others in light blue."""
    ordered = frame.iloc[::-1]
    labels = [f"{c} {n}" for c, n in zip(ordered["code"], ordered["name"], strict=True)]
    colours = [PROBLEM_COLOUR if c in problem_codes else NO_PROBLEM_COLOUR
               for c in ordered["code"]]
    figure = go.Figure(go.Bar(
        x=ordered["count"], y=labels, orientation="h", text=ordered["count"],
        textposition="auto", customdata=ordered["code"], marker_color=colours,
        hovertemplate="%{y}: %{x}<extra></extra>"))
    figure.update_layout(height=max(220, 30 * len(ordered) + 60),
                         margin={"l": 8, "r": 16, "t": 8, "b": 32},
                         font={"family": FONT_FAMILY, "size": 12}, plot_bgcolor="#ffffff",
                         paper_bgcolor="rgba(0,0,0,0)", clickmode="event",
                         xaxis_title="户次" if lang == "zh" else "objects")
    figure.update_xaxes(gridcolor="#e6e9ee")
    return figure


# --- /inspections --------------------------------------------------------------------------------


def year_control(lang: Lang, year: int, years: list[int]) -> html.Div:
    return html.Div([html.Div([
        html.Span(t("insp_year", lang), className="control-label"),
        dcc.Dropdown(id=ids.INSPECTIONS_YEAR, value=year, clearable=False, searchable=False,
                     options=[{"label": str(y), "value": y} for y in years])],
        className="control period-control")], className="controls")


def stat(label: str, value: str, key: str, tone: str = "", title: str = "",
         href: str | None = None) -> html.Div:
    """A figure with its label; `title`: its definition on hover; `href`: where its rows are."""
    shown = (dcc.Link(value, href=href, className="insp-stat-value") if href
             else html.Span(value, className="insp-stat-value"))
    return html.Div([html.Span(label, className="insp-stat-label"), shown],
                    className=f"insp-stat {tone}".strip(),
                    **attributes({"data-stat": key, **({"title": title} if title else {})}))


def flag_definition(kind: str, lang: Lang) -> str:
    """A red flag's definition and its as-of rule (metrics/red_flags.py), for hover."""
    definition = FLAG_DEFINITIONS[kind]
    return f"{definition.definition(lang)} {definition.as_of_rule(lang)}"


@dataclass(frozen=True)
class OverdueFigures:
    """The two overdue counts of /inspections at the end of `as_of`: among the year's draws
    (the year's count of metrics.inspections) and the red flag over every year's draws."""

    year: int
    as_of: dt.date
    of_year: int
    flag: int
    worklist_href: str


def overdue_stats(lang: Lang, figures: OverdueFigures) -> list[html.Div]:
    """The overdue-rectifications flag (its name, as on /weekly and the wall, linked to the
    worklist of the same day) and, named apart, its share among the year's draws."""
    as_of = figures.as_of.isoformat()
    name = t("flag_overdue_rectifications", lang)
    return [
        stat(f"{name}（{t('as_of_day', lang).format(as_of=as_of)}）" if lang == "zh"
             else f"{name} ({t('as_of_day', lang).format(as_of=as_of)})",
             f"{figures.flag:,}", "overdue_rectifications",
             "insp-stat-bad" if figures.flag else "",
             flag_definition("overdue_rectifications", lang), figures.worklist_href),
        stat(t("insp_overdue_year", lang).format(year=figures.year), f"{figures.of_year:,}",
             "overdue", "insp-stat-bad" if figures.of_year else "",
             t("insp_overdue_year_def", lang).format(year=figures.year, as_of=as_of)),
    ]


def flow_panel(lang: Lang, totals: dict[str, int], tasks: int, joint_tasks: int,
               joint_share: float | None, overdue: OverdueFigures | None = None
               ) -> html.Section:
    share_text = "—" if joint_share is None else f"{joint_share:.1f}%"
    overdue_parts = overdue_stats(lang, overdue) if overdue is not None else [
        stat(t("insp_overdue", lang), f"{totals['overdue']:,}", "overdue",
             "insp-stat-bad" if totals["overdue"] else "")]
    return html.Section([
        html.Div([html.H3(t("insp_flow", lang)), html.Div([
            stat(t("insp_tasks", lang), f"{tasks:,}", "tasks"),
            stat(t("insp_joint_tasks", lang), f"{joint_tasks:,}{in_brackets(share_text, lang)}",
                 "joint_tasks"),
            stat(t("insp_drawn", lang), f"{totals['drawn']:,}", "drawn"),
            stat(t("insp_inspected", lang), f"{totals['inspected']:,}", "inspected"),
            stat(t("insp_published", lang), f"{totals['published']:,}", "published"),
            stat(t("insp_with_problem", lang), f"{totals['with_problem']:,}", "with_problem"),
        ], className="insp-stats")]),
        html.Div([html.H3(t("insp_rectification", lang)), html.Div([
            stat(t("insp_ordered", lang), f"{totals['ordered']:,}", "ordered"),
            stat(t("insp_rectified", lang), f"{totals['rectified']:,}", "rectified"),
            *overdue_parts,
            stat(t("insp_on_time", lang), f"{totals['published_on_time']:,}",
                 "published_on_time"),
        ], className="insp-stats")]),
    ], className="panel insp-flow")


def theme_panel(lang: Lang, month: str, theme: dict | None,
                indicator_names: dict[str, str]) -> html.Section:
    title = f"{t('insp_theme', lang)} · {month}"
    if theme is None:
        return html.Section([html.H3(title), html.P(
            t("insp_no_theme", lang).format(month=month), className="muted")],
            className="panel insp-theme")
    linked = [indicator_names.get(i, i) for i in theme["linked_indicators"].split("、") if i]
    items = [i.strip() for i in theme["rectification_list"].split("；") if i.strip()]
    tone, status_en = THEME_STATUS.get(theme["status"], ("none", theme["status"]))

    def row(key: str, value: ComponentType, words: bool = False) -> list:
        return [html.Dt(t(key, lang)), html.Dd(value, className=DATA_WORDS if words else None)]

    return html.Section([
        html.H3(title),
        # The theme, its leader, unit and list are the data's words, as entered.
        html.P(theme["theme"], className=f"insp-theme-title {DATA_WORDS}"),
        html.Dl([*row("insp_theme_lead", theme["lead_leader"], words=True),
                 *row("insp_theme_unit", theme["lead_unit"], words=True),
                 *row("insp_theme_indicators", "、".join(linked) if lang == "zh"
                      else ", ".join(linked)),
                 *row("insp_theme_problems", f"{theme['problems_found']}"),
                 *row("insp_theme_due", format_date(theme["due_date"])),
                 *row("insp_theme_status", html.Span(
                     status_en if lang == "en" else theme["status"],
                     className=f"insp-theme-status status-{tone}"))],
                className="insp-dl"),
        html.Div([html.Span(t("insp_theme_list", lang), className="muted small"),
                  html.Ol([html.Li(i.split(". ", 1)[-1]) for i in items],
                          className=DATA_WORDS)]),
    ], className="panel insp-theme", **attributes({"data-month": month}))


def _overdue_column(lang: Lang, year: int, as_of: dt.date | None) -> ColumnSpec:
    """The overdue count of a table of the year's draws: named with its as-of day, defined on
    hover (not the red flag, which counts every year's draws)."""
    if as_of is None:
        return ColumnSpec("overdue", t("insp_overdue", lang), "number")
    named = {"year": year, "as_of": as_of.isoformat()}
    return ColumnSpec("overdue", t("insp_overdue_column", lang).format(**named), "number",
                      tooltip=t("insp_overdue_year_def", lang).format(**named))


def task_columns(lang: Lang, year: int = 0, as_of: dt.date | None = None) -> list[ColumnSpec]:
    return [ColumnSpec("code", t("insp_task_code", lang), pinned=True),
            ColumnSpec("name", t("insp_task_name", lang)),
            ColumnSpec("lead_department", t("insp_lead_department", lang)),
            ColumnSpec("departments", t("insp_departments", lang)),
            ColumnSpec("joint", t("insp_joint", lang)),
            ColumnSpec("planned_start", t("insp_planned_start", lang)),
            ColumnSpec("planned_end", t("insp_planned_end", lang)),
            ColumnSpec("drawn", t("insp_drawn", lang), "number"),
            ColumnSpec("inspected", t("insp_inspected", lang), "number"),
            ColumnSpec("published", t("insp_published", lang), "number"),
            ColumnSpec("problem_rate", t("insp_problem_rate", lang), "number", digits=1),
            _overdue_column(lang, year, as_of)]


def task_table(frame: pd.DataFrame, lang: Lang, year: int, as_of: dt.date | None = None
               ) -> html.Section:
    shown = frame.assign(joint=frame["is_joint"].map(
        lambda j: t("insp_yes", lang) if j else t("insp_no", lang)))
    return _link_column(table_section(ids.INSPECTIONS_TASK_TABLE, f"{t('insp_tasks', lang)} · "
                                      f"{year}", shown, task_columns(lang, year, as_of), lang,
                                      f"tasks_{year}", row_id="code", height=360), "code")


def group_table(frame: pd.DataFrame, ranked: str, lang: Lang, year: int,
                rate_columns: list[ColumnSpec], as_of: dt.date | None = None) -> html.Section:
    """By department, by the `ranked` divisions and by industry."""
    columns = [ColumnSpec("dimension", t("insp_dimension", lang), pinned=True),
               ColumnSpec("group", t("insp_group", lang), pinned=True),
               ColumnSpec("drawn", t("insp_drawn", lang), "number"),
               ColumnSpec("inspected", t("insp_inspected", lang), "number"),
               ColumnSpec("published", t("insp_published", lang), "number"),
               ColumnSpec("with_problem", t("insp_with_problem", lang), "number"),
               ColumnSpec("ordered", t("insp_ordered", lang), "number"),
               ColumnSpec("rectified", t("insp_rectified", lang), "number"),
               _overdue_column(lang, year, as_of),
               *rate_columns]
    title = t(for_ranked("insp_group_table", ranked), lang)
    return table_section(ids.INSPECTIONS_GROUP_TABLE, f"{title} · {year}",
                         frame, columns, lang, f"inspections_by_group_{year}", height=360)


def row_columns(lang: Lang) -> list[ColumnSpec]:
    return [ColumnSpec("task_code", t("insp_task_code", lang), pinned=True),
            ColumnSpec("object_code", t("insp_object_code", lang)),
            ColumnSpec("object_name", t("insp_object", lang)),
            ColumnSpec("industry", t("insp_industry", lang)),
            ColumnSpec("risk_class", t("insp_risk", lang)),
            ColumnSpec("township", t("insp_township", lang), place=True),
            ColumnSpec("lead_department", t("insp_lead_department", lang)),
            ColumnSpec("inspectors", t("insp_inspectors", lang)),
            ColumnSpec("drawn_on", t("insp_drawn_on", lang)),
            ColumnSpec("inspected_on", t("insp_inspected_on", lang)),
            ColumnSpec("result", t("insp_result", lang)),
            ColumnSpec("disposal", t("insp_disposal", lang), term=True),
            ColumnSpec("rectify_due", t("insp_rectify_due", lang)),
            ColumnSpec("rectified_on", t("insp_rectified_on", lang)),
            ColumnSpec("rectify_state", t("insp_rectify_state", lang), term=True),
            ColumnSpec("publish_due", t("insp_publish_due", lang)),
            ColumnSpec("published_on", t("insp_published_on", lang))]


def rows_table(frame: pd.DataFrame, lang: Lang, title: str, export_name: str) -> html.Section:
    """Result rows behind a chart bar, each linking to its task's record."""
    return _link_column(table_section(ids.INSPECTIONS_ROWS_TABLE, title, frame, row_columns(lang),
                                      lang, export_name), "task_code")


def task_rows_table(frame: pd.DataFrame, lang: Lang, code: str) -> html.Section:
    """A task's drawn objects and their results (the task column left out)."""
    columns = [ColumnSpec("object_name", t("insp_object", lang), pinned=True, wide=True),
               *(c for c in row_columns(lang)
                 if c.field not in ("task_code", "lead_department", "object_name"))]
    return table_section(ids.TASK_OBJECTS_TABLE, t("insp_objects_table", lang), frame, columns,
                         lang, f"task_{code}", row_id="object_code", height=360)


def inspections_body(controls: html.Div, theme: html.Section, kpis: list, flow: html.Section,
                     charts: list, tables: list, lang: Lang) -> list:
    return [controls, html.Div([flow, theme], className="insp-top"),
            html.Div(kpis, className="kpi-grid"),
            html.Div(charts[:2], className="chart-row"),
            html.Div(charts[2:], className="chart-row"),
            html.Div(html.P(t("insp_drill_hint", lang), className="muted"),
                     id=ids.INSPECTIONS_DRILL, className="panel drill insp-drill"),
            *tables]


def empty_year(lang: Lang, year: int) -> html.P:
    return html.P(t("insp_no_data", lang).format(year=year), className="panel empty-period")


# --- /inspections/worklist ------------------------------------------------------------------------


def worklist_filters(lang: Lang, departments: list[str], townships: pd.Series,
                     department: str | None, township: str | None) -> html.Div:
    return html.Div([
        html.Div([html.Span(t("department", lang), className="control-label"), dcc.Dropdown(
            id=ids.WORKLIST_DEPARTMENT, value=department, clearable=True, searchable=True,
            placeholder=t("insp_all_departments", lang),
            options=[{"label": d, "value": d} for d in departments])],
            className="control insp-filter"),
        html.Div([html.Span(t("insp_township", lang), className="control-label"), dcc.Dropdown(
            id=ids.WORKLIST_TOWNSHIP, value=township, clearable=True, searchable=True,
            placeholder=t("insp_all_townships", lang),
            options=[{"label": n, "value": c} for c, n in townships.items()])],
            className="control insp-filter"),
    ], className="controls")


def worklist_columns(lang: Lang) -> list[ColumnSpec]:
    return [ColumnSpec("kind", t("insp_work_kind", lang), pinned=True),
            ColumnSpec("timing", t("insp_timing", lang)),
            ColumnSpec("days_left", t("insp_days_left", lang), "number",
                       tooltip=t("insp_days_left_tip", lang)),
            ColumnSpec("due", t("insp_due", lang)),
            ColumnSpec("task_code", t("insp_task_code", lang)),
            ColumnSpec("subject", t("insp_subject", lang)),
            ColumnSpec("township", t("insp_township", lang), place=True),
            ColumnSpec("lead_department", t("insp_lead_department", lang)),
            ColumnSpec("departments", t("insp_departments", lang)),
            ColumnSpec("task_name", t("insp_task_name", lang))]


def timing_text(late: bool, working_left: float, calendar_left: float, lang: Lang) -> str:
    """A deadline against the as-of day, in working days with calendar days in brackets:
    “逾期 12 个工作日（17 天）”, “剩余 3 个工作日（5 天）”, “当日到期”."""
    if pd.isna(working_left) or pd.isna(calendar_left):
        return ""
    if late:
        return t("late_working_days", lang).format(working=int(-working_left),
                                                   calendar=int(-calendar_left))
    if calendar_left == 0:
        return t("due_on_as_of_day", lang)
    return t("left_working_days", lang).format(working=int(working_left),
                                               calendar=int(calendar_left))


def _count(label: str, count: int, key: str, title: str, late: bool = True) -> html.Span:
    return html.Span([f"{label} ", html.Strong(f"{count:,}",
                                               className="insp-late" if late and count else "")],
                     className="insp-count", title=title, **attributes({"data-count-of": key}))


def worklist_summary(lang: Lang, frame: pd.DataFrame, as_of: dt.date) -> html.P:
    """How many items are open at the as-of day, and the late ones by kind, each named and
    defined on hover: the overdue rectifications are the red flag of that day."""
    counts = late_counts(frame)
    late = sum(counts[key] for key in ("rectify", "publish", "task"))
    separator = "；" if lang == "zh" else "; "
    parts = [
        _count(t("flag_overdue_rectifications", lang), counts["rectify"], "overdue_rectifications",
               flag_definition("overdue_rectifications", lang)),
        _count(t("insp_late_publish", lang), counts["publish"], "publish",
               t("insp_late_publish_def", lang)),
        _count(t("insp_late_task", lang), counts["task"], "task", t("insp_late_task_def", lang)),
        _count(t("insp_due_soon", lang), counts["due_soon"], "due_soon", "", late=False),
        _count(t("insp_publish_waiting", lang), counts["waiting"], "waiting",
               t("insp_publish_waiting_def", lang), late=False),
    ]
    joined: list = []
    for part in parts:
        joined += [separator, part] if joined else [part]
    return html.P([t("insp_worklist_as_of", lang).format(count=f"{len(frame):,}",
                                                          as_of=as_of.isoformat()), *joined],
                  className="insp-summary",
                  **attributes({"data-open": str(len(frame)), "data-late": str(late),
                                "data-overdue-rectifications": str(counts["rectify"]),
                                "data-as-of": as_of.isoformat()}))


def _duban_hrefs(shown: pd.DataFrame, as_of: dt.date, lang: Lang) -> list[str | None]:
    """Each row's 督办 form, pre-filled with the row (what is due, of which object and task)
    and its deadline as shown; a row of several townships has none."""
    week = period_containing("week", as_of).label
    return [duban_href(row.township_code, week, work_subject(row.work, row.late), lang,
                       source="worklist",
                       subject=t("duban_row_subject", lang).format(
                           kind=row.kind, row=row.subject, task=row.task_code),
                       figure=t("duban_row_figure", lang).format(
                           due=format_date(None if pd.isna(row.due) else row.due),
                           timing=row.timing))
            if isinstance(row.township_code, str) else None for row in shown.itertuples()]


def worklist_body(lang: Lang, filters: html.Div, frame: pd.DataFrame, note: str,
                  export_name: str, as_of: dt.date, follow_up: bool = False) -> list:
    """follow_up: each row links to the 督办 form (for those who open items)."""
    shown = frame.assign(timing=[
        timing_text(late, working, calendar, lang) for late, working, calendar in zip(
            frame["late"], frame["days_left"], frame["calendar_days_left"], strict=True)])
    if follow_up:
        shown = shown.assign(duban_href=_duban_hrefs(shown, as_of, lang))
    table = _link_column(table_section(ids.WORKLIST_TABLE, t("worklist", lang), shown,
                                       worklist_columns(lang), lang, export_name, height=560),
                         "task_code")
    if follow_up:
        table = action_column(table, "duban_href", t("duban_link", lang))
    return [filters, html.P(note, className="muted small insp-note"),
            worklist_summary(lang, frame, as_of),
            table if len(frame) else html.P(t("insp_no_open", lang),
                                            className="panel empty-period")]


# --- /inspections/task/<code> ---------------------------------------------------------------------


def _dl(pairs: list[tuple[str, ComponentType]]) -> html.Dl:
    children: list = []
    for label, value in pairs:
        children += [html.Dt(label), html.Dd(value)]
    return html.Dl(children, className="insp-dl")


def _unbroken(text: str) -> html.Span:
    """A date or a code kept on one line: a narrow column would break it at a hyphen."""
    return html.Span(text, className="unbroken")


def task_info(lang: Lang, task: dict) -> html.Section:
    joint = t("insp_joint", lang) + ("：" if lang == "zh" else ": ") \
        + t("insp_yes" if task["is_joint"] else "insp_no", lang)
    return html.Section([html.H3(t("insp_task_record", lang)), _dl([
        (t("insp_task_code", lang), _unbroken(task["code"])),
        (t("insp_task_name", lang), task["name"]),
        (t("insp_item", lang), html.Span([task["item_name"],
                                          _unbroken(in_brackets(task["item_code"], lang))])),
        (t("insp_basis", lang), task["basis"]),
        (t("insp_scope", lang), task["scope"] or "—"),
        (t("insp_lead_department", lang), task["lead_department"]),
        (t("insp_departments", lang), task["departments"] + in_brackets(joint, lang)),
        (f"{t('insp_planned_start', lang)} – {t('insp_planned_end', lang)}",
         html.Span([_unbroken(format_date(task["planned_start"])), " – ",
                    _unbroken(format_date(task["planned_end"]))])),
    ])], className="panel")


def draw_panel(lang: Lang, task: dict, command: str | None, check: tuple[str, str] | None,
               method: str) -> html.Section:
    """The draw as recorded: seed, directory hash, time, the command to verify it and, when
    it could be re-computed, whether today's directory gives the same draw."""
    if not task["draw_seed"]:
        body: list = [html.P(t("insp_not_drawn", lang), className="muted")]
    else:
        body = [_dl([(t("insp_seed", lang), html.Code(task["draw_seed"], className="insp-seed")),
                     (t("insp_directory_hash", lang),
                      html.Code(task["directory_hash"] or "—", className="insp-hash")),
                     (t("insp_drawn_at", lang), format_date(task["drawn_at"]))])]
        if command:
            body += [html.P(t("insp_rerun", lang), className="muted small"),
                     html.Pre(html.Code(command), className="insp-command")]
        if check:
            tone, text = check
            body.append(html.P(text, className=f"insp-check insp-check-{tone}",
                               **attributes({"data-check": tone})))
        body.append(html.P(method, className="muted small"))
    return html.Section([html.H3(t("insp_draw", lang)), *body], className="panel insp-draw")


def inspector_table(frame: pd.DataFrame, lang: Lang, code: str) -> html.Section:
    columns = [ColumnSpec("code", t("insp_inspectors", lang), pinned=True),
               ColumnSpec("name", t("name", lang)),
               ColumnSpec("department", t("department", lang)),
               ColumnSpec("certificate_no", t("insp_certificate", lang))]
    return table_section(ids.TASK_INSPECTORS_TABLE, t("insp_inspectors_table", lang), frame,
                         columns, lang, f"inspectors_{code}", row_id="code", height=260)


def record_body(info: html.Section, draw: html.Section, tables: list) -> list:
    return [html.Div([info, draw], className="insp-top insp-record"), *tables]


def task_not_found(lang: Lang, code: str, back_href: str) -> list:
    """The page of a task code that is not on record: says which code, and links back."""
    return [html.Div([
        html.P(t("insp_task_not_found", lang).format(code=code), className="insp-not-found"),
        dcc.Link(t("insp_back", lang), href=back_href),
    ], className="not-found", **attributes({"data-task": code}))]


def callback_components() -> list[Component]:
    """The components of this domain's pages that its callbacks use (layouts/validation.py)."""
    return [dcc.Dropdown(id=ids.INSPECTIONS_YEAR), dcc.Graph(id=ids.INSPECTIONS_RESULT_CHART),
            dcc.Graph(id=ids.INSPECTIONS_DEPARTMENT_CHART),
            dcc.Graph(id=ids.INSPECTIONS_TOWNSHIP_CHART),
            dcc.Graph(id=ids.INSPECTIONS_INDUSTRY_CHART), html.Div(id=ids.INSPECTIONS_DRILL),
            dcc.Dropdown(id=ids.WORKLIST_DEPARTMENT), dcc.Dropdown(id=ids.WORKLIST_TOWNSHIP)]
