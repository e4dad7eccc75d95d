"""The English interface is English: on every page a leader opens, and the wall, no Chinese is
left outside the data's own words (CHINESE_LEFT, checked on every page by
test_accessibility_browser.py as it visits them in English). Place names read
"Tiaoguan Town (调关镇)": the English name with the Chinese after it. What stays Chinese is
marked so: the data's own words (an item, a department, a business: `.data-value`) and text in
Chinese (`lang="zh-CN"`: the switch to 中文)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.fixtures.accounts import TEST_TOWNSHIP

# Every text and title/aria-label with Chinese outside a name's "(...)" that follows English
# words; chart drawings (SVG) are left out: their text alternative, an HTML table, is checked.
CHINESE_LEFT = r"""() => {
  const cjk = /[\u3400-\u9fff]/, bad = [];
  const outside = s => s.replace(/[A-Za-z][^()（）]*\([^()]*\)/g, '');
  const exempt = e => e.closest('script, style, svg, .data-value, [lang^="zh"]');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim(), element = walker.currentNode.parentElement;
    if (cjk.test(outside(text)) && !exempt(element)) bad.push(text.slice(0, 80));
  }
  document.querySelectorAll('[title], [aria-label]').forEach(e => {
    for (const name of ['title', 'aria-label']) {
      const value = e.getAttribute(name) || '';
      if (cjk.test(outside(value)) && !exempt(e)) bad.push(`@${name}: ${value.slice(0, 80)}`);
    }
  });
  return [...new Set(bad)];
}"""


def test_place_names_read_in_pinyin_with_the_chinese_after(page, demo_server) -> None:
    page.goto(f"{demo_server}/township/{TEST_TOWNSHIP}?lang=en")
    # The reviewed spelling of the divisions file (调 read tiao here), not a dictionary's.
    expect(page.locator(".page-title")).to_have_text("Tiaoguan Town (调关镇)")
    expect(page.locator(".tile-name").first).to_have_text(
        re.compile(r"^[A-Z][a-z']+ (Village|Community) \(.+\)$"))
    page.goto(f"{demo_server}/?lang=en&period=2025")
    expect(page.locator(".rank-name", has_text="Tian'ezhou Development Zone (天鹅洲开发区)")) \
        .to_have_count(1)
