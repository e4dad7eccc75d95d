"""What Dash checks callbacks against: one component for every id a callback reads or writes.

The router draws every page into the app's content slot, so the initial layout holds none of
the components the pages' callbacks use. Dash's `validation_layout` names them instead, which
lets the app keep `suppress_callback_exceptions` off: a callback wired to an id no page has, or
to a property its component lacks, is an error. Each component here has the type the pages
draw (tests/integration/test_validation_layout.py compares them with the rendered pages); the
domains' own come from `layouts/<module>.py`'s `callback_components()`.
"""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html
from dash.development.base_component import Component

from layouts import ids
from layouts.data_entry import HISTORY_TABLE
from layouts.shell import app_layout
from layouts.wall import PANELS
from metrics.domains import DOMAINS, DomainSpec, domain_part

EXAMPLE_TABLE = "validation"  # pattern-matching ids need a concrete table name to stand in


def _shared_components() -> list[Component]:
    return [
        # the page's tab title and phone menu; view controls, the township map panel and the
        # tables' export (every page)
        dcc.Store(id=ids.TAB_TITLE), html.Button(id=ids.NAV_TOGGLE), html.Nav(id=ids.NAV_MENU),
        dcc.Dropdown(id=ids.INDICATOR), dcc.Dropdown(id=ids.PERIOD),
        dcc.RadioItems(id=ids.PERIOD_KIND), dcc.Graph(id=ids.MAP),
        dcc.Location(id=ids.MAP_NAV),
        dag.AgGrid(id=ids.grid(EXAMPLE_TABLE)), html.Button(id=ids.export_button(EXAMPLE_TABLE)),
        dcc.Store(id=ids.export_spec(EXAMPLE_TABLE)), dcc.Download(id=ids.download(EXAMPLE_TABLE)),
        # weekly meeting
        dcc.Dropdown(id=ids.WEEKLY_WEEK), html.Button(id=ids.WEEKLY_PRINT),
        dcc.Store(id=ids.WEEKLY_PRINTED), html.Div(id=ids.WEEKLY_EXPORTS),
        dcc.Input(id=ids.WEEKLY_MARK_REASON), html.Div(id=ids.WEEKLY_MARK_RESULT),
        html.Button(id=ids.meeting_mark(0)),
        dcc.Store(id=ids.WEEKLY_PDF_EXPORT), dcc.Store(id=ids.WEEKLY_PDF_FETCH),
        dcc.Store(id=ids.WEEKLY_PDF_FETCHED), dcc.Interval(id=ids.WEEKLY_PDF_POLL),
        html.Div(id=ids.WEEKLY_PDF_JOB),
        # wall display
        dcc.Store(id=ids.WALL_OPTIONS), dcc.Store(id=ids.WALL_REPORT),
        dcc.Store(id=ids.WALL_STATUS), dcc.Interval(id=ids.WALL_REFRESH),
        html.Div(id=ids.WALL_BANNER), html.Div(id=ids.WALL_WEEK),
        html.Span(id=ids.WALL_DATA_AS_OF), html.Span(id=ids.WALL_REFRESHED),
        html.Span(id=ids.WALL_TITLE),
        *(html.Div(id=ids.wall_panel(name)) for name in PANELS),
        # 督办 ledger
        dcc.Textarea(id=ids.DUBAN_REQUEST), dcc.Input(id=ids.DUBAN_DUE_DAYS),
        dcc.Store(id=ids.DUBAN_PREFILL), html.Button(id=ids.DUBAN_CREATE),
        html.Div(id=ids.DUBAN_CREATE_RESULT), dcc.Store(id=ids.DUBAN_ITEM),
        dcc.Textarea(id=ids.DUBAN_STEP_TEXT), dcc.Upload(id=ids.DUBAN_UPLOAD),
        html.Button(id=ids.duban_step("answer")), html.Div(id=ids.DUBAN_STEP_RESULT),
        html.Div(id=ids.DUBAN_DETAIL), html.Div(id=ids.DUBAN_LIST),
        # data upload page
        dcc.Store(id=ids.DATA_UPLOAD_ID), dcc.Interval(id=ids.DATA_POLL),
        html.Div(id=ids.DATA_STATUS), dcc.ConfirmDialogProvider(id=ids.DATA_UNDO),
        html.Div(id=ids.DATA_UNDO_RESULT), dag.AgGrid(id=ids.grid(HISTORY_TABLE)),
    ]


def domain_components(domain: DomainSpec) -> list[Component]:
    return list(domain_part(domain, "layouts", "callback_components").callback_components())


def validation_layout() -> html.Div:
    return html.Div([app_layout(), *_shared_components(),
                     *(c for domain in DOMAINS for c in domain_components(domain))])
