"""Rendered drill-down pages are kept until the next import, and only those pages: in this
process, and in the shared level behind it that other workers read."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from dash import dcc, html
from plotly.io.json import to_json_plotly
from sqlalchemy import insert, update

from callbacks import router
from callbacks.context import AppContext
from callbacks.kept import tree_json
from callbacks.router import render_page
from dashboard.config import Settings
from data_access import cache
from data_access.db import get_engine
from data_access.duban import open_item
from data_access.models import ImportLog, ServiceDaily, ServiceMonthly
from layouts import ids

TODAY = dt.date(2026, 11, 15)
TIAOGUAN = "421081105000"
OCTOBER = "?period=2026-10&indicator=service_cases"


def sent(tree: object) -> str:
    """What Dash sends for a page: the JSON of its tree, or of the JSON form the shared level
    gives back."""
    return to_json_plotly(tree)


def cases_on_card(tree: object) -> str:
    """data-value of the service_cases KPI card, read from what Dash sends for the page."""
    stack = [json.loads(sent(tree))]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict) and "props" in node:
            props = node["props"]
            if str(props.get("className") or "").startswith("kpi-card") and \
                    props.get("data-indicator") == "service_cases":
                return props["data-value"]
            stack.append(props.get("children"))
    raise AssertionError("no service_cases card")


def change_cases_without_import(engine) -> None:
    """Tiaoguan's October cases set to zero in the halls' roll-ups, daily and monthly, as a
    hand edit would: no import is logged."""
    with engine.begin() as connection:
        connection.execute(update(ServiceDaily).where(
            ServiceDaily.township_code == TIAOGUAN,
            ServiceDaily.day >= dt.date(2026, 10, 1), ServiceDaily.day < dt.date(2026, 11, 1),
        ).values(cases=0))
        connection.execute(update(ServiceMonthly).where(
            ServiceMonthly.township_code == TIAOGUAN,
            ServiceMonthly.month == dt.date(2026, 10, 1)).values(cases=0))


def log_an_import(engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(ImportLog).values(
            domain="services", file_name="fix.xlsx", sha256="0" * 64, rows_in_file=1,
            rows_inserted=0, rows_updated=1, imported_at=dt.datetime(2026, 11, 15, 9, 0)))


@pytest.fixture(params=["own", "shared"])
def context(request, demo_copy, tmp_path, monkeypatch) -> AppContext:
    """This process's cache alone, or with a shared folder behind it."""
    url = demo_copy("page_cache")
    monkeypatch.setattr(cache, "VERSION_CHECK_SECONDS", 0.0)
    cache.stop_sharing()
    if request.param == "shared":
        cache.share(folder=tmp_path / "cache")
    cache.clear()
    yield AppContext(Settings.from_env(database_url=url, today=TODAY), get_engine(url))
    cache.clear()
    cache.stop_sharing()


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The pages drawn (not taken from the cache), by path, as they are drawn."""
    pages: list[str] = []
    draw = router._framed_page
    monkeypatch.setattr(router, "_framed_page",
                        lambda *args: pages.append(args[3]) or draw(*args))
    return pages


def test_a_drill_page_is_kept_until_an_import_lands(context, drawn) -> None:
    page = f"/township/{TIAOGUAN}"
    first = render_page(context, page, OCTOBER)
    assert sent(render_page(context, page, OCTOBER)) == sent(first) and drawn == [page]
    # Another view of the same page is its own entry.
    english = render_page(context, page, OCTOBER + "&lang=en")
    assert drawn == [page, page] and sent(english) != sent(first)
    assert "Tiaoguan" not in sent(first)
    cases = cases_on_card(first)

    # Data changes without an import are not seen (the cache is keyed on the import log)...
    change_cases_without_import(context.engine)
    assert sent(render_page(context, page, OCTOBER)) == sent(first) and len(drawn) == 2
    # ...and once an import lands, the page is drawn again from the new data.
    log_an_import(context.engine)
    again = render_page(context, f"/township/{TIAOGUAN}", OCTOBER)
    assert sent(again) != sent(first)
    assert float(cases) > 0 and cases_on_card(again) == "0.0"


@pytest.mark.parametrize("context", ["shared"], indirect=True)
def test_a_process_without_the_page_takes_it_from_the_shared_level(context) -> None:
    first = render_page(context, f"/township/{TIAOGUAN}", OCTOBER)
    change_cases_without_import(context.engine)
    # This process forgets its own copy, as a worker that never drew the page has none: the
    # shared level's is what Dash sends, unchanged, and still the figures before the edit.
    cache.clear(shared=False)
    taken = render_page(context, f"/township/{TIAOGUAN}", OCTOBER)
    assert isinstance(taken, dict) and sent(taken) == sent(first)
    # The shared copy is this process's own from then on.
    assert render_page(context, f"/township/{TIAOGUAN}", OCTOBER) == taken
    log_an_import(context.engine)
    cache.clear(shared=False)
    assert cases_on_card(render_page(context, f"/township/{TIAOGUAN}", OCTOBER)) == "0.0"


def test_pages_that_show_more_than_imported_data_are_drawn_every_time(context, drawn) -> None:
    render_page(context, "/weekly", "?week=2026-W45")
    render_page(context, "/weekly", "?week=2026-W45")
    assert drawn == ["/weekly", "/weekly"]


def replace_settings(context: AppContext, page_cache: bool) -> Settings:
    return Settings.from_env(database_url=str(context.engine.url), today=TODAY,
                             page_cache=page_cache)


def test_the_cache_can_be_turned_off(context, drawn) -> None:
    off = AppContext(replace_settings(context, page_cache=False), context.engine)
    render_page(off, "/", OCTOBER)
    render_page(off, "/", OCTOBER)
    assert drawn == ["/", "/"]


def _bulletin(tree: object) -> str:
    """The weekly page's bulletin text (kept with the report's body), as Dash would send it."""
    page = json.loads(sent(tree))
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == ids.WEEKLY_BULLETIN_TEXT:
                found.append(node["props"]["children"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(page)
    return found[0]


def test_the_weekly_body_is_kept_until_its_duban_counts_change(context) -> None:
    week = "?week=2026-W45"
    first = _bulletin(render_page(context, "/weekly", week))
    assert _bulletin(render_page(context, "/weekly", week)) == first
    open_item(context.engine, TIAOGUAN, "请说明原因", "2026-W45", dt.datetime(2026, 11, 5, 9),
              subject="缓存检查")
    # No import, yet the bulletin's 督办 sentence counts the new item.
    again = _bulletin(render_page(context, "/weekly", week))
    assert again != first and "督办" in again


def _in_order(text: str | bytes) -> object:
    """JSON read with every object's keys in their order."""
    return json.loads(text, object_pairs_hook=list)


