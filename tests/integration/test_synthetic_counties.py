"""The synthetic prefecture for benchmarks: each county a faithful copy of the demo county's
records under its own codes, nothing of 石首 left, and pages that drill through it."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from plotly.io.json import to_json_plotly
from sqlalchemy import Engine, String, select

from callbacks.context import AppContext
from callbacks.router import render_page
from dashboard.config import Settings
from data_access import cache, rollup_check
from data_access.aggregates import aggregate
from data_access.db import get_engine, upgrade_to_head
from data_access.demo.provenance import real_imports
from data_access.demo.shared import DEMO_COUNTY_CODE
from data_access.demo.synthetic import PREFECTURE, build_synthetic, county_code, county_file
from data_access.divisions import home
from data_access.importing.runner import import_file
from data_access.indicator_values import indicator_values
from data_access.models import Base, Division
from metrics.periods import parse_period
from metrics.targets import applies_at
from tests.fixtures.processes import DEMO_AS_OF

# Every template but the 800,000 service cases, which are copied as the others are.
TEMPLATES = frozenset({"population", "collective_income", "cooperatives", "land_transfer",
                       "volunteer_activities", "inspection_results", "supervision_themes"})


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    folder = tmp_path_factory.mktemp("synthetic")
    url = f"sqlite:///{folder / 'synthetic.sqlite3'}"
    upgrade_to_head(url)
    engine = get_engine(url)
    cache.clear()
    build_synthetic(engine, dt.date.fromisoformat(DEMO_AS_OF), folder / "files", 2,
                    domain_ids=TEMPLATES)
    yield engine
    cache.clear()


def test_each_county_is_the_demo_county_under_its_own_codes(engine: Engine,
                                                            demo_engine: Engine) -> None:
    assert home(engine).code == PREFECTURE
    with engine.connect() as connection:
        levels = pd.read_sql(select(Division.level, Division.code), connection)
    assert levels["level"].value_counts().to_dict()["county"] == 2
    with demo_engine.connect() as connection:
        demo_units = pd.read_sql(select(Division.code), connection)
    assert len(levels) == 1 + 2 * len(demo_units)
    for domain, period in (("income", "2025"), ("volunteers", "2025"),
                           ("inspections", "2025")):
        demo = aggregate(demo_engine, domain, parse_period(period), "county")
        counties = aggregate(engine, domain, parse_period(period), "county")
        assert counties.index.tolist() == [county_code(1), county_code(2)]
        for code in counties.index:
            pd.testing.assert_series_equal(counties.loc[code].astype(float),
                                           demo.loc[DEMO_COUNTY_CODE].astype(float),
                                           check_names=False)


def test_nothing_of_the_demo_county_is_left(engine: Engine) -> None:
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String):
                    continue
                left = connection.scalar(select(column).where(
                    column.like("%石首%") | column.like(f"{DEMO_COUNTY_CODE[:6]}%")).limit(1))
                assert left is None, (table.name, column.name, left)


def test_its_imports_are_the_demos_and_its_rollups_agree(engine: Engine) -> None:
    assert real_imports(engine) == []
    assert rollup_check.differences(engine).empty


def test_the_overview_drills_from_the_prefecture(engine: Engine) -> None:
    context = AppContext(Settings.from_env(database_url=engine.url.render_as_string(False),
                                           today=dt.date.fromisoformat(DEMO_AS_OF)), engine)
    page = json.dumps(json.loads(to_json_plotly(render_page(context, "/", ""))),
                      ensure_ascii=False)
    assert "合成督导看板" in page and "/area/429901000000" in page and "合成02" in page
    county = json.dumps(json.loads(to_json_plotly(
        render_page(context, f"/area/{county_code(2)}", ""))), ensure_ascii=False)
    assert f"/township/{county_code(2)[:6]}" in county and "合成市" in county


def test_the_prefectures_rates_are_its_identical_counties(engine: Engine) -> None:
    """Two copies of one county: every rate and mean of the prefecture is the county's (the
    population behind a per-person rate is its villages'), and it is judged by the county's
    targets."""
    year = parse_period("2025")
    ids = ["volunteer_hours_per_1000", "collective_income_mean", "inspection_problem_rate"]
    whole = indicator_values(engine, year, "prefecture", PREFECTURE, ids)
    county = indicator_values(engine, year, "county", county_code(1), ids)
    for area_value, county_value in zip(whole, county, strict=True):
        assert area_value.value is not None
        assert area_value.value == pytest.approx(county_value.value)
    assert applies_at("collective_income_mean", "prefecture")


def test_a_county_s_file_made_again_is_the_one_the_build_imported(engine: Engine,
                                                                  tmp_path) -> None:
    """benchmarks/county_import.py sends a county's file again: it must be the build's, so
    that the import compares every row and stores none anew."""
    path = county_file("volunteer_activities", 2, dt.date.fromisoformat(DEMO_AS_OF), tmp_path)
    report = import_file(engine, path, "volunteer_activities")
    assert report.rows_in_file > 1000
    assert (report.rows_inserted, report.rows_updated) == (0, report.rows_in_file)
    assert rollup_check.differences(engine).empty
