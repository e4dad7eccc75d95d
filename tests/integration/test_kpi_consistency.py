"""One computation per figure: every KPI card a page shows carries the value the JSON API gives
for the same scope and period, formatted as the card formats it; and the top-items table's
on-time column is the indicator's own definition (on time ÷ finished in the period).

Pages are rendered through the router the app uses (callbacks.router.render_page); the API is
asked through the Flask test client of an app built by dashboard.app.create_app.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import pytest
from sqlalchemy import case, func, select

from callbacks.context import AppContext
from callbacks.router import render_page
from dashboard.app import create_app
from dashboard.config import Settings
from data_access.demo.shared import DEMO_COUNTY_CODE as COUNTY_CODE
from data_access.models import ServiceCase
from layouts import ids
from layouts.formatting import format_value
from layouts.grid import indicator_column
from metrics.indicators import INDICATORS
from tests.component_tree import components, text_of
from tests.fixtures.accounts import SignedInClient, accounts_in

# The same figures on every page, from the demo in SQLite and in PostgreSQL.
pytestmark = pytest.mark.both_backends

TODAY = dt.date(2026, 11, 15)  # the demo database's as-of date
PERIOD = "2025"
TIAOGUAN = "421081105000"
VILLAGE = "421081100201"  # a village of 绣林街道 with every village-level figure

# path, query, API scope and code of the KPI cards on the page
PAGES = [
    ("/", f"?period={PERIOD}", "county", COUNTY_CODE),
    (f"/township/{TIAOGUAN}", f"?period={PERIOD}", "township", TIAOGUAN),
    (f"/village/{VILLAGE}", f"?period={PERIOD}", "village", VILLAGE),
    ("/economy", f"?period={PERIOD}", "county", COUNTY_CODE),
    ("/services", f"?period={PERIOD}", "county", COUNTY_CODE),
    ("/volunteers", f"?period={PERIOD}", "county", COUNTY_CODE),
    ("/inspections", f"?year={PERIOD}", "county", COUNTY_CODE),
    ("/", f"?period={PERIOD}&lang=en", "county", COUNTY_CODE),
]


@pytest.fixture(scope="module")
def context(demo_context: AppContext) -> AppContext:
    """Pages drawn, not taken from the page cache: the test reads the cards from the
    components, and the servers of other tests may have kept the same page (serialised) in the
    level that all processes share."""
    return replace(demo_context, settings=replace(demo_context.settings, page_cache=False))


@pytest.fixture(scope="module")
def client(demo_database_url: str):
    app = create_app(Settings.from_env(database_url=demo_database_url, today=TODAY))
    return SignedInClient(app, accounts_in(demo_database_url)["leader"])


def _props(node: object) -> dict:
    return node.to_plotly_json()["props"]  # type: ignore[attr-defined]


def kpi_cards(tree: object) -> list[tuple[str, str, str]]:
    """(indicator id, data-value, shown value) of every KPI card (layouts/kpi.py)."""
    cards = []
    for node in components(tree):
        if not str(getattr(node, "className", "") or "").startswith("kpi-card"):
            continue
        shown = [part for part in node.children  # type: ignore[attr-defined]
                 if part is not None and getattr(part, "className", "") == "kpi-value"]
        assert len(shown) == 1, f"a KPI card without its one value: {node}"
        props = _props(node)
        cards.append((props["data-indicator"], props["data-value"], text_of(shown[0])))
    return cards


def api_values(client, scope: str, code: str) -> dict[str, float | None]:
    response = client.get("/api/v1/indicators",
                          query_string={"scope": scope, "code": code, "period": PERIOD})
    assert response.status_code == 200, response.get_json()
    return {item["id"]: item["value"] for item in response.get_json()["indicators"]}


@pytest.mark.parametrize(("path", "query", "scope", "code"), PAGES)
def test_every_kpi_card_shows_the_api_value(context, client, path: str, query: str,
                                            scope: str, code: str) -> None:
    tree = render_page(context, path, query)
    cards = kpi_cards(tree)
    assert cards, f"no KPI card found on {path}{query}"
    expected = api_values(client, scope, code)
    lang = "en" if "lang=en" in query else "zh"
    for indicator_id, data_value, shown in cards:
        assert indicator_id in INDICATORS, f"{path}: card of an unknown indicator {indicator_id}"
        assert indicator_id in expected, f"{path}: {indicator_id} is not in the API's answer"
        value = expected[indicator_id]
        assert data_value == ("" if value is None else repr(value)), (path, indicator_id)
        assert shown == format_value(value, INDICATORS[indicator_id].unit, lang), (
            f"{path}{query}: card {indicator_id} shows {shown!r}, the API gives {value!r}")


def _grid(tree: object, table_id: str) -> dict:
    wanted = ids.grid(table_id)
    for node in components(tree):
        if getattr(node, "id", None) == wanted:
            return _props(node)
    raise AssertionError(f"no table {table_id}")


def test_top_items_on_time_column_is_the_indicators_definition(context) -> None:
    """The column under service_on_time_rate's name counts cases finished in the period, as
    the indicator does (not the cases accepted in it), and has no value where none finished."""
    grid = _grid(render_page(context, "/services", f"?period={PERIOD}"), "top-items")
    column = indicator_column("service_on_time_rate", "zh")
    headers = {c["headerName"]: c["field"] for c in grid["columnDefs"]}
    assert headers.get(column.header) == column.field
    named = [h for h in headers if h.startswith(INDICATORS["service_on_time_rate"].name_zh)]
    assert named == [column.header]
    rows = grid["rowData"]
    assert rows
    start, end = dt.datetime(2025, 1, 1), dt.datetime(2026, 1, 1)
    on_time_case = case((func.date(ServiceCase.finished_at) <= ServiceCase.due_date, 1), else_=0)
    with context.engine.connect() as connection:
        for row in rows:
            finished, on_time = connection.execute(
                select(func.count(), func.coalesce(func.sum(on_time_case), 0))
                .where(ServiceCase.item_code == row["code"], ServiceCase.finished_at >= start,
                       ServiceCase.finished_at < end)).one()
            value = row[column.field]
            if finished == 0:
                assert value is None
            else:
                assert value is not None and not math.isinf(value)
                assert value == pytest.approx(on_time * 100 / finished), row["name"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_services_trend_axis_names_the_indicators_unit(context, lang: str) -> None:
    """The weekly trend plots 办件量, so its axis says 件 (cases), as the KPI card does."""
    tree = render_page(context, "/services", f"?period={PERIOD}&lang={lang}")
    graph = next(c for c in components(tree) if getattr(c, "id", None) == ids.SERVICES_TREND)
    unit = INDICATORS["service_cases"].unit
    assert graph.figure["layout"]["yaxis"]["title"]["text"] == (unit.zh if lang == "zh"
                                                                 else unit.en)


@pytest.mark.parametrize("period", ["2026", "2026-Q4", "2026-11", "2026-09"])
def test_the_services_trend_shows_twelve_weeks_that_have_begun(context, period: str) -> None:
    """近12周趋势 ends with the period's last week, or this week in a period still running
    (today is 2026-11-15, week 46): no week to come drawn as an empty bar."""
    tree = render_page(context, "/services", f"?period={period}")
    graph = next(c for c in components(tree) if getattr(c, "id", None) == ids.SERVICES_TREND)
    weeks = list(graph.figure["data"][0]["x"])
    assert len(weeks) == 12
    assert weeks[-1] == ("2026-W40" if period == "2026-09" else "2026-W46")
