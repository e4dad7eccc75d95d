"""The service-hall page: pure builders from prepared frames to components."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from layouts import ids
from layouts.grid import ColumnSpec, indicator_column, table_section
from layouts.i18n import Lang, t
from metrics.indicators import Indicator

HALL_NAMES = {"city": ("市政务服务中心", "city hall"), "township": ("乡镇便民服务中心",
              "township halls"), "village": ("村便民服务室", "village rooms")}
# At a prefecture the halls of the "city" level are the counties' own (metrics.vocabulary
# HALL_LEVELS: a county's code).
COUNTY_HALLS = ("县（市、区）政务服务中心", "county halls")


def hall_name(level: str, lang: Lang, ranked: str = "township") -> str:
    """The halls of a level, named as the area has them (`ranked`: the level it ranks)."""
    zh, en = COUNTY_HALLS if (level, ranked) == ("city", "county") else HALL_NAMES[level]
    return en if lang == "en" else zh


def case_columns(lang: Lang, extra: list[ColumnSpec] | None = None) -> list[ColumnSpec]:
    return [
        ColumnSpec("serial_no", t("serial_no", lang), pinned=True),
        ColumnSpec("item", t("item", lang)),
        ColumnSpec("hall", t("hall", lang), place=True),
        ColumnSpec("channel", t("channel", lang), term=True),
        ColumnSpec("accepted_at", t("accepted_at", lang)),
        ColumnSpec("due_date", t("due_date", lang)),
        ColumnSpec("finished_at", t("finished_at", lang)),
        ColumnSpec("status", t("status", lang), term=True),
        *(extra or []),
    ]


def level_table(frame: pd.DataFrame, indicators: list[Indicator], lang: Lang) -> html.Section:
    columns = [ColumnSpec("hall", t("hall", lang), pinned=True, place=True),
               *(indicator_column(i.id, lang) for i in indicators)]
    return table_section("levels", t("by_level", lang), frame, columns, lang,
                         f"{t('by_level', lang)}", height=170)


def services_body(controls: html.Div, kpis: list, charts: list, tables: list,
                  drill_hint: str) -> list:
    return [controls, html.Div(kpis, className="kpi-grid"),
            html.Div(charts, className="chart-row"), *tables,
            html.Div(html.P(drill_hint, className="muted"), id=ids.SERVICES_DRILL,
                     className="panel drill")]


def no_data(lang: Lang) -> html.P:
    return html.P(t("no_cases_period", lang), className="panel empty-period")


def callback_components() -> list[Component]:
    """The components of this domain's pages that its callbacks use (layouts/validation.py)."""
    return [dcc.Graph(id=ids.SERVICES_LEVEL_CHART), dcc.Graph(id=ids.SERVICES_TOWNSHIP_CHART),
            html.Div(id=ids.SERVICES_DRILL)]
