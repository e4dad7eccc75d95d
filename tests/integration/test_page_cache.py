"""Rendered drill-down pages are kept until the next import, and only those pages."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import insert, update

from callbacks.context import AppContext
from callbacks.router import render_page
from dashboard.config import Settings
from data_access import cache
from data_access.db import get_engine
from data_access.models import ImportLog, ServiceDaily
from tests.component_tree import components

TODAY = dt.date(2026, 11, 15)
TIAOGUAN = "421081105000"
OCTOBER = "?period=2026-10&indicator=service_cases"


def _cases_on_card(tree: object) -> str:
    """data-value of the service_cases KPI card in a rendered tree."""
    for node in components(tree):
        props = node.to_plotly_json()["props"]
        if getattr(node, "className", "").startswith("kpi-card") and \
                props.get("data-indicator") == "service_cases":
            return props["data-value"]
    raise AssertionError("no service_cases card")


@pytest.fixture
def context(demo_database_url, tmp_path, monkeypatch) -> AppContext:
    copy = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_database_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setattr(cache, "VERSION_CHECK_SECONDS", 0.0)
    cache.clear()
    yield AppContext(Settings.from_env(database_url=url, today=TODAY), get_engine(url))
    cache.clear()


def test_a_drill_page_is_kept_until_an_import_lands(context) -> None:
    first = render_page(context, f"/township/{TIAOGUAN}", OCTOBER)
    assert render_page(context, f"/township/{TIAOGUAN}", OCTOBER) is first
    # Another view of the same page is its own entry.
    english = render_page(context, f"/township/{TIAOGUAN}", OCTOBER + "&lang=en")
    assert english is not first and "Tiaoguan" not in str(first)
    cases = _cases_on_card(first)

    # Data changes without an import are not seen (the cache is keyed on the import log)...
    with context.engine.begin() as connection:
        connection.execute(update(ServiceDaily).where(
            ServiceDaily.township_code == TIAOGUAN,
            ServiceDaily.day >= dt.date(2026, 10, 1), ServiceDaily.day < dt.date(2026, 11, 1),
        ).values(cases=0))
    assert render_page(context, f"/township/{TIAOGUAN}", OCTOBER) is first
    # ...and once an import lands, the page is drawn again from the new data.
    with context.engine.begin() as connection:
        connection.execute(insert(ImportLog).values(
            domain="services", file_name="fix.xlsx", sha256="0" * 64, rows_in_file=1,
            rows_inserted=0, rows_updated=1, imported_at=dt.datetime(2026, 11, 15, 9, 0)))
    again = render_page(context, f"/township/{TIAOGUAN}", OCTOBER)
    assert again is not first
    assert float(cases) > 0 and _cases_on_card(again) == "0.0"


def test_pages_that_show_more_than_imported_data_are_drawn_every_time(context) -> None:
    assert render_page(context, "/weekly", "?week=2026-W45") is not render_page(
        context, "/weekly", "?week=2026-W45")


def test_the_cache_can_be_turned_off(context) -> None:
    off = AppContext(Settings.from_env(database_url=str(context.engine.url), today=TODAY,
                                       page_cache=False), context.engine)
    assert render_page(off, "/", OCTOBER) is not render_page(off, "/", OCTOBER)
