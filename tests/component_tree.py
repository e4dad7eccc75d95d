"""Walking a rendered Dash tree, as the page-level tests read what a page would show. A page
from the page cache comes in its JSON form (callbacks/kept.py): it is read as the components
it was drawn from, made again from that form."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from dash.development.base_component import Component

JSON_KEYS = {"props", "type", "namespace"}


@functools.cache
def _component_classes() -> dict[tuple[str, str], type[Component]]:
    """Every Dash component class loaded, by (namespace, type) as its JSON names it."""
    found: dict[tuple[str, str], type[Component]] = {}
    stack = list(Component.__subclasses__())
    while stack:
        kind = stack.pop()
        stack.extend(kind.__subclasses__())
        namespace, name = getattr(kind, "_namespace", None), getattr(kind, "_type", None)
        if namespace and name:
            found[(namespace, name)] = kind
    return found


def rebuilt(node: object) -> object:
    """The tree with each component in JSON form (a dict of props, type and namespace) made a
    component again; anything else as it is."""
    if isinstance(node, list):
        return [rebuilt(item) for item in node]
    if isinstance(node, dict):
        if in_json_form(node):
            kind = _component_classes()[(node["namespace"], node["type"])]
            return kind(**{key: rebuilt(value) for key, value in node["props"].items()})
        return {key: rebuilt(value) for key, value in node.items()}
    return node


def in_json_form(node: object) -> bool:
    return isinstance(node, dict) and set(node) == JSON_KEYS


def components(tree: object) -> Iterator[Component]:
    """Every Dash component of a rendered tree (children lists and nested components)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if in_json_form(node):
            node = rebuilt(node)
        if isinstance(node, list | tuple):
            stack.extend(node)
        elif isinstance(node, Component):
            yield node
            stack.append(getattr(node, "children", None))


def text_of(node: object) -> str:
    """The text a rendered tree shows: its strings in order, joined as the browser would."""
    if in_json_form(node):
        node = rebuilt(node)
    children = getattr(node, "children", node)
    if children is None:
        return ""
    if isinstance(children, list | tuple):
        return "".join(text_of(child) for child in children)
    if isinstance(children, int | float) and not isinstance(children, bool):
        return str(children)
    return children if isinstance(children, str) else text_of(children)
