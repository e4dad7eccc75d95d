"""Several counties, by clicking what a prefecture's leader clicks: the counties ranked on the
overview, into one county's townships, into a township, and back up by the trail."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.processes import DEMO_AS_OF

# The synthetic prefecture's templates: enough for every domain's cards but the 800,000 cases.
TEMPLATES = frozenset({"population", "collective_income", "volunteer_activities",
                       "inspection_results"})


@pytest.fixture(scope="module")
def prefecture(tmp_path_factory: pytest.TempPathFactory) -> str:
    from data_access import cache
    from data_access.db import get_engine, upgrade_to_head
    from data_access.demo.synthetic import build_synthetic

    folder = tmp_path_factory.mktemp("prefecture")
    url = f"sqlite:///{folder / 'prefecture.sqlite3'}"
    upgrade_to_head(url)
    build_synthetic(get_engine(url), dt.date.fromisoformat(DEMO_AS_OF), folder / "files", 2,
                    domain_ids=TEMPLATES)
    cache.clear()
    return url


@pytest.fixture(scope="module")
def prefecture_server(live_server_factory: Callable[..., str], prefecture: str) -> str:
    return live_server_factory(prefecture, env={"DASHBOARD_TODAY": DEMO_AS_OF,
                                                "DASHBOARD_LOGIN_RATE": "600 per minute"})


def test_drill_from_the_prefecture_to_a_township_and_back(
        page: Page, prefecture: str, prefecture_server: str, assert_offline,
        assert_no_console_errors) -> None:
    page.sign_in(prefecture_server, "leader", prefecture)
    page.goto(f"{prefecture_server}/?indicator=collective_income_mean&period=2025")
    expect(page.locator(".app-title")).to_have_text("合成督导看板")
    # The counties, as tiles and ranked, each with its value; no township.
    tiles = page.locator(".tile")
    expect(tiles).to_have_count(2)
    expect(page.locator(".ranking-panel h3")).to_have_text("县（市、区）排名")
    expect(page.locator(".ranking-panel .rank-name")).to_have_text(["合成01", "合成02"])
    value = tiles.first.locator(".tile-value").inner_text()
    assert re.search(r"\d", value)
    tiles.first.click()
    expect(page).to_have_url(re.compile(r"/area/429901000000\?.*indicator=collective_income_mean"))
    expect(page.locator(".breadcrumb")).to_have_text(re.compile("合成市.*合成01县"))
    # The county's own card agrees with its tile on the overview.
    number = re.search(r"[\d,.]+", value)
    assert number is not None
    expect(page.locator(".kpi-card[data-indicator='collective_income_mean'] .kpi-value")
           ).to_have_text(number.group())
    townships = page.locator(".tile")
    expect(townships).to_have_count(15)
    assert all(href.startswith("/township/429901")
               for href in townships.evaluate_all("ts => ts.map(t => t.getAttribute('href'))"))
    townships.first.click()
    expect(page).to_have_url(re.compile(r"/township/429901\d{3}000"))
    expect(page.locator(".breadcrumb")).to_have_text(re.compile("合成市.*合成01县.*"))
    # Ranked among its county's townships, not the prefecture's thirty.
    expect(page.locator(".kpi-rank").first).to_have_text(re.compile(r"^排名 \d+/1[0-5]$"))
    page.locator(".breadcrumb a", has_text="合成01县").click()
    expect(page).to_have_url(re.compile(r"/area/429901000000"))
    page.locator(".breadcrumb a", has_text="合成市").click()
    expect(page.locator(".tile")).to_have_count(2)
    page.goto(f"{prefecture_server}/?lang=en")
    expect(page.locator(".app-title")).to_have_text("Synthetic Prefecture oversight dashboard")
    assert_no_console_errors(page)
    assert_offline(page, prefecture_server)


def _township_squares(url: str) -> dict:
    """Each township of the prefecture a 0.05° square, a county's in one row of its own."""
    from sqlalchemy import select

    from data_access.db import get_engine
    from data_access.models import Division

    with get_engine(url).connect() as connection:
        rows = connection.execute(select(Division.code, Division.parent_code)
                                  .where(Division.level == "township")
                                  .order_by(Division.code)).all()
    counties = sorted({parent for _, parent in rows})
    features, placed = [], {county: 0 for county in counties}
    for code, county in rows:
        west, south = 110 + 0.05 * placed[county], 30 + 0.1 * counties.index(county)
        placed[county] += 1
        ring = [[west, south], [west, south + 0.05], [west + 0.05, south + 0.05],
                [west + 0.05, south], [west, south]]
        features.append({"type": "Feature", "properties": {"code": code},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}


# Last in the module: it gives the prefecture's townships boundaries.
def test_the_counties_map_leads_to_a_county(page: Page, prefecture: str, prefecture_server: str,
                                            tmp_path, assert_no_console_errors) -> None:
    import json

    from data_access.boundaries import import_boundaries
    from data_access.cache import VERSION_CHECK_SECONDS
    from data_access.db import get_engine

    path = tmp_path / "townships.geojson"
    path.write_text(json.dumps(_township_squares(prefecture)), encoding="utf-8")
    import_boundaries(get_engine(prefecture), path, "township")
    page.sign_in(prefecture_server, "leader", prefecture)
    page.wait_for_timeout(VERSION_CHECK_SECONDS * 1000)  # until the server looks for imports
    page.goto(f"{prefecture_server}/?indicator=collective_income_mean&period=2025")
    # Each county the outline of its townships, no tiles.
    expect(page.locator("#map path.choroplethlocation")).to_have_count(2)
    expect(page.locator(".tile")).to_have_count(0)
    label = page.locator("#map .scattergeo text", has_text="合成02")
    expect(label).to_have_count(1)
    box = label.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(r"/area/429902000000\?.*indicator=collective_income_mean"))
    # The county's own map: its townships, drawn now that they have boundaries.
    expect(page.locator("#map path.choroplethlocation")).to_have_count(15)
    assert_no_console_errors(page)
