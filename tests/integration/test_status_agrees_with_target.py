"""No card anywhere shows a failing status beside a target it meets: every element of every
page that carries a status, an indicator and a value (KPI cards, ranking rows, the weekly rank
cards, the first screen's tiles, the township summary) is checked against the target, and every
末位 against its peers' values.

Pages are rendered through the router the app uses, on the demo database.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from callbacks.context import AppContext
from callbacks.router import render_page
from data_access.divisions import division_table
from metrics.targets import meets_target
from tests.component_tree import components, in_json_form, rebuilt

FAILING = {"red", "yellow"}


@pytest.fixture(scope="module")
def context(demo_context: AppContext) -> AppContext:
    return demo_context


def _pages(context: AppContext) -> list[str]:
    table = division_table(context.engine)
    townships = list(table.index[table["level"] == "township"])
    villages = list(table.index[table["level"] == "village"])[::25]
    pages = ["/", "/?period=2026", "/?period=2025-Q3", "/?indicator=service_on_time_rate",
             "/?indicator=inspection_completion_rate&period=2026",
             "/?indicator=collective_income_mean", "/economy", "/services",
             "/services?period=2026-W46", "/volunteers", "/inspections", "/inspections?year=2026",
             "/weekly", "/weekly?week=2026-W45", "/weekly?week=2026-W46&lang=en"]
    pages += [f"/township/{code}" for code in townships]
    pages += [f"/township/{code}?indicator=service_on_time_rate&period=2026-10"
              for code in townships[:4]]
    pages += [f"/village/{code}" for code in villages]
    pages += [f"/weekly/{code}?week=2026-W46" for code in townships]
    return pages


def _statused(tree: object) -> Iterator[tuple[str, str, str, str]]:
    """(indicator, status, value, 末位) of every element carrying a status, the indicator taken
    from the element or its nearest ancestor."""
    stack: list[tuple[object, str]] = [(tree, "")]
    while stack:
        node, indicator = stack.pop()
        if in_json_form(node):
            node = rebuilt(node)
        if isinstance(node, list | tuple):
            stack.extend((child, indicator) for child in node)
            continue
        if not hasattr(node, "to_plotly_json"):
            continue
        props = getattr(node, "__dict__", {})
        indicator = props.get("data-indicator") or indicator
        if "data-status" in props and "data-value" in props:
            yield indicator, props["data-status"], props["data-value"], \
                props.get("data-bottom", "")
        stack.append((getattr(node, "children", None), indicator))


def test_no_failing_status_beside_a_met_target(context: AppContext) -> None:
    checked = failing = 0
    for page in _pages(context):
        path, _, search = page.partition("?")
        tree = render_page(context, path, f"?{search}" if search else "")
        for indicator, state, value, _bottom in _statused(tree):
            if not indicator or not value:
                continue
            checked += 1
            if state in FAILING:
                failing += 1
                assert not meets_target(indicator, float(value)), (page, indicator, value, state)
    # the check ran over the pages' cards, and some of them do fail their target
    assert checked > 1_000 and failing > 20, (checked, failing)


def test_the_rendered_elements_carry_their_signals(context: AppContext) -> None:
    tree = render_page(context, "/weekly", "?week=2026-W46")
    found = list(_statused(tree))
    assert {state for _, state, _, _ in found} >= {"green", "red", "none"}
    assert any(bottom == "true" for *_, bottom in found)
    cards = [c for c in components(tree)
             if str(getattr(c, "className", "")).startswith("rank-card ")]
    assert len(cards) > 200
