"""Rendered component trees kept in the cache (data_access/cache.py) as the JSON Dash sends:
parsed back in a few ms where unpickling a tree took over 100 ms, and sent by Dash exactly as
the tree would be."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from _plotly_utils.utils import PlotlyJSONEncoder
from dash import html
from dash.development.base_component import Component
from plotly.io.json import to_json_plotly

from data_access.cache import Codec

# A kept tree is handed out in its JSON form: what a page sends, as Dash sends it.
Tree = html.Div | dict[str, Any]

_PLOTLY = PlotlyJSONEncoder()
# By component class and the names of a component's attributes, as they come: the names of the
# properties among them in the order Dash sends them (the class's properties', then the
# wildcard ones, data-* and aria-*). Components of a class are made with a handful of sets of
# properties.
_SENT: dict[tuple[type, tuple[str, ...]], tuple[str, ...]] = {}


def _as_json(value: object) -> object:
    """A component as Dash's to_plotly_json gives it, the same properties in the same order, in
    a third of the time: Dash tries every property of the class with hasattr, and every
    attribute against every wildcard prefix, for each component (a page has some 700).
    Anything else as plotly encodes it."""
    if not isinstance(value, Component):
        return _PLOTLY.default(value)
    attributes = vars(value)
    shape = (type(value), tuple(attributes))
    sent = _SENT.get(shape)
    if sent is None:
        wildcards = tuple(value._valid_wildcard_attributes)
        sent = _SENT[shape] = (
            *(name for name in value._prop_names if name in attributes),
            *(name for name in attributes if name.startswith(wildcards)))
    return {"props": {name: attributes[name] for name in sent},
            "type": value._type, "namespace": value._namespace}


def tree_json(tree: object) -> bytes:
    """The tree's JSON, as plotly's encoder makes it for Dash: a value that is not a number
    (NaN, inf) is null, through plotly's own encoder."""
    try:
        return json.dumps(tree, default=_as_json, separators=(",", ":"),
                          allow_nan=False).encode()
    except ValueError:
        return to_json_plotly(tree).encode()


TREE_JSON = Codec(tree_json, json.loads)


def digest(value: object) -> str:
    """A short stable stand-in for a value in a cache key."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]
