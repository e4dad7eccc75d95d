"""Walking a rendered Dash tree, as the page-level tests read what a page would show."""

from __future__ import annotations

from collections.abc import Iterator

from dash.development.base_component import Component


def components(tree: object) -> Iterator[Component]:
    """Every Dash component of a rendered tree (children lists and nested components)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
        elif isinstance(node, Component):
            yield node
            stack.append(getattr(node, "children", None))