@pytest.mark.parametrize("context", ["own"], indirect=True)
@pytest.mark.parametrize(("path", "search"), [
    (f"/township/{TIAOGUAN}", OCTOBER), ("/village/421081105204", ""), ("/services", OCTOBER),
    ("/", "?lang=en"), ("/inspections", ""), ("/volunteers", "?period=2026-Q3")])
def test_a_kept_page_is_what_dash_sends_of_the_page_drawn(context, path, search) -> None:
    """A kept page is handed out in its JSON form, made by callbacks/kept.py's own encoder:
    Dash sends the same properties, in the same order, as for the page drawn."""
    off = AppContext(replace_settings(context, page_cache=False), context.engine)
    drawn = render_page(off, path, search)
    kept = render_page(context, path, search)
    assert isinstance(kept, dict) and not isinstance(drawn, dict)
    assert _in_order(sent(kept)) == _in_order(sent(drawn))
    assert render_page(context, path, search) == kept  # and again, from this process's level


def test_a_value_that_is_not_a_number_is_sent_as_null() -> None:
    tree = html.Div([dcc.Graph(figure={"data": [{"type": "bar", "y": [1.5, float("nan")]}]}),
                     html.Span("inf", **{"data-value": float("inf")})])
    assert _in_order(tree_json(tree)) == _in_order(to_json_plotly(tree))
    assert json.loads(tree_json(tree))["props"]["children"][0]["props"]["figure"]["data"][0][
        "y"] == [1.5, None]
