"""The wall runs all day: hundreds of rotations with data refreshes, and imports landing in
between (each one redraws every panel, the map included), must not make the page's JavaScript
heap, DOM node count or event listener count keep growing.

300 rotations take a minute at 0.2 s per panel (the lowest /wall allows, for tests like this
one), with an import every 5 s: about ten redraws of every panel, each of which would leave some
1,500 nodes behind if the page leaked them. It fits the regular suite, so it runs there.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_AS_OF
from tests.fixtures.accounts import wall_address

ROTATE = "0.2"
REFRESH = "2"
WARM_UP_ROTATIONS = 50
ROTATIONS = 300
# An import every this many seconds: a new data version, so the next refresh redraws the panels.
IMPORT_EVERY_S = 5
# Allowed growth from the warm-up sample to the end, after a forced garbage collection. The
# heap and node count wobble with what was allocated just before the sample (a figure being
# redrawn, a pending callback response: some hundred kB and tens of nodes); a leak of one
# redraw's panels is about 1,500 nodes and 1 MB, so ten redraws leaking would go far past
# these bounds, while a steady page stays well inside them.
HEAP_SLACK = 1.20
HEAP_SLACK_BYTES = 2_000_000
NODE_SLACK = 1.05
NODE_SLACK_COUNT = 100
LISTENER_SLACK_COUNT = 20


def _metrics(cdp) -> dict[str, float]:
    cdp.send("HeapProfiler.collectGarbage")
    found = cdp.send("Performance.getMetrics")["metrics"]
    values = {m["name"]: m["value"] for m in found}
    return {"heap": values["JSHeapUsedSize"], "nodes": values["Nodes"],
            "listeners": values["JSEventListeners"]}


def _rotations(page) -> int:
    return int(page.locator(".wall").get_attribute("data-rotations") or 0)


def _import_and_wait(page, database) -> None:
    imported = database.record_import()
    expect(page.locator(".wall-as-of")).to_have_text(
        f"数据更新于 {imported:%Y-%m-%d %H:%M}", timeout=15_000)


@pytest.mark.postgres
@pytest.mark.slow
def test_wall_memory_stays_flat(page, wall_postgres, live_server_factory,
                                assert_no_console_errors) -> None:
    server = live_server_factory(wall_postgres.url, env={"DASHBOARD_TODAY": DEMO_AS_OF})
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(wall_address(wall_postgres.url, server, f"rotate={ROTATE}&refresh={REFRESH}"))
    expect(page.locator('.wall-panel[data-panel="map"] .scattergeo text')).to_have_count(15)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")

    # Warm-up: caches, fonts and the first redraw settle before the baseline is taken.
    _import_and_wait(page, wall_postgres)
    # A function, not an expression: the page's Content-Security-Policy forbids eval.
    page.wait_for_function(f"() => Number(document.querySelector('.wall').dataset.rotations) >= "
                           f"{WARM_UP_ROTATIONS}")
    warm = _metrics(cdp)
    start = _rotations(page)

    redraws, middle = 0, None
    while (left := start + ROTATIONS - _rotations(page)) > 0:
        _import_and_wait(page, wall_postgres)
        redraws += 1
        page.wait_for_timeout(min(IMPORT_EVERY_S, left * float(ROTATE)) * 1000)
        if middle is None and left <= ROTATIONS // 2:
            middle = _metrics(cdp)  # printed, to tell a plateau from a steady climb
    end = _metrics(cdp)
    done = _rotations(page) - start
    print(f"\nwall soak: {done} rotations, {redraws} redraws after imports, refresh every "
          f"{REFRESH} s; warm-up {warm}; middle {middle}; end {end}")

    assert done >= ROTATIONS and redraws >= 8
    expect(page.locator('.wall-panel[data-panel="map"] .scattergeo text')).to_have_count(15)
    assert end["heap"] <= warm["heap"] * HEAP_SLACK + HEAP_SLACK_BYTES, (warm, end)
    assert end["nodes"] <= warm["nodes"] * NODE_SLACK + NODE_SLACK_COUNT, (warm, end)
    assert end["listeners"] <= warm["listeners"] + LISTENER_SLACK_COUNT, (warm, end)
    assert_no_console_errors(page)
