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


def text_of(node: object) -> str:
    """The text a rendered tree shows: its strings in order, joined as the browser would."""
    children = getattr(node, "children", node)
    if children is None:
        return ""
    if isinstance(children, list | tuple):
        return "".join(text_of(child) for child in children)
    if isinstance(children, int | float) and not isinstance(children, bool):
        return str(children)
    return children if isinstance(children, str) else text_of(children)
