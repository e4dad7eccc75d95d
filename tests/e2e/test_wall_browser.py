"""The wall display (/wall) in headless Chromium at 1920x1080: the map with names and values,
rotation, clock, data time, refresh without reloading, the stale-data warning, and the
database going away and coming back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layouts.wall import PANELS
from tests.conftest import DEMO_AS_OF
from tests.fixtures.accounts import wall_address

WALL_VIEWPORT = {"width": 1920, "height": 1080}
TOWNSHIPS = ("东升镇", "绣林街道", "天鹅洲开发区", "横沟市镇", "团山寺镇")
CLOCK = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def _open_wall(page, base_url: str, query: str, database_url: str | None = None) -> None:
    """The wall as a signed-in user sees it, or (database_url given) as a wall screen opened
    with a new wall token on that database."""
    page.set_viewport_size(WALL_VIEWPORT)
    page.goto(wall_address(database_url, base_url, query) if database_url
              else f"{base_url}/wall?{query}")
    # Set once: if the page reloaded, the marker would be gone.
    page.evaluate("window.wallTestMarker = 'not reloaded'")


def _map_labels(page):
    return page.locator('.wall-panel[data-panel="map"] .scattergeo text')


def _refreshed(page) -> str:
    return page.locator(".wall-refreshed").inner_text()


def _assert_map_panel_fits(page) -> None:
    """At 1080p the four cards beside the map show all their lines, and the map's note stays
    above the footer (it was pushed under it when a card's lines did not fit)."""
    fit = page.evaluate("""() => ({
      cards: Array.from(document.querySelectorAll('.wall-side .wall-tile'))
        .map(c => c.scrollHeight - c.clientHeight),
      panel: document.querySelector('.wall-panel[data-panel="map"]').getBoundingClientRect()
        .bottom,
      note: document.querySelector('.wall-map-note').getBoundingClientRect().bottom,
      footer: document.querySelector('.wall-footer').getBoundingClientRect().top})""")
    assert len(fit["cards"]) == 4 and max(fit["cards"]) <= 0, fit
    assert fit["note"] <= fit["panel"] <= fit["footer"], fit


def test_wall_shows_the_map_rotates_and_refreshes(page, demo_server, assert_offline,
                                                  assert_no_console_errors) -> None:
    _open_wall(page, demo_server, "rotate=2&refresh=2")
    wall = page.locator(".wall")
    expect(_map_labels(page)).to_have_count(15)
    labels = " ".join(_map_labels(page).all_text_contents())
    for name in TOWNSHIPS:
        assert name in labels
    assert labels.count("%") == 15  # every township's value is written on the map
    _assert_map_panel_fits(page)
    # One panel shows at a time, the one wall.js names; the next follows after `rotate` s.
    # (The first data read of a fresh server can take longer than a rotation: start anywhere.)
    active = wall.get_attribute("data-active")
    index = PANELS.index(active)
    expect(page.locator(f'.wall-panel[data-panel="{active}"]')).to_be_visible()
    nxt = PANELS[(index + 1) % len(PANELS)]
    expect(page.locator(f'.wall-panel[data-panel="{nxt}"]')).to_be_hidden()
    expect(wall).to_have_attribute("data-active", nxt, timeout=10_000)
    expect(page.locator(f'.wall-panel[data-panel="{nxt}"]')).to_be_visible()
    expect(page.locator(f'.wall-panel[data-panel="{active}"]')).to_be_hidden()
    expect(page.locator(".wall-position")).to_have_text(f"{PANELS.index(nxt) + 1}/6")
    expect(wall).to_have_attribute("data-active", "services", timeout=20_000)
    services = page.locator('.wall-panel[data-panel="services"]')
    expect(services).to_be_visible()
    expect(page.locator('.wall-panel[data-panel="map"]')).to_be_hidden()
    expect(services.locator(".wall-rank")).to_have_count(15)
    expect(services.locator('.wall-tile[data-indicator="service_on_time_rate"] .wall-status')
           ).to_have_text(re.compile("达标|预警|落后"))
    expect(page.locator(".wall-week")).to_have_text("2026年第45周（2026-11-02 至 2026-11-08）")
    expect(page.locator(".wall-as-of")).to_have_text(
        re.compile(r"^数据更新于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))
    expect(page.locator(".wall-banner")).to_be_hidden()
    clock = page.locator(".wall-clock")
    expect(clock).to_have_text(CLOCK)
    first_tick = clock.inner_text()
    expect(clock).not_to_have_text(first_tick)  # it ticks

    # Refreshed every 2 s without reloading the page.
    expect(page.locator(".wall-refreshed")).to_have_text(re.compile(r"^刷新于 "))
    before = _refreshed(page)
    expect(page.locator(".wall-refreshed")).not_to_have_text(before, timeout=10_000)
    assert page.evaluate("window.wallTestMarker") == "not reloaded"
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_wall_in_english_with_bad_parameters(page, demo_server, assert_offline,
                                             assert_no_console_errors) -> None:
    _open_wall(page, demo_server, "lang=en&rotate=soon&refresh=-3&indicator=bogus")
    wall = page.locator(".wall")
    expect(wall).to_have_attribute("data-rotate", "30")  # the default
    expect(page.locator('.wall-panel[data-panel="map"] .wall-panel-title')).to_have_text(
        "City map")
    expect(page.locator(".wall-week")).to_have_text("Week 45 of 2026 (2026-11-02 to 2026-11-08)")
    expect(page.locator('.wall-map[data-indicator="service_on_time_rate"]')).to_be_visible()
    expect(page.locator(".wall-as-of")).to_contain_text("Data as of")
    _assert_map_panel_fits(page)
    expect(page.locator('.wall-flag[data-kind="overdue_rectifications"] .wall-flag-name')
           ).to_have_text("Overdue rectifications")
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_stale_data_are_flagged(page, live_server_factory, demo_database_url,
                                assert_no_console_errors) -> None:
    # Any import is older than 0 hours: the data count as stale.
    server = live_server_factory(demo_database_url, env={"DASHBOARD_TODAY": DEMO_AS_OF,
                                                         "DASHBOARD_STALE_HOURS": "0"})
    _open_wall(page, server, "refresh=60", demo_database_url)
    banner = page.locator(".wall-banner")
    expect(banner).to_be_visible()
    expect(banner.locator(".wall-banner-main")).to_contain_text("数据已超过 0 小时未更新")
    expect(banner.locator(".wall-banner-other")).to_contain_text("No import for more than 0 hours")
    expect(_map_labels(page)).to_have_count(15)  # the data are shown all the same
    assert_no_console_errors(page)


@pytest.mark.postgres
def test_database_stopped_keeps_the_last_data_and_recovers(page, wall_postgres,
                                                           live_server_factory, assert_offline,
                                                           assert_no_console_errors) -> None:
    server = live_server_factory(wall_postgres.url, env={"DASHBOARD_TODAY": DEMO_AS_OF})
    _open_wall(page, server, "rotate=3600&refresh=2", wall_postgres.url)
    expect(_map_labels(page)).to_have_count(15)
    banner = page.locator(".wall-banner")
    expect(banner).to_be_hidden()

    # An import lands: the next refresh shows its time, without reloading the page.
    imported = wall_postgres.record_import()
    as_of = f"数据更新于 {imported:%Y-%m-%d %H:%M}"
    expect(page.locator(".wall-as-of")).to_have_text(as_of, timeout=15_000)
    labels = _map_labels(page).all_text_contents()
    county = page.locator('.wall-side .wall-tile[data-indicator="service_on_time_rate"] '
                          ".wall-tile-value").inner_text()

    wall_postgres.server.stop_server()
    expect(banner).to_be_visible(timeout=15_000)
    expect(banner.locator(".wall-banner-main")).to_contain_text("数据库无法连接")
    expect(banner.locator(".wall-banner-other")).to_contain_text("Database unreachable")
    expect(banner).to_contain_text(imported.strftime("%Y-%m-%d %H:%M"))
    # The last good figures stay on screen through further failed refreshes.
    refreshed = _refreshed(page)
    page.wait_for_timeout(4_500)
    expect(banner).to_be_visible()
    assert _map_labels(page).all_text_contents() == labels
    assert page.locator('.wall-side .wall-tile[data-indicator="service_on_time_rate"] '
                        ".wall-tile-value").inner_text() == county
    expect(page.locator(".wall-as-of")).to_have_text(as_of)
    assert _refreshed(page) == refreshed  # the last refresh that reached the database

    wall_postgres.server.start_server()
    expect(banner).to_be_hidden(timeout=20_000)
    expect(page.locator(".wall-refreshed")).not_to_have_text(refreshed)
    expect(_map_labels(page)).to_have_count(15)
    assert page.evaluate("window.wallTestMarker") == "not reloaded"
    # The failed refreshes are handled by the server: the browser logged no error.
    assert_no_console_errors(page)
    assert_offline(page, server)
