"""Money reads the same everywhere: every axis and colour bar titled 万元 (10k yuan) ticks in
plain numbers of 万元 (no "200k" of yuan under a 万元 title), the map colours each township
with the number its ranking row shows, and rates show one decimal."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_phone_browser import VILLAGE
from tests.fixtures.accounts import TEST_TOWNSHIP

MONEY = "collective_income_mean"
MONEY_LABELS = {"zh": "万元", "en": "10k yuan"}
PLAIN_NUMBER = re.compile(r"^[−-]?[\d,]+(\.\d+)?$")

# Per plot: each axis and colour bar whose title names the unit, with its tick labels.
AXES = """unit => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(g => {
    const found = [];
    const layout = g._fullLayout || {};
    Object.keys(layout).filter(k => /^[xy]axis\\d*$/.test(k)).forEach(k => {
        const axis = layout[k], title = (axis.title && axis.title.text) || '';
        if (axis.visible !== false && axis.showticklabels !== false && title.includes(unit)) {
            found.push({chart: g.parentElement.id || '', axis: k, title: title,
                        ticks: (axis._vals || []).map(v => v.text)});
        }
    });
    g.querySelectorAll('.colorbar').forEach(bar => {
        const texts = Array.from(bar.querySelectorAll('text')).map(t => t.textContent);
        if (texts.includes(unit)) {
            found.push({chart: g.parentElement.id || '', axis: 'colorbar', title: unit,
                        ticks: texts.filter(t => t !== unit)});
        }
    });
    return found;
})"""


def _money_axes(page: Page, lang: str) -> list[dict]:
    page.wait_for_load_state("networkidle")
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    page.wait_for_function("() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                           ".every(g => g._fullLayout)")
    return page.evaluate(AXES, MONEY_LABELS[lang])


def _not_plain(axes: list[dict]) -> list[dict]:
    return [a for a in axes if not a["ticks"]
            or not all(PLAIN_NUMBER.match(text.strip()) for text in a["ticks"])]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_money_charts_tick_in_the_unit_they_name(page, demo_server, lang) -> None:
    suffix = "&lang=en" if lang == "en" else ""
    seen = []
    for path in (f"/?period=2025&indicator={MONEY}", "/economy?period=2025",
                 f"/village/{VILLAGE}?period=2025"):
        page.goto(f"{demo_server}{path}{suffix}")
        axes = _money_axes(page, lang)
        assert not _not_plain(axes), (path, _not_plain(axes))
        seen += [(path, a["axis"]) for a in axes]
    # The map's colour bar, the economy's composition and distribution axes, the village's
    # income trend: each was found and checked, not skipped for want of a title.
    kinds = {axis for _path, axis in seen}
    assert "colorbar" in kinds and len(seen) >= 4, seen


def test_the_map_colours_with_the_numbers_of_its_ranking(page, demo_server) -> None:
    page.goto(f"{demo_server}/?period=2025&indicator={MONEY}")
    expect(page.locator(".rank-row").first).to_be_visible()
    page.wait_for_function("() => document.querySelector('#map .js-plotly-plot')"
                           " && document.querySelector('#map .js-plotly-plot').data")
    coloured = page.evaluate("""() => { const d = document.querySelector('#map .js-plotly-plot')
        .data[0]; return Object.fromEntries(d.locations.map((c, i) => [c, d.z[i]])); }""")
    rows = page.locator(".rank-row")
    compared = 0
    for i in range(rows.count()):
        row = rows.nth(i)
        text = row.locator(".rank-value").inner_text()
        if text.strip() in ("—", ""):
            continue
        shown = float(text.replace("万元", "").replace(",", "").strip())
        assert coloured[row.get_attribute("data-code")] == pytest.approx(shown, abs=0.005), text
        compared += 1
    assert compared >= 10
    # The KPI card and its ranking say the same digits of the same unit.
    card = page.locator(f'[id*=\'"indicator":"{MONEY}"\'] .kpi-value').first
    assert re.fullmatch(r"[\d,]+\.\d{2}", card.inner_text().strip())


@pytest.mark.parametrize("path", ["/?period=2025&indicator=service_on_time_rate",
                                  f"/township/{TEST_TOWNSHIP}?period=2025"
                                  "&indicator=service_on_time_rate"])
def test_rates_show_one_decimal(page, demo_server, path) -> None:
    page.goto(f"{demo_server}{path}")
    expect(page.locator(".kpi-value").first).to_be_visible()
    values = page.locator(".rank-value, .tile-value").all_inner_texts()
    assert values
    assert all(re.fullmatch(r"\d+\.\d ?%|—", v.strip()) for v in values), values
